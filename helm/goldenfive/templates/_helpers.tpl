{{/*
Chart name, truncated to 63 characters (the limit of a DNS label).
*/}}
{{- define "goldenfive.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name: the release name, prefixed to the chart name unless it already contains it.
*/}}
{{- define "goldenfive.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "goldenfive.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "goldenfive.labels" -}}
helm.sh/chart: {{ include "goldenfive.chart" . }}
{{ include "goldenfive.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels: stable for the life of a release (a Deployment's selector cannot change).
*/}}
{{- define "goldenfive.selectorLabels" -}}
app.kubernetes.io/name: {{ include "goldenfive.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "goldenfive.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "goldenfive.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The Secret holding the database credentials and the admin secrets: the user's or the chart's.
*/}}
{{- define "goldenfive.secretName" -}}
{{- default (include "goldenfive.fullname" .) .Values.existingSecret }}
{{- end }}

{{- define "goldenfive.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Whether more than one pod can run, the condition for a PodDisruptionBudget to make sense.
*/}}
{{- define "goldenfive.multiplePods" -}}
{{- if or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) }}true{{- end }}
{{- end }}

{{/*
Environment the chart sets through the ConfigMap. `config` may add keys but not replace these.
*/}}
{{- define "goldenfive.configEnv" -}}
{{- $env := dict
      "SPRING_DATASOURCE_URL" .Values.database.url
      "MANAGEMENT_SERVER_PORT" "8081"
      "GOLDENFIVE_BASEURL" (include "goldenfive.baseUrl" .) -}}
{{- if gt (int .Values.preStopSleepSeconds) 0 }}
{{- /* the preStop sleep already drains: Kubernetes stops routing to the pod before SIGTERM */}}
{{- $_ := set $env "GOLDENFIVE_SHUTDOWNDRAIN" "0s" }}
{{- end }}
{{- if .Values.javaToolOptions }}
{{- $_ := set $env "JAVA_TOOL_OPTIONS" .Values.javaToolOptions }}
{{- end }}
{{- if eq .Values.logFormat "json" }}
{{- $_ := set $env "LOGGING_STRUCTURED_FORMAT_CONSOLE" "ecs" }}
{{- end }}
{{- include "goldenfive.authEnv" (list $env .Values.auth) }}
{{- range $key, $value := .Values.config }}
{{- if or (hasKey $env $key) (has $key (list "JAVA_TOOL_OPTIONS" "LOGGING_STRUCTURED_FORMAT_CONSOLE" "SPRING_DATASOURCE_USERNAME" "SPRING_DATASOURCE_PASSWORD" "GOLDENFIVE_ADMIN_PASSWORD" "GOLDENFIVE_ADMIN_TOKEN" "GOLDENFIVE_SECURITY_OIDC_CLIENTSECRET" "GOLDENFIVE_SECURITY_LDAP_MANAGERPASSWORD")) }}
{{- fail (printf "config.%s is set by the chart itself: use its own value (database.*, admin.*, auth.*, baseUrl, logFormat, javaToolOptions) or extraEnv" $key) }}
{{- end }}
{{- $_ := set $env $key $value }}
{{- end }}
{{- toYaml $env }}
{{- end }}

{{/*
Name of the ClusterIP Service for the management port; fits the 63 characters of a DNS label.
*/}}
{{- define "goldenfive.managementServiceName" -}}
{{- printf "%s-management" (include "goldenfive.fullname" . | trunc 52 | trimSuffix "-") }}
{{- end }}

{{/*
The address people and agents reach goldenfive at: baseUrl, else the first ingress host (https when a TLS
entry names it), else the Service inside the cluster.
*/}}
{{- define "goldenfive.baseUrl" -}}
{{- if .Values.baseUrl -}}
{{- .Values.baseUrl -}}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts -}}
{{- $host := (first .Values.ingress.hosts).host -}}
{{- $tls := false -}}
{{- range .Values.ingress.tls }}{{- if has $host (.hosts | default list) }}{{- $tls = true -}}{{- end }}{{- end -}}
{{- printf "%s://%s" (ternary "https" "http" $tls) $host -}}
{{- else -}}
{{- printf "http://%s.%s.svc:%v" (include "goldenfive.fullname" .) .Release.Namespace .Values.service.port -}}
{{- end -}}
{{- end }}

{{/*
The sign-in settings (auth.*) as the application's environment variables, into the dict given first; only what is
set. Lists go by index (a DN pattern holds commas), group rules as GOLDENFIVE_SECURITY_GROUPRULES_<i>_*.
*/}}
{{- define "goldenfive.authEnv" -}}
{{- $env := index . 0 -}}
{{- $auth := index . 1 -}}
{{- if not $auth.passwordSignIn }}
{{- $_ := set $env "GOLDENFIVE_SECURITY_PASSWORDSIGNIN" "false" }}
{{- end }}
{{- range $key, $name := dict "issuer" "ISSUER" "clientId" "CLIENTID" "name" "NAME" "usernameClaim" "USERNAMECLAIM" "groupsClaim" "GROUPSCLAIM" "checkEvery" "CHECKEVERY" }}
{{- with index $auth.oidc $key }}
{{- $_ := set $env (printf "GOLDENFIVE_SECURITY_OIDC_%s" $name) (toString .) }}
{{- end }}
{{- end }}
{{- range $i, $scope := $auth.oidc.scopes }}
{{- $_ := set $env (printf "GOLDENFIVE_SECURITY_OIDC_SCOPES_%d" $i) $scope }}
{{- end }}
{{- range $key, $name := dict "url" "URL" "activeDirectoryDomain" "ACTIVEDIRECTORYDOMAIN" "userSearchBase" "USERSEARCHBASE" "userSearchFilter" "USERSEARCHFILTER" "groupSearchBase" "GROUPSEARCHBASE" "groupSearchFilter" "GROUPSEARCHFILTER" "managerDn" "MANAGERDN" "groupNameAttribute" "GROUPNAMEATTRIBUTE" "displayNameAttribute" "DISPLAYNAMEATTRIBUTE" "emailAttribute" "EMAILATTRIBUTE" "checkEvery" "CHECKEVERY" }}
{{- with index $auth.ldap $key }}
{{- $_ := set $env (printf "GOLDENFIVE_SECURITY_LDAP_%s" $name) (toString .) }}
{{- end }}
{{- end }}
{{- range $i, $pattern := $auth.ldap.userDnPatterns }}
{{- $_ := set $env (printf "GOLDENFIVE_SECURITY_LDAP_USERDNPATTERNS_%d" $i) $pattern }}
{{- end }}
{{- range $i, $rule := $auth.groupRules }}
{{- with $rule.group }}
{{- $_ := set $env (printf "GOLDENFIVE_SECURITY_GROUPRULES_%d_GROUP" $i) . }}
{{- end }}
{{- with $rule.pattern }}
{{- $_ := set $env (printf "GOLDENFIVE_SECURITY_GROUPRULES_%d_PATTERN" $i) . }}
{{- end }}
{{- range $j, $role := $rule.roles }}
{{- $_ := set $env (printf "GOLDENFIVE_SECURITY_GROUPRULES_%d_ROLES_%d" $i $j) $role }}
{{- end }}
{{- range $j, $team := $rule.teams }}
{{- $_ := set $env (printf "GOLDENFIVE_SECURITY_GROUPRULES_%d_TEAMS_%d" $i $j) $team }}
{{- end }}
{{- end }}
{{- with $auth.auditKeep }}
{{- $_ := set $env "GOLDENFIVE_SECURITY_AUDIT_KEEP" . }}
{{- end }}
{{- end }}
