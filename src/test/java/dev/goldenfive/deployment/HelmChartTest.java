package dev.goldenfive.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders and lints the Helm chart in {@code helm/goldenfive} with the Helm library (no helm binary needed)
 * and checks the rendered objects as Kubernetes types, so a misspelt field or a wrong type fails here and not
 * in somebody's cluster.
 */
class HelmChartTest {

    private static final Path CHART = Path.of("helm", "goldenfive");
    private static final String RELEASE = "incidents";
    private static final String NAMESPACE = "sre";
    /** helm-java would otherwise render for Kubernetes 1.20, older than the chart's kubeVersion allows. */
    private static final String KUBERNETES = "1.31.0";
    private static final String DATABASE_URL = "jdbc:postgresql://postgresql.db.svc:5432/goldenfive";
    private static final String SECRET_KEY_PATTERN = "database-username|database-password|admin-password|admin-token|oidc-client-secret|ldap-manager-password";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @TempDir
    Path temp;

    @Test
    void lintsStrictly() throws IOException {
        // helm lint validates the chart's own values.yaml against the schema, and the one required value,
        // database.url, has no sensible default; helm-java's lint takes no --set, so it lints a copy with it set.
        Path copy = copyOfTheChart();
        Path values = copy.resolve("values.yaml");
        String shipped = Files.readString(values);
        String withUrl = shipped.replaceFirst("\n  url: \"\"", "\n  url: \"" + DATABASE_URL + "\"");
        assertThat(withUrl).as("values.yaml still has `database.url: \"\"`").isNotEqualTo(shipped);
        Files.writeString(values, withUrl);

        LintResult lint = new Helm(copy).lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
    }

    @Test
    void refusesToRenderWithoutADatabaseUrl() {
        assertThatThrownBy(() -> template().call())
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("/database/url");
        LintResult shipped = new Helm(CHART).lint().strict().call();
        assertThat(shipped.isFailed()).isTrue();
        assertThat(shipped.getMessages())
                .as("the chart as shipped lacks nothing but the database URL")
                .filteredOn(line -> line.contains("- at '"))
                .isNotEmpty()
                .allMatch(schemaViolation -> schemaViolation.contains("- at '/database/url'"));
    }

    @Test
    void refusesADatabaseUrlThatIsNotPostgres() {
        assertThatThrownBy(() -> renderWith(Map.of("database.url", "jdbc:mysql://mysql:3306/goldenfive")))
                .hasMessageContaining("/database/url")
                .hasMessageContaining("jdbc:postgresql");
        assertThatThrownBy(() -> renderWith(Map.of("database.url", "jdbc:postgresql://")))
                .hasMessageContaining("/database/url");
    }

    @Test
    void refusesValuesTheSchemaDoesNotKnow() {
        assertThatThrownBy(() -> renderWith(Map.of("replicas", "3")))
                .hasMessageContaining("'replicas' not allowed");
        assertThatThrownBy(() -> renderWith(Map.of("image.name", "goldenfive")))
                .hasMessageContaining("/image")
                .hasMessageContaining("'name' not allowed");
        assertThatThrownBy(() -> renderWith(Map.of("probes.readiness.path", "/health")))
                .hasMessageContaining("/probes/readiness")
                .hasMessageContaining("'path' not allowed");
        assertThatThrownBy(() -> renderWith(Map.of("replicaCount", "two")))
                .hasMessageContaining("/replicaCount");
        assertThatThrownBy(() -> renderWith(Map.of("logFormat", "xml")))
                .hasMessageContaining("/logFormat");
        assertThatThrownBy(() -> renderWith(Map.of("admin.token", "too-short-for-a-bearer-token")))
                .hasMessageContaining("/admin/token");
        assertThatThrownBy(() -> renderWith(Map.of("resources.limits.memory", "a lot")))
                .hasMessageContaining("/resources/limits/memory");
    }

    @Test
    void refusesKubernetesOlderThanTheChartSupports() {
        assertThatThrownBy(() -> template().withKubeVersion("1.26.9").set("database.url", DATABASE_URL).call())
                .hasMessageContaining("kubeVersion");
    }

    @Test
    void refusesConfigThatWouldReplaceTheChartsOwnSettings() {
        assertThatThrownBy(() -> renderWith(Map.of("config.SPRING_DATASOURCE_URL", "jdbc:postgresql://elsewhere/db")))
                .hasMessageContaining("config.SPRING_DATASOURCE_URL is set by the chart itself");
        assertThatThrownBy(() -> renderWith(Map.of("config.GOLDENFIVE_ADMIN_TOKEN", "x".repeat(40))))
                .hasMessageContaining("config.GOLDENFIVE_ADMIN_TOKEN is set by the chart itself");
    }

    @Test
    void givesTheApplicationItsAddressFromBaseUrlTheIngressOrTheService() throws IOException {
        assertThat(renderWith(Map.of()).one(ConfigMap.class).getData())
                .containsEntry("GOLDENFIVE_BASEURL", "http://incidents-goldenfive." + NAMESPACE + ".svc:80");
        assertThat(renderWith(Map.of("ingress.enabled", "true", "ingress.hosts[0].host", "oncall.example.org",
                "ingress.hosts[0].paths[0].path", "/", "ingress.hosts[0].paths[0].pathType", "Prefix",
                "ingress.tls[0].secretName", "tls", "ingress.tls[0].hosts[0]", "oncall.example.org")).one(ConfigMap.class).getData())
                .containsEntry("GOLDENFIVE_BASEURL", "https://oncall.example.org");
        assertThat(renderWith(Map.of("baseUrl", "https://goldenfive.example.com")).one(ConfigMap.class).getData())
                .containsEntry("GOLDENFIVE_BASEURL", "https://goldenfive.example.com");
        assertThatThrownBy(() -> renderWith(Map.of("baseUrl", "goldenfive.example.com")))
                .hasMessageContaining("/baseUrl");
        assertThatThrownBy(() -> renderWith(Map.of("config.GOLDENFIVE_BASEURL", "https://elsewhere.example.com")))
                .hasMessageContaining("config.GOLDENFIVE_BASEURL is set by the chart itself");
    }

    @Test
    void leavesTheDrainToThePreStopSleepWhenThereIsOne() throws IOException {
        assertThat(renderWith(Map.of()).one(ConfigMap.class).getData()).containsEntry("GOLDENFIVE_SHUTDOWNDRAIN", "0s");
        assertThat(renderWith(Map.of("preStopSleepSeconds", "0")).one(ConfigMap.class).getData())
                .doesNotContainKey("GOLDENFIVE_SHUTDOWNDRAIN");
    }

    @Test
    void rendersARestrictedDeploymentWithProbesOnTheManagementPort() throws IOException {
        Rendered rendered = renderWith(Map.of());

        Deployment deployment = rendered.one(Deployment.class);
        assertThat(deployment.getMetadata().getName()).isEqualTo("incidents-goldenfive");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(10001L);
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(10001L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getEnableServiceLinks()).isFalse();
        assertThat(pod.getServiceAccountName()).isEqualTo("incidents-goldenfive");
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);

        Container app = onlyContainer(deployment);
        assertThat(app.getImage()).isEqualTo("goldenfive/goldenfive:" + appVersion());
        assertThat(app.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(app.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(app.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(app.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(app.getPorts())
                .extracting(port -> port.getName() + "=" + port.getContainerPort())
                .containsExactlyInAnyOrder("http=8080", "management=8081");

        assertThat(pathAndPort(app.getStartupProbe())).isEqualTo("/actuator/health/readiness@management");
        assertThat(pathAndPort(app.getReadinessProbe())).isEqualTo("/actuator/health/readiness@management");
        assertThat(pathAndPort(app.getLivenessProbe())).isEqualTo("/actuator/health/liveness@management");
        Probe startup = app.getStartupProbe();
        assertThat(startup.getFailureThreshold() * startup.getPeriodSeconds())
                .as("seconds the application gets to start").isGreaterThanOrEqualTo(60);

        assertThat(app.getLifecycle().getPreStop().getExec().getCommand()).containsExactly("sleep", "5");
        assertThat(app.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(app.getResources().getLimits()).containsKey("memory");

        assertThat(app.getVolumeMounts())
                .singleElement()
                .satisfies(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
        assertThat(pod.getVolumes())
                .singleElement()
                .satisfies(volume -> {
                    assertThat(volume.getName()).isEqualTo(app.getVolumeMounts().get(0).getName());
                    assertThat(volume.getEmptyDir()).isNotNull();
                });

        ServiceAccount account = rendered.one(ServiceAccount.class);
        assertThat(account.getMetadata().getName()).isEqualTo(pod.getServiceAccountName());
        assertThat(account.getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void wiresTheDatabaseAndTheAdminSecretsIntoTheEnvironment() {
        Rendered rendered = renderWith(Map.of(
                "database.url", DATABASE_URL,
                "database.username", "responder",
                "database.password", "s3cret",
                "admin.password", "first-admin-password",
                "admin.token", "t".repeat(32)));

        Container app = onlyContainer(rendered.one(Deployment.class));
        ConfigMap config = rendered.one(ConfigMap.class);
        assertThat(app.getEnvFrom())
                .singleElement()
                .satisfies(source -> assertThat(source.getConfigMapRef().getName()).isEqualTo(config.getMetadata().getName()));
        assertThat(config.getData())
                .containsEntry("SPRING_DATASOURCE_URL", DATABASE_URL)
                .containsEntry("MANAGEMENT_SERVER_PORT", "8081")
                .containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs")
                .containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError");

        Secret secret = rendered.one(Secret.class);
        assertThat(secretKeys(app)).containsExactly(
                Map.entry("SPRING_DATASOURCE_USERNAME", "database-username"),
                Map.entry("SPRING_DATASOURCE_PASSWORD", "database-password"),
                Map.entry("GOLDENFIVE_ADMIN_PASSWORD", "admin-password?"),
                Map.entry("GOLDENFIVE_ADMIN_TOKEN", "admin-token?"),
                Map.entry("GOLDENFIVE_SECURITY_OIDC_CLIENTSECRET", "oidc-client-secret?"),
                Map.entry("GOLDENFIVE_SECURITY_LDAP_MANAGERPASSWORD", "ldap-manager-password?"));
        assertThat(secretNames(app)).containsOnly(secret.getMetadata().getName());
        assertThat(decoded(secret))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "database-username", "responder",
                        "database-password", "s3cret",
                        "admin-password", "first-admin-password",
                        "admin-token", "t".repeat(32)));
    }

    @Test
    void leavesTheAdminKeysOutOfTheSecretWhenTheApplicationShouldGenerateThem() {
        Rendered rendered = renderWith(Map.of());

        assertThat(decoded(rendered.one(Secret.class))).containsOnlyKeys("database-username", "database-password");
        assertThat(notes(Map.of())).contains("generated a password").contains("kubectl logs");
        assertThat(notes(Map.of("admin.password", "chosen"))).doesNotContain("generated a password");
    }

    @Test
    void usesAnExistingSecretInsteadOfCreatingOne() {
        Rendered rendered = renderWith(Map.of("existingSecret", "goldenfive-credentials", "admin.password", "ignored"));

        assertThat(rendered.all(Secret.class)).isEmpty();
        Deployment deployment = rendered.one(Deployment.class);
        Container app = onlyContainer(deployment);
        assertThat(secretNames(app)).containsOnly("goldenfive-credentials");
        assertThat(secretKeys(app)).containsValues("database-username", "database-password", "admin-password?", "admin-token?");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsKey("checksum/config")
                .doesNotContainKey("checksum/secret");
        assertThat(notes(Map.of("existingSecret", "goldenfive-credentials"))).contains("goldenfive-credentials");
    }

    @Test
    void wiresSignInWithTheCompanysProviderDirectoryAndGroupRulesAsTheApplicationReadsThem() {
        Rendered rendered = renderWithValuesFile("""
                database: {url: "%s"}
                auth:
                  passwordSignIn: false
                  oidc:
                    issuer: https://login.microsoftonline.com/0000-tenant/v2.0
                    clientId: goldenfive-app
                    clientSecret: from-the-portal
                    name: Entra ID
                    scopes: [openid, profile, email, offline_access]
                    groupsClaim: roles
                    checkEvery: 10m
                  ldap:
                    url: ldaps://ldap.example.com/dc=example,dc=com
                    userDnPatterns: ["uid={0},ou=people"]
                    groupSearchBase: ou=groups
                    managerDn: cn=goldenfive,ou=services,dc=example,dc=com
                    managerPassword: directory-secret
                  groupRules:
                    - {group: sre, roles: [RESPONDER]}
                    - {pattern: "team-(.+)", teams: ["$1"]}
                  auditKeep: 730d
                """.formatted(DATABASE_URL));

        assertThat(rendered.one(ConfigMap.class).getData())
                .containsEntry("GOLDENFIVE_SECURITY_PASSWORDSIGNIN", "false")
                .containsEntry("GOLDENFIVE_SECURITY_OIDC_ISSUER", "https://login.microsoftonline.com/0000-tenant/v2.0")
                .containsEntry("GOLDENFIVE_SECURITY_OIDC_CLIENTID", "goldenfive-app")
                .containsEntry("GOLDENFIVE_SECURITY_OIDC_NAME", "Entra ID")
                .containsEntry("GOLDENFIVE_SECURITY_OIDC_SCOPES_3", "offline_access")
                .containsEntry("GOLDENFIVE_SECURITY_OIDC_GROUPSCLAIM", "roles")
                .containsEntry("GOLDENFIVE_SECURITY_OIDC_CHECKEVERY", "10m")
                .containsEntry("GOLDENFIVE_SECURITY_LDAP_URL", "ldaps://ldap.example.com/dc=example,dc=com")
                .containsEntry("GOLDENFIVE_SECURITY_LDAP_USERDNPATTERNS_0", "uid={0},ou=people")
                .containsEntry("GOLDENFIVE_SECURITY_LDAP_MANAGERDN", "cn=goldenfive,ou=services,dc=example,dc=com")
                .containsEntry("GOLDENFIVE_SECURITY_GROUPRULES_0_GROUP", "sre")
                .containsEntry("GOLDENFIVE_SECURITY_GROUPRULES_0_ROLES_0", "RESPONDER")
                .containsEntry("GOLDENFIVE_SECURITY_GROUPRULES_1_PATTERN", "team-(.+)")
                .containsEntry("GOLDENFIVE_SECURITY_GROUPRULES_1_TEAMS_0", "$1")
                .containsEntry("GOLDENFIVE_SECURITY_AUDIT_KEEP", "730d")
                .doesNotContainKeys("GOLDENFIVE_SECURITY_OIDC_CLIENTSECRET", "GOLDENFIVE_SECURITY_LDAP_MANAGERPASSWORD")
                .doesNotContainValue("from-the-portal");
        assertThat(decoded(rendered.one(Secret.class)))
                .containsEntry("oidc-client-secret", "from-the-portal")
                .containsEntry("ldap-manager-password", "directory-secret");
        assertThat(renderWith(Map.of()).one(ConfigMap.class).getData()).as("nothing of it by default")
                .doesNotContainKeys("GOLDENFIVE_SECURITY_PASSWORDSIGNIN", "GOLDENFIVE_SECURITY_OIDC_ISSUER");
        assertThatThrownBy(() -> renderWith(Map.of("auth.oidc.issuer", "login.example.com"))).hasMessageContaining("auth");
        assertThatThrownBy(() -> renderWith(Map.of("auth.groupRules[0].roles[0]", "OWNER"))).hasMessageContaining("groupRules");
    }

    @Test
    void rendersIngressAndAutoscalerOnlyWhenEnabled() {
        Rendered defaults = renderWith(Map.of());
        assertThat(defaults.all(Ingress.class)).isEmpty();
        assertThat(defaults.all(HorizontalPodAutoscaler.class)).isEmpty();

        Rendered enabled = renderWithValuesFile("""
                database:
                  url: %s
                ingress:
                  enabled: true
                  className: nginx
                  annotations:
                    nginx.ingress.kubernetes.io/proxy-read-timeout: "3600"
                  hosts:
                    - host: incidents.example.org
                      paths:
                        - path: /
                          pathType: Prefix
                  tls:
                    - secretName: incidents-tls
                      hosts: [incidents.example.org]
                autoscaling:
                  enabled: true
                  minReplicas: 3
                  maxReplicas: 9
                  targetCPUUtilizationPercentage: 60
                """.formatted(DATABASE_URL));

        Ingress ingress = enabled.one(Ingress.class);
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(ingress.getSpec().getTls()).singleElement()
                .satisfies(tls -> assertThat(tls.getSecretName()).isEqualTo("incidents-tls"));
        List<HTTPIngressPath> paths = ingress.getSpec().getRules().get(0).getHttp().getPaths();
        assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("incidents.example.org");
        assertThat(paths).singleElement().satisfies(path -> {
            assertThat(path.getBackend().getService().getName()).isEqualTo(service(enabled).getMetadata().getName());
            assertThat(path.getBackend().getService().getPort().getName())
                    .as("the management port is never routed").isEqualTo("http");
        });

        HorizontalPodAutoscaler autoscaler = enabled.one(HorizontalPodAutoscaler.class);
        assertThat(autoscaler.getApiVersion()).isEqualTo("autoscaling/v2");
        assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo("incidents-goldenfive");
        assertThat(autoscaler.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(autoscaler.getSpec().getMaxReplicas()).isEqualTo(9);
        assertThat(autoscaler.getSpec().getMetrics()).singleElement()
                .satisfies(metric -> assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(60));
        assertThat(enabled.one(Deployment.class).getSpec().getReplicas())
                .as("replicas are the autoscaler's to set").isNull();

        assertThatThrownBy(() -> renderWith(Map.of(
                "autoscaling.enabled", "true", "autoscaling.minReplicas", "5", "autoscaling.maxReplicas", "2")))
                .hasMessageContaining("maxReplicas");
    }

    @Test
    void protectsAvailabilityWithADisruptionBudgetOnlyWhenMoreThanOnePodRuns() {
        PodDisruptionBudget byDefault = renderWith(Map.of()).one(PodDisruptionBudget.class);
        assertThat(byDefault.getApiVersion()).isEqualTo("policy/v1");
        assertThat(byDefault.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(byDefault.getSpec().getMinAvailable()).isNull();
        assertThat(byDefault.getSpec().getSelector().getMatchLabels()).isEqualTo(selectorLabels());

        assertThat(renderWith(Map.of("replicaCount", "1")).all(PodDisruptionBudget.class))
                .as("a budget for a single pod would block every node drain").isEmpty();
        assertThat(renderWith(Map.of("replicaCount", "1", "autoscaling.enabled", "true")).all(PodDisruptionBudget.class))
                .hasSize(1);
        assertThat(renderWith(Map.of("podDisruptionBudget.enabled", "false")).all(PodDisruptionBudget.class)).isEmpty();

        PodDisruptionBudget withMinAvailable = renderWith(Map.of("podDisruptionBudget.minAvailable", "50%"))
                .one(PodDisruptionBudget.class);
        assertThat(withMinAvailable.getSpec().getMinAvailable().getStrVal()).isEqualTo("50%");
        assertThat(withMinAvailable.getSpec().getMaxUnavailable()).isNull();
    }

    @Test
    void exposesMetricsToPrometheusOnTheManagementPortOnly() {
        Rendered defaults = renderWith(Map.of("service.type", "LoadBalancer"));

        assertThat(defaults.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", "8081")
                .containsEntry("prometheus.io/path", "/actuator/prometheus");
        Service application = service(defaults);
        assertThat(application.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(application.getSpec().getPorts()).extracting(ServicePort::getName).containsExactly("http");
        assertThat(application.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
        Service management = managementService(defaults);
        assertThat(management.getSpec().getType())
                .as("management endpoints stay inside the cluster").isEqualTo("ClusterIP");
        assertThat(management.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getName()).isEqualTo("management");
            assertThat(port.getTargetPort().getStrVal()).isEqualTo("management");
        });
        assertThat(defaults.generic("ServiceMonitor")).isEmpty();

        Rendered withServiceMonitor = renderWith(Map.of(
                "metrics.serviceMonitor.enabled", "true",
                "metrics.serviceMonitor.labels.release", "kube-prometheus-stack",
                "metrics.podAnnotations", "false"));
        GenericKubernetesResource monitor = withServiceMonitor.generic("ServiceMonitor").orElseThrow();
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        Map<String, String> monitored = monitor.get("spec", "selector", "matchLabels");
        assertThat(managementService(withServiceMonitor).getMetadata().getLabels()).containsAllEntriesOf(monitored);
        assertThat(service(withServiceMonitor).getMetadata().getLabels())
                .as("only the management Service is selected")
                .doesNotContainEntry("app.kubernetes.io/component", "management");
        assertThat(monitored).containsEntry("app.kubernetes.io/component", "management");
        List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
        assertThat(endpoints).singleElement().satisfies(endpoint -> assertThat(endpoint)
                .containsEntry("port", "management")
                .containsEntry("path", "/actuator/prometheus"));
        assertThat(withServiceMonitor.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations())
                .doesNotContainKey("prometheus.io/scrape");
    }

    @Test
    void rollsThePodsWhenConfigurationOrSecretsChange() {
        Map<String, String> before = podAnnotations(renderWith(Map.of()));
        Map<String, String> newConfig = podAnnotations(renderWith(Map.of("config.GOLDENFIVE_PROBE_STALE_AFTER", "90s")));
        Map<String, String> newPassword = podAnnotations(renderWith(Map.of("database.password", "rotated")));

        assertThat(before).containsKeys("checksum/config", "checksum/secret");
        assertThat(newConfig.get("checksum/config")).isNotEqualTo(before.get("checksum/config"));
        assertThat(newConfig.get("checksum/secret")).isEqualTo(before.get("checksum/secret"));
        assertThat(newPassword.get("checksum/secret")).isNotEqualTo(before.get("checksum/secret"));
        assertThat(newPassword.get("checksum/config")).isEqualTo(before.get("checksum/config"));
    }

    @Test
    void rendersNonDefaultValuesIntoTheRightPlaces() {
        Rendered rendered = renderWithValuesFile("""
                replicaCount: 3
                image:
                  repository: registry.example.org/sre/goldenfive
                  tag: "2.4.1"
                  pullPolicy: Always
                imagePullSecrets:
                  - name: registry-credentials
                database:
                  url: %s
                logFormat: text
                javaToolOptions: "-XX:MaxRAMPercentage=60"
                config:
                  GOLDENFIVE_LOGARCHIVE_RETENTION: "14d"
                extraEnv:
                  - name: TZ
                    value: Europe/Berlin
                  - name: NODE_NAME
                    valueFrom:
                      fieldRef:
                        fieldPath: spec.nodeName
                serviceAccount:
                  create: false
                  name: shared-runner
                podAnnotations:
                  example.org/team: sre
                podLabels:
                  example.org/cost-center: ops
                probes:
                  startup:
                    failureThreshold: 90
                  liveness:
                    periodSeconds: 20
                preStopSleepSeconds: 0
                resources:
                  requests:
                    cpu: "1"
                    memory: 1Gi
                  limits:
                    memory: 2Gi
                nodeSelector:
                  kubernetes.io/arch: amd64
                tolerations:
                  - key: dedicated
                    operator: Equal
                    value: sre
                    effect: NoSchedule
                affinity:
                  podAntiAffinity:
                    preferredDuringSchedulingIgnoredDuringExecution:
                      - weight: 100
                        podAffinityTerm:
                          topologyKey: kubernetes.io/hostname
                          labelSelector:
                            matchLabels:
                              app.kubernetes.io/name: goldenfive
                topologySpreadConstraints:
                  - maxSkew: 1
                    topologyKey: topology.kubernetes.io/zone
                    whenUnsatisfiable: ScheduleAnyway
                """.formatted(DATABASE_URL));

        Deployment deployment = rendered.one(Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container app = onlyContainer(deployment);
        assertThat(app.getImage()).isEqualTo("registry.example.org/sre/goldenfive:2.4.1");
        assertThat(app.getImagePullPolicy()).isEqualTo("Always");
        assertThat(pod.getImagePullSecrets()).singleElement()
                .satisfies(secret -> assertThat(secret.getName()).isEqualTo("registry-credentials"));
        assertThat(rendered.all(ServiceAccount.class)).isEmpty();
        assertThat(pod.getServiceAccountName()).isEqualTo("shared-runner");

        assertThat(rendered.one(ConfigMap.class).getData())
                .containsEntry("GOLDENFIVE_LOGARCHIVE_RETENTION", "14d")
                .containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=60")
                .doesNotContainKey("LOGGING_STRUCTURED_FORMAT_CONSOLE");
        assertThat(app.getEnv()).extracting(EnvVar::getName).contains("TZ", "NODE_NAME");
        assertThat(app.getEnv()).filteredOn(env -> env.getName().equals("NODE_NAME")).singleElement()
                .satisfies(env -> assertThat(env.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName"));

        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("example.org/team", "sre").containsKey("checksum/config");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("example.org/cost-center", "ops")
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(app.getStartupProbe().getFailureThreshold()).isEqualTo(90);
        assertThat(app.getStartupProbe().getPeriodSeconds()).as("defaults kept beside an override").isEqualTo(2);
        assertThat(app.getLivenessProbe().getPeriodSeconds()).isEqualTo(20);
        assertThat(app.getLifecycle()).as("preStopSleepSeconds: 0 switches the preStop hook off").isNull();
        assertThat(app.getResources().getLimits().get("memory").toString()).isEqualTo("2Gi");
        assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/arch", "amd64");
        assertThat(pod.getTolerations()).singleElement()
                .satisfies(toleration -> assertThat(toleration.getEffect()).isEqualTo("NoSchedule"));
        assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()).hasSize(1);
        assertThat(pod.getTopologySpreadConstraints()).singleElement()
                .satisfies(spread -> assertThat(spread.getLabelSelector().getMatchLabels())
                        .as("a spread constraint without a selector spreads this release's pods")
                        .isEqualTo(selectorLabels()));
    }

    @Test
    void labelsEveryObjectTheStandardWay() throws IOException {
        Rendered rendered = renderWith(Map.of(
                "ingress.enabled", "true",
                "autoscaling.enabled", "true",
                "metrics.serviceMonitor.enabled", "true"));

        assertThat(rendered.objects()).hasSize(10);
        assertThat(rendered.objects()).allSatisfy(object -> assertThat(object.getMetadata().getLabels())
                .as("%s %s", object.getKind(), object.getMetadata().getName())
                .containsEntry("app.kubernetes.io/name", "goldenfive")
                .containsEntry("app.kubernetes.io/instance", RELEASE)
                .containsEntry("app.kubernetes.io/version", appVersion())
                .containsEntry("app.kubernetes.io/managed-by", "Helm")
                .containsEntry("helm.sh/chart", "goldenfive-" + chartField("version")));
    }

    // --- rendering -------------------------------------------------------------------------------------------

    /** Renders with the required database URL plus the given --set values (a given database.url wins). */
    private static Rendered renderWith(Map<String, String> values) {
        TemplateCommand template = template();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("database.url", DATABASE_URL);
        all.putAll(values);
        all.forEach(template::set);
        return Rendered.parse(template.call());
    }

    /** NOTES.txt as `helm install` prints it; `helm template` leaves the notes out. */
    private static String notes(Map<String, String> values) {
        InstallCommand install = new Helm(CHART).install().clientOnly().dryRun()
                .withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBERNETES)
                .set("database.url", DATABASE_URL);
        values.forEach(install::set);
        String output = install.call().getOutput();
        assertThat(output).contains("NOTES:");
        return output.substring(output.indexOf("NOTES:"));
    }

    private static TemplateCommand template() {
        return new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBERNETES);
    }

    private Rendered renderWithValuesFile(String yaml) {
        try {
            Path values = Files.createTempFile(temp, "values", ".yaml");
            Files.writeString(values, yaml);
            return Rendered.parse(template().withValuesFile(values).call());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The objects of one `helm template`, parsed as Kubernetes types. */
    private record Rendered(List<HasMetadata> objects) {

        private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
        private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: (\\S+)");

        static Rendered parse(String manifest) {
            List<HasMetadata> objects = new ArrayList<>();
            for (String document : DOCUMENT_SEPARATOR.split(manifest)) {
                Matcher source = SOURCE.matcher(document);
                String origin = source.find() ? source.group(1) : "?";
                if (document.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
                    continue;
                }
                Object parsed = SERIALIZATION.unmarshal(document);
                assertThat(parsed).as("%s renders one Kubernetes object", origin).isInstanceOf(HasMetadata.class);
                assertOnlyFieldsKubernetesKnows(parsed, origin + " " + ((HasMetadata) parsed).getKind());
                objects.add((HasMetadata) parsed);
            }
            return new Rendered(List.copyOf(objects));
        }

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type) {
            List<T> found = all(type);
            assertThat(found).as("rendered %s objects", type.getSimpleName()).hasSize(1);
            return found.get(0);
        }

        Optional<GenericKubernetesResource> generic(String kind) {
            List<GenericKubernetesResource> found = all(GenericKubernetesResource.class).stream()
                    .filter(object -> object.getKind().equals(kind)).toList();
            assertThat(found).as("rendered %s objects", kind).hasSizeLessThanOrEqualTo(1);
            return found.stream().findFirst();
        }
    }

    /**
     * The fabric8 model keeps fields it does not know in "additional properties" instead of failing, so a misspelt
     * or misplaced field in a template would parse; this walks the typed objects and refuses any.
     * Custom resources (ServiceMonitor) parse as generic resources and are checked by their own assertions.
     */
    private static void assertOnlyFieldsKubernetesKnows(Object node, String path) {
        if (node == null || node instanceof GenericKubernetesResource) {
            return;
        }
        if (node instanceof Collection<?> elements) {
            int index = 0;
            for (Object element : elements) {
                assertOnlyFieldsKubernetesKnows(element, path + "[" + index++ + "]");
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> assertOnlyFieldsKubernetesKnows(value, path + "." + key));
            return;
        }
        if (!node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class || !getter.getName().startsWith("get")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                assertThat((Map<?, ?>) value).as("fields Kubernetes does not know at %s", path).isNullOrEmpty();
            } else if (!getter.getName().equals("getAdditionalProperty")) {
                assertOnlyFieldsKubernetesKnows(value, path + "." + getter.getName().substring(3));
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static Container onlyContainer(Deployment deployment) {
        List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static String pathAndPort(Probe probe) {
        assertThat(probe).isNotNull();
        return probe.getHttpGet().getPath() + "@" + probe.getHttpGet().getPort().getStrVal();
    }

    /** Env var name → Secret key, with "?" after the key when the reference is optional. */
    private static Map<String, String> secretKeys(Container container) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (EnvVar env : container.getEnv()) {
            if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                SecretKeySelector ref = env.getValueFrom().getSecretKeyRef();
                assertThat(ref.getKey()).matches(SECRET_KEY_PATTERN);
                keys.put(env.getName(), ref.getKey() + (Boolean.TRUE.equals(ref.getOptional()) ? "?" : ""));
            }
        }
        return keys;
    }

    private static List<String> secretNames(Container container) {
        return container.getEnv().stream()
                .filter(env -> env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null)
                .map(env -> env.getValueFrom().getSecretKeyRef().getName())
                .toList();
    }

    private static Map<String, String> decoded(Secret secret) {
        Map<String, String> decoded = new LinkedHashMap<>();
        secret.getData().forEach((key, value) ->
                decoded.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
        return decoded;
    }

    private static Service service(Rendered rendered) {
        return rendered.all(Service.class).stream()
                .filter(service -> service.getMetadata().getName().equals("incidents-goldenfive"))
                .findFirst().orElseThrow();
    }

    private static Service managementService(Rendered rendered) {
        return rendered.all(Service.class).stream()
                .filter(service -> service.getMetadata().getName().equals("incidents-goldenfive-management"))
                .findFirst().orElseThrow();
    }

    private static Map<String, String> podAnnotations(Rendered rendered) {
        return rendered.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations();
    }

    private static Map<String, String> selectorLabels() {
        return Map.of("app.kubernetes.io/name", "goldenfive", "app.kubernetes.io/instance", RELEASE);
    }

    private static String appVersion() throws IOException {
        return chartField("appVersion");
    }

    private static String chartField(String field) throws IOException {
        Matcher matcher = Pattern.compile("(?m)^" + field + ":\\s*\"?([^\"\\s]+)\"?\\s*$")
                .matcher(Files.readString(CHART.resolve("Chart.yaml")));
        assertThat(matcher.find()).as("Chart.yaml has %s", field).isTrue();
        return matcher.group(1);
    }

    private Path copyOfTheChart() throws IOException {
        Path copy = temp.resolve("goldenfive");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(CHART.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return copy;
    }
}
