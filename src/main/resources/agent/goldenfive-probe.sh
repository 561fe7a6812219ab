#!/bin/sh
# goldenfive-probe.sh: the golden-five-minutes probes for module downloads, run from a machine that sees
# the problem, posted to goldenfive as evidence.
#
#   GOLDENFIVE_URL=https://goldenfive.example.com GOLDENFIVE_TOKEN=gfa_… sh goldenfive-probe.sh [target…]
#   GOLDENFIVE_URL=… GOLDENFIVE_TOKEN=… GOLDENFIVE_LABELS=service=ci sh goldenfive-probe.sh watch [target…]
#   GOLDENFIVE_URL=… GOLDENFIVE_TOKEN=… GOLDENFIVE_LABELS=service=ci sh goldenfive-probe.sh -F watch    (as root)
#
# watch: a standing agent. It keeps one connection to goldenfive and is sent work for every open incident of
# its service (and environment): the probes of the current stage, when the incident opens, at each stage
# change and when a responder presses "Probe again"; and the monitors of its service, which it runs on its own. It posts each result the moment it has it, and connects
# again (1 s, 2 s, 4 s … at most 60 s apart) when the connection ends. Work is data, checked here: probe names
# from the list below, a target that is a URL or a host name, a module path. It never runs what it is sent.
#
# A target is a host name or a URL (https://proxy.golang.org, http://10.0.0.5:3000). Without one, the host of
# the first GOPROXY entry is probed (proxy.golang.org when Go is not installed). For each target it checks DNS,
# ping, the TCP port, TLS and an HTTP request, directly and (when HTTPS_PROXY is set) through that proxy; then
# it fetches a module list through the configured GOPROXY and through the mirror, looks a module up in the
# checksum database, and runs `go mod download` when the current directory is a Go module.
#
# Needs only curl; uses dig, openssl, ping and go when they are installed.
#
# Settings (environment):
#   GOLDENFIVE_URL       where goldenfive runs; without it the results are only printed
#   GOLDENFIVE_TOKEN     an agent token (or a person's API token)
#   GOLDENFIVE_INCIDENT  the incident the results belong to (INC-7); without it goldenfive attaches them by
#                        the service and environment labels
#   GOLDENFIVE_LABELS    labels for every result: service=ci,environment=prod (in watch mode, the service and
#                        environment whose incidents it probes; the agent's own labels otherwise)
#   GOLDENFIVE_MIRROR    the module mirror to try (default https://goproxy.cn)
#   GOLDENFIVE_MODULE    the module fetched through the proxies (default golang.org/x/text): its version list,
#                        the newest version's .info, .mod and .zip, and its go.mod hash in the checksum database
#   GOLDENFIVE_PRIVATE   module path patterns known to be private (as GOPRIVATE): a failure through the proxy
#                        says when GOPRIVATE does not name the module
#   GOLDENFIVE_TIMEOUT   seconds one probe may take (default 5)
#   GOLDENFIVE_REFERENCE known-good addresses outside, not the target (host:port, comma-separated; an address
#                        spares the resolver): when the target fails and these answer, the fault is not this
#                        machine's network. Without ping (containers) they are what tells the two apart.
#   GOLDENFIVE_FAULT_MAX seconds a drill's fault stays at most on this machine, whatever the drill says (default 900)
#   GOLDENFIVE_STATE     where the agent notes the faults it injected, to remove them after a crash
#                        (default /var/lib/goldenfive-probe)
# Options: -n  print the results and the JSON, post nothing;  -h  this help;
#          -F  (watch, as root) inject the faults of the drills that name this machine (its host label): the targets'
#              addresses blackholed (ip route), DNS queries for the target names dropped or the port refused (iptables,
#              or nft without it), latency or loss (tc netem, where the kernel has it). Each fault is removed when its
#              drill ends, when its time is up, when the agent stops (Ctrl-C, TERM), or at its next start with -F after
#              a crash. An address that would cut the agent off from goldenfive is never touched. One agent with -F
#              per machine.
# A probe that cannot run here (no ping, no connection for a TLS handshake) is posted as not measured, with why.
# Exit status: 0 every probe passed; 1 some failed (their results were posted, or printed with -n);
# 2 the probes could not run or their results could not be posted. A CI job can gate on it. watch runs until
# it is stopped, and exits 2 at once when it cannot start.
set -u
# no value from a target, a label or the work stream is ever expanded as a file name pattern
set -f
# numbers with a decimal point, whatever the machine's language
LC_ALL=C
export LC_ALL

# the comment block at the top of this file
usage() {
    if [ -f "$0" ]; then sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; else echo "usage: sh goldenfive-probe.sh [-n] [target...]"; fi
}

DRY_RUN=0
FAULTS=0
while getopts "nhF" option; do
    case "$option" in
        n) DRY_RUN=1 ;;
        F) FAULTS=1 ;;
        h) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
WATCH=0
if [ "${1:-}" = watch ]; then WATCH=1; shift; fi

command -v curl >/dev/null 2>&1 || { echo "goldenfive-probe: curl is required" >&2; exit 2; }

URL=${GOLDENFIVE_URL:-}
TOKEN=${GOLDENFIVE_TOKEN:-}
INCIDENT=${GOLDENFIVE_INCIDENT:-}
MIRROR=${GOLDENFIVE_MIRROR:-https://goproxy.cn}
MODULE=${GOLDENFIVE_MODULE:-golang.org/x/text}
# module paths known to be private (the incident says so), whether or not GOPRIVATE names them
PRIVATE_HINT=${GOLDENFIVE_PRIVATE:-}
TIMEOUT=${GOLDENFIVE_TIMEOUT:-5}
NETWORK_PROXY=${HTTPS_PROXY:-${https_proxy:-}}
if [ -z "$URL" ] && [ "$DRY_RUN" -eq 0 ]; then
    echo "goldenfive-probe: GOLDENFIVE_URL is not set: printing only" >&2
    DRY_RUN=1
fi
if [ "$FAULTS" -eq 1 ] && [ "$WATCH" -eq 0 ]; then
    echo "goldenfive-probe: -F works with watch only: the drills' faults come with the work" >&2
    exit 2
fi
if [ "$WATCH" -eq 1 ] && [ "$DRY_RUN" -eq 1 ]; then
    echo "goldenfive-probe: watch needs GOLDENFIVE_URL (and posts what it finds)" >&2
    exit 2
fi
if [ "$DRY_RUN" -eq 0 ] && [ -z "$TOKEN" ]; then
    echo "goldenfive-probe: set GOLDENFIVE_TOKEN to an agent token" >&2
    exit 2
fi

goenv() { if command -v go >/dev/null 2>&1; then go env "$1" 2>/dev/null; else eval "printf '%s' \"\${$1:-}\""; fi; }
GOPROXY_SETTING=$(goenv GOPROXY)
GOSUMDB_SETTING=$(goenv GOSUMDB)
# the first GOPROXY entry that is a URL (entries are separated by ',' or '|')
MODULE_PROXY=$(printf '%s' "${GOPROXY_SETTING:-https://proxy.golang.org,direct}" | tr '|' ',' | tr ',' '\n' | grep -E '^https?://' | head -n 1)
MODULE_PROXY=${MODULE_PROXY:-https://proxy.golang.org}
# GOSUMDB is "name", "name+key" or "name+key URL"
SUMDB=$(printf '%s' "${GOSUMDB_SETTING:-sum.golang.org}" | awk '{print $NF}')
case "$SUMDB" in off) SUMDB="" ;; http://*|https://*) ;; *) SUMDB="https://${SUMDB%%+*}" ;; esac
# a URL without user, password or path: what is probed and what is shown
origin() { printf '%s' "$1" | sed 's,^\([a-z]*://\)[^/]*@,\1,; s,^\([a-z]*://[^/]*\).*,\1,'; }
# module paths as the GOPROXY protocol spells them: an upper-case letter becomes '!' and the lower-case one
escape_module() { printf '%s' "$1" | awk '{ out = ""; for (i = 1; i <= length($0); i++) { c = substr($0, i, 1);
    if (c ~ /[A-Z]/) out = out "!" tolower(c); else out = out c } print out }'; }

WORK=$(mktemp -d 2>/dev/null || mktemp -d -t goldenfive)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# commands that could hang run under timeout where the machine has it
LIMIT=""; LIMIT_BUILD=""
if command -v timeout >/dev/null 2>&1; then LIMIT="timeout $TIMEOUT"; LIMIT_BUILD="timeout 120"; fi
RESULTS="$WORK/results"
: > "$RESULTS"
HOST=$(hostname 2>/dev/null | cut -c1-40)
HOST=${HOST:-agent}
RUN="$HOST-$(date -u +%Y%m%dT%H%M%SZ)-$$"
COUNT=0
FAILED=0
UNMEASURED=0

# JSON string: backslashes and quotes escaped, control characters dropped.
json() { printf '"%s"' "$(printf '%s' "$1" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
ms() { awk -v s="${1:-0}" 'BEGIN { printf "%.1f", s * 1000 }'; }
elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN { d = (b - a) * 1000; if (d < 0) d = 0; printf "%.1f", d }'; }
# seconds since the epoch, with nanoseconds where date knows them
clock() { c=$(date +%s.%N 2>/dev/null); case "$c" in *N|"") date +%s ;; *) printf '%s\n' "$c" ;; esac; }

# record TYPE TARGET PATH VIA STARTED DURATION_MS SUCCESS EXTRA_JSON ERROR SUMMARY
# SUCCESS is true, false, or "unmeasured": the probe could not run here and ERROR says why.
# (sh has no local variables: those of this function start with r_, so no caller's are overwritten)
record() {
    COUNT=$((COUNT + 1))
    r_error=""
    case "$7" in
        true) ;;
        unmeasured) UNMEASURED=$((UNMEASURED + 1)); r_error=",\"notMeasured\":$(json "$9")"; set -- "$1" "$2" "$3" "$4" "$5" "$6" false "$8" "" "${10}" unmeasured ;;
        *) FAILED=$((FAILED + 1)); [ -n "$9" ] && r_error=",\"error\":{\"class\":\"$1\",\"message\":$(json "$9")}" ;;
    esac
    r_incident=""
    if [ -n "$INCIDENT" ]; then r_incident=",\"incident\":$(json "$INCIDENT")"; fi
    r_json=$(printf '{"id":%s%s,"labels":%s,"type":"%s","target":%s,"path":"%s","via":%s,"startedAt":"%s","durationMs":%s,"success":%s%s%s,"env":%s}' \
        "$(json "$RUN-$COUNT")" "$r_incident" "$LABELS_JSON" "$1" "$(json "$2")" "$3" "$(json "$4")" "$5" "$6" "$7" \
        "$r_error" "$8" "$ENV_JSON")
    if [ "$WATCH" -eq 1 ]; then
        # a standing agent posts each result the moment it has it
        printf '%s\n' "$r_json" > "$WORK/one.json"
        post "$WORK/one.json" >/dev/null || echo "goldenfive-probe: could not post a result: $(cat "$WORK/posted")" >&2
    else
        [ "$COUNT" -gt 1 ] && printf ',\n' >> "$RESULTS"
        printf '%s' "$r_json" >> "$RESULTS"
    fi
    if [ "$7" = true ]; then r_mark="ok  "; elif [ "${11:-}" = unmeasured ]; then r_mark="n/a "; else r_mark="FAIL"; fi
    # the report goes to stderr: stdout carries only the JSON of -n
    printf '%s %-8s %-7s %-40s %s\n' "$r_mark" "$1" "$3" "$2" "${10}" >&2
}

labels_json() {
    out=""
    old_ifs=$IFS; IFS=,
    for pair in ${GOLDENFIVE_LABELS:-}; do
        name=${pair%%=*}; value=${pair#*=}
        [ -n "$name" ] && [ "$name" != "$pair" ] || continue
        out="$out${out:+,}$(json "$name"):$(json "$value")"
    done
    IFS=$old_ifs
    printf '{"host":%s%s}' "$(json "$HOST")" "${out:+,$out}"
}
LABELS_JSON=$(labels_json)
# the settings that decide where module downloads go, those that are set
env_json() {
    out=""
    for name in GOPROXY GOSUMDB GONOPROXY GONOSUMDB GOPRIVATE GOFLAGS; do
        value=$(goenv "$name")
        [ -n "$value" ] && out="$out${out:+,}\"$name\":$(json "$value")"
    done
    [ -n "$NETWORK_PROXY" ] && out="$out${out:+,}\"HTTPS_PROXY\":$(json "$NETWORK_PROXY")"
    no_proxy_value=${NO_PROXY:-${no_proxy:-}}
    [ -n "$no_proxy_value" ] && out="$out${out:+,}\"NO_PROXY\":$(json "$no_proxy_value")"
    printf '{%s}' "$out"
}
ENV_JSON=$(env_json)

probe_dns() {
    host=$1; started=$(now); t0=$(clock)
    if command -v dig >/dev/null 2>&1; then
        answer=$(dig +noall +comments +answer +time="$TIMEOUT" +tries=1 "$host" 2>&1)
        rcode=$(printf '%s\n' "$answer" | sed -n 's/.*status: \([A-Z]*\).*/\1/p' | head -n 1)
        answers=$(printf '%s\n' "$answer" | awk '$4 == "A" || $4 == "AAAA" || $4 == "CNAME" { print $5 }')
    else
        answers=$(getent hosts "$host" 2>/dev/null | awk '{ print $1 }')
        if [ -n "$answers" ]; then rcode=NOERROR; else rcode=""; fi
    fi
    duration=$(elapsed_ms "$t0" "$(clock)")
    list=""
    for a in $answers; do list="$list${list:+,}$(json "$a")"; done
    dns=",\"dns\":{\"answers\":[$list]${rcode:+,\"rcode\":\"$rcode\"}}"
    if [ "$rcode" = NOERROR ] && [ -n "$answers" ]; then
        record dns "$host" direct direct "$started" "$duration" true "$dns" "" "$(echo $answers | cut -c1-60)"
    else
        record dns "$host" direct direct "$started" "$duration" false "$dns" "no address (${rcode:-no answer})" "${rcode:-no answer}"
    fi
}

probe_icmp() {
    host=$1
    started=$(now); t0=$(clock)
    if ! command -v ping >/dev/null 2>&1; then
        record icmp "$host" direct direct "$started" 0 unmeasured "" "ping is not installed" "ping is not installed"
        return 0
    fi
    # four packets a fifth of a second apart; a ping that will not take the interval sends them a second apart
    out=$(ping -c 4 -i 0.2 -W 2 "$host" 2>&1); rc=$?
    case "$out" in *nterval*|*"invalid option"*|*"nrecognized option"*) out=$(ping -c 4 -W 2 "$host" 2>&1); rc=$? ;; esac
    duration=$(elapsed_ms "$t0" "$(clock)")
    # not allowed to send ICMP here (a container without CAP_NET_RAW), or no address to send it to: that says
    # nothing about the network
    case "$out" in
        *"ermission denied"*|*"ot permitted"*)
            record icmp "$host" direct direct "$started" "$duration" unmeasured "" "ping is not permitted here" "ping is not permitted"
            return 0 ;;
        *"name resolution"*|*"not known"*|*"unknown host"*|*"No address"*)
            record icmp "$host" direct direct "$started" "$duration" unmeasured "" "the name did not resolve" "no address"
            return 0 ;;
    esac
    loss=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9.]*%\) packet loss.*/\1/p')
    if [ $rc -eq 0 ]; then
        record icmp "$host" direct direct "$started" "$duration" true "" "" "${loss:-0%} loss"
    else
        record icmp "$host" direct direct "$started" "$duration" false "" "no replies (${loss:-100%} loss)" "no replies"
    fi
}

# One curl request gives the HTTP result and its phases, and tells whether TCP and TLS got through.
probe_http() {
    url=$1; path=$2; via=$3; shift 3
    started=$(now)
    out=$(curl -sS -o /dev/null --connect-timeout "$TIMEOUT" -m $((TIMEOUT * 2)) "$@" --trace-ascii "$WORK/trace" --trace-time \
        -w '%{http_code} %{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total} %{http_version} %{ssl_verify_result}' \
        "$url" 2>"$WORK/err"); rc=$?
    set -- $out
    code=${1:-000}; resolve=${2:-0}; connect=${3:-0}; tls=${4:-0}; first=${5:-0}; total=${6:-0}; version=${7:-}; verify=${8:-0}
    error=$(head -n 1 "$WORK/err" | sed 's/^curl: ([0-9]*) //')
    phases=",\"phases\":{\"resolveMs\":$(ms "$resolve"),\"connectMs\":$(elapsed_ms "$resolve" "$connect")"
    case "$url" in https://*) phases="$phases,\"tlsMs\":$(elapsed_ms "$connect" "$tls")" ;; esac
    ready=$(awk -v c="$connect" -v t="$tls" 'BEGIN { print (t > 0 ? t : c) }')
    phases="$phases,\"processingMs\":$(elapsed_ms "$ready" "$first"),\"transferMs\":$(elapsed_ms "$first" "$total")}"
    host=$(printf '%s' "$url" | sed 's,^[a-z]*://,,; s,/.*,,')
    if [ "$path" = direct ]; then
        # TCP, TLS and HTTP are told apart by what curl traced, not by its timings: after a failed or stalled
        # handshake curl reports no connect time although the connection had opened.
        opened_at=$(connected_at "$WORK/trace")
        if [ "$rc" = 6 ]; then
            record tcp "$host" direct direct "$started" 0 unmeasured "" "the name did not resolve" "no address"
            case "$url" in https://*) record tls "$host" direct direct "$started" 0 unmeasured "" "the name did not resolve" "no address" ;; esac
        elif [ -n "$opened_at" ]; then
            record tcp "$host" direct direct "$started" "$(trace_ms "$WORK/trace" "$opened_at")" true "" "" "connected"
            case "$url" in https://*) probe_tls "$host" "$started" "$connect" "$tls" "$verify" "$error" "$rc" ;; esac
        else
            record tcp "$host" direct direct "$started" "$(ms "$total")" false "" "$error" "${error:-no connection}"
            # a refused or unreachable port is a TCP failure: there was no connection to shake hands over
            case "$url" in https://*) record tls "$host" direct direct "$started" 0 unmeasured "" "no connection was opened" "no connection" ;; esac
        fi
    fi
    http=",\"http\":{\"status\":$code${version:+,\"version\":\"HTTP/$version\"}}"
    [ "$code" = 000 ] && http=""
    if [ $rc -eq 0 ] && [ "$code" != 000 ]; then
        record http "$url" "$path" "$via" "$started" "$(ms "$total")" true "$phases$http" "" "HTTP $code"
    else
        record http "$url" "$path" "$via" "$started" "$(ms "$total")" false "$phases$http" "$error" "${error:-failed}"
    fi
}

# The time of day curl's trace says the connection opened (curl 7 and 8 word it differently), or nothing.
connected_at() {
    sed -n -e 's/^\([0-9:.]*\) == Info: Connected to .*/\1/p' -e 's/^\([0-9:.]*\) == Info: Established connection to .*/\1/p' "$1" | head -n 1
}
# Milliseconds from the trace's first line to the time of day $2.
trace_ms() {
    awk -v end="$2" 'function sec(t,  p) { split(t, p, ":"); return p[1] * 3600 + p[2] * 60 + p[3] }
        NR == 1 { d = (sec(end) - sec($1)) * 1000; if (d < 0) d += 86400000; printf "%.1f", d; exit }' "$1"
}

probe_tls() {
    t_host=$1; t_started=$2; t_connect=$3; t_appconnect=$4; t_verify=$5; t_error=$6; t_rc=$7
    # the server took the connection and never answered the handshake: it hangs, and that is no TLS verdict
    if [ "$t_rc" = 28 ] && ! grep -q 'Server hello' "$WORK/trace"; then
        record tls "$t_host" direct direct "$t_started" 0 unmeasured "" "the server sent no TLS answer within ${TIMEOUT}s" "no answer"
        return 0
    fi
    t_json=""
    if command -v openssl >/dev/null 2>&1; then
        t_name=${t_host%%:*}; t_port=${t_host##*:}; [ "$t_port" = "$t_host" ] && t_port=443
        t_cert=$(printf '' | $LIMIT openssl s_client -servername "$t_name" -connect "$t_name:$t_port" 2>/dev/null \
            | openssl x509 -noout -enddate -subject -issuer 2>/dev/null)
        t_end=$(printf '%s\n' "$t_cert" | sed -n 's/^notAfter=//p')
        # no certificate, no expiry: an empty date would read as today's midnight
        t_expiry=""
        [ -n "$t_end" ] && t_expiry=$(date -u -d "$t_end" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || true)
        t_subject=$(printf '%s\n' "$t_cert" | sed -n 's/^subject=//p')
        t_issuer=$(printf '%s\n' "$t_cert" | sed -n 's/^issuer=//p')
        [ -n "$t_subject$t_end" ] && t_json=",\"tls\":{\"subject\":$(json "$t_subject"),\"issuer\":$(json "$t_issuer")${t_expiry:+,\"earliestCertExpiry\":\"$t_expiry\"}}"
    fi
    if awk -v a="$t_appconnect" 'BEGIN { exit !(a > 0) }' && [ "${t_verify:-0}" = 0 ]; then
        record tls "$t_host" direct direct "$t_started" "$(elapsed_ms "$t_connect" "$t_appconnect")" true "$t_json" "" "handshake ok"
    else
        record tls "$t_host" direct direct "$t_started" "$(ms "$t_appconnect")" false "$t_json" "${t_error:-handshake failed}" "${t_error:-handshake failed}"
    fi
}

# A known-good address (host:port) that is not the target: can this machine open a TCP connection anywhere
# outside? The handshake offered on it is only a way to end the connection soon; whether it works is no matter.
probe_reference() {
    ref=$1; started=$(now)
    case "$ref" in *:*) ;; *) ref="$ref:443" ;; esac
    curl -sS -o /dev/null --connect-timeout "$TIMEOUT" -m "$TIMEOUT" -k --noproxy '*' --trace-ascii "$WORK/trace" --trace-time \
        "https://$ref/" 2>"$WORK/err"
    opened_at=$(connected_at "$WORK/trace")
    if [ -n "$opened_at" ]; then
        record tcp "$ref" reference direct "$started" "$(trace_ms "$WORK/trace" "$opened_at")" true "" "" "connected"
    else
        error=$(head -n 1 "$WORK/err" | sed 's/^curl: ([0-9]*) //')
        record tcp "$ref" reference direct "$started" "$(trace_ms "$WORK/trace" "$(tail -n 1 "$WORK/trace" | cut -d' ' -f1)")" false "" "$error" "${error:-no connection}"
    fi
}

# fetch URL FILE [CURL_ARGUMENT…]: GETs URL into FILE, following redirects; sets f_status (000 when nothing
# answered) and f_error. Succeeds on 200, and 206 for a range.
fetch() {
    f_url=$1; f_file=$2; shift 2
    f_status=$(curl -sS -L -o "$f_file" --connect-timeout "$TIMEOUT" -m $((TIMEOUT * 2)) -w '%{http_code}' "$@" "$f_url" 2>"$WORK/err")
    f_rc=$?
    f_status=${f_status:-000}
    f_error=$(head -n 1 "$WORK/err" | sed 's/^curl: ([0-9]*) //')
    case "$f_rc $f_status" in "0 200"|"0 206") return 0 ;; 0*) f_error="HTTP $f_status from $f_url" ;; esac
    return 1
}

# The newest version in a version list (file $1), by major, minor and patch number.
newest_version() {
    grep -E '^v[0-9]+\.[0-9]+\.[0-9]+' "$1" | sed 's/^v//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1 | sed 's/^/v/'
}

# Whether module path $1 is private by the comma-separated path patterns $2 (GOPRIVATE, GONOPROXY): a pattern
# matches the path or a prefix of it, element by element, with * and ? as in the shell.
private_by() {
    [ -n "$2" ] || return 1
    old_ifs=$IFS; IFS=,
    for pattern in $2; do
        prefix=$1
        while [ -n "$prefix" ]; do
            # shellcheck disable=SC2254
            case "$prefix" in $pattern) IFS=$old_ifs; return 0 ;; esac
            case "$prefix" in */*) prefix=${prefix%/*} ;; *) prefix="" ;; esac
        done
    done
    IFS=$old_ifs
    return 1
}

# The module through a module proxy (GOPROXY protocol) as go fetches it: its version list, then the newest
# version's .info, .mod and .zip; through the configured GOPROXY (path proxy) or the mirror.
probe_goproxy() {
    base=${1%/}; path=$2; escaped=$(escape_module "$MODULE")
    started=$(now); t0=$(clock)
    rm -f "$WORK/list"
    fetched=""; version=""
    if fetch "$base/$escaped/@v/list" "$WORK/list"; then
        version=$(newest_version "$WORK/list")
        fetched="list"
        if [ -n "$version" ]; then
            fetch "$base/$escaped/@v/$version.info" "$WORK/module.info" && fetched="$fetched .info" \
                && fetch "$base/$escaped/@v/$version.mod" "$WORK/module.mod" && fetched="$fetched .mod" \
                && fetch "$base/$escaped/@v/$version.zip" "$WORK/module.zip" -r 0-1023 && fetched="$fetched .zip (first KiB)"
        fi
    fi
    duration=$(elapsed_ms "$t0" "$(clock)")
    http=""; [ "$f_status" != 000 ] && http=",\"http\":{\"status\":$f_status}"
    if [ "$f_status" = 200 ] || [ "$f_status" = 206 ]; then
        http=",\"http\":{\"status\":200}"
        record goproxy "$MODULE" "$path" "$(origin "$base")" "$started" "$duration" true "$http" "" "${version:-no versions}: $fetched"
    else
        why=$f_error
        # a private module sent to a public proxy: the proxy cannot have it, and should never have been asked
        if [ "$path" = proxy ] && private_by "$MODULE" "$PRIVATE_HINT" && ! private_by "$MODULE" "$(goenv GOPRIVATE),$(goenv GONOPROXY)"; then
            why="$why: $MODULE is private, but neither GOPRIVATE nor GONOPROXY names it, so go asks the proxy for it"
        fi
        record goproxy "$MODULE" "$path" "$(origin "$base")" "$started" "$duration" false "$http" "$why" "${f_error:-failed}"
    fi
}

# The checksum database against the module proxy: is the go.mod the proxy serves the one the database records
# (its h1: hash, as go computes it)? Without a version from the proxy, only whether the database answers.
probe_gosumdb() {
    started=$(now); t0=$(clock)
    if [ -z "$SUMDB" ]; then
        record gosumdb "GOSUMDB" direct direct "$started" 0 unmeasured "" "GOSUMDB is off: no checksum database is asked" "GOSUMDB=off"
        return 0
    fi
    escaped=$(escape_module "$MODULE")
    version=""
    if fetch "$(printf '%s' "$MODULE_PROXY" | sed 's,/*$,,')/$escaped/@v/list" "$WORK/sumlist"; then
        version=$(newest_version "$WORK/sumlist")
    fi
    if [ -z "$version" ]; then
        fetch "$SUMDB/latest" "$WORK/latest"
        if [ "$f_status" = 200 ]; then
            record gosumdb "$SUMDB" direct direct "$started" "$(elapsed_ms "$t0" "$(clock)")" true ",\"http\":{\"status\":200}" "" "HTTP 200"
        else
            record gosumdb "$SUMDB" direct direct "$started" "$(elapsed_ms "$t0" "$(clock)")" false "" "$f_error" "${f_error:-failed}"
        fi
        return 0
    fi
    if ! fetch "$SUMDB/lookup/$escaped@$version" "$WORK/lookup"; then
        record gosumdb "$SUMDB" direct direct "$started" "$(elapsed_ms "$t0" "$(clock)")" false \
            "$( [ "$f_status" != 000 ] && printf ',"http":{"status":%s}' "$f_status")" "$f_error" "${f_error:-failed}"
        return 0
    fi
    recorded=$(awk -v m="$MODULE" -v v="$version/go.mod" '$1 == m && $2 == v { print $3; exit }' "$WORK/lookup")
    served=""
    if command -v openssl >/dev/null 2>&1 && command -v sha256sum >/dev/null 2>&1 \
        && fetch "$(printf '%s' "$MODULE_PROXY" | sed 's,/*$,,')/$escaped/@v/$version.mod" "$WORK/sum.mod"; then
        # go's h1: the SHA-256 of the line "<sha256 of the file>  go.mod", in base64
        served="h1:$(printf '%s  go.mod\n' "$(sha256sum < "$WORK/sum.mod" | cut -d' ' -f1)" | openssl dgst -sha256 -binary | openssl base64 -A)"
    fi
    duration=$(elapsed_ms "$t0" "$(clock)")
    if [ -n "$recorded" ] && [ -n "$served" ] && [ "$recorded" != "$served" ]; then
        record gosumdb "$SUMDB" direct direct "$started" "$duration" false ",\"http\":{\"status\":200}" \
            "checksum mismatch: $MODULE $version/go.mod is $served through $(origin "$MODULE_PROXY") but the checksum database records $recorded" \
            "checksum mismatch"
    elif [ -z "$recorded" ]; then
        record gosumdb "$SUMDB" direct direct "$started" "$duration" false ",\"http\":{\"status\":200}" \
            "the checksum database has no go.mod hash for $MODULE $version" "no record"
    else
        record gosumdb "$SUMDB" direct direct "$started" "$duration" true ",\"http\":{\"status\":200}" "" \
            "$MODULE $version ${served:+go.mod matches}"
    fi
}

# Go itself, inside a Go module: `go mod download` (the proxy, the checksum database and the module cache as go
# uses them) and, where the modules are vendored, the offline build the runbook falls back to.
probe_build() {
    command -v go >/dev/null 2>&1 && [ -f go.mod ] || return 0
    go_command "go mod download" go mod download
    [ -d vendor ] && go_command "go build -mod=vendor" go build -mod=vendor ./...
    return 0
}

# go_command NAME COMMAND…: runs a go command (at most 120 s) and records how it ended, with its last line.
go_command() {
    g_name=$1; shift
    started=$(now); t0=$(clock)
    if $LIMIT_BUILD "$@" >"$WORK/go" 2>&1; then
        record command "$g_name" direct direct "$started" "$(elapsed_ms "$t0" "$(clock)")" true "" "" "ok"
    else
        record command "$g_name" direct direct "$started" "$(elapsed_ms "$t0" "$(clock)")" false "" "$(tail -n 1 "$WORK/go")" "$(tail -n 1 "$WORK/go" | cut -c1-60)"
    fi
}

# Posts the JSON in file $1 to goldenfive; the answer is in $WORK/posted. Fails when goldenfive cannot be
# reached or does not take it. The token reaches curl on stdin, not on its command line, where anyone on the
# machine could read it.
post() {
    p_status=$(printf 'header = "Authorization: Bearer %s"\n' "$TOKEN" | curl -sS --config - --connect-timeout 10 -m 60 -X POST \
        -H 'Content-Type: application/json' --data-binary "@$1" -o "$WORK/posted" -w '%{http_code}' "${URL%/}/api/v1/probes" 2>&1) \
        || { printf '%s\n' "$p_status" > "$WORK/posted"; return 1; }
    case "$p_status" in 200|201) return 0 ;; *) return 1 ;; esac
}

# run_probes PROBES TARGET…: the probes named (reference dns icmp tcp tls http goproxy mirror gosumdb build,
# or "all") against each target, or against the first GOPROXY entry's host without one.
run_probes() {
    PROBES=" $1 "; shift
    [ $# -gt 0 ] || set -- "$(origin "$MODULE_PROXY")"
    # first the known-good addresses: if none answers, nothing else can, and the responder should know that first
    if wants reference; then
        for ref in $(printf '%s' "${GOLDENFIVE_REFERENCE:-}" | tr ',' ' '); do probe_reference "$ref"; done
        [ -n "${GOLDENFIVE_REFERENCE:-}" ] || record tcp GOLDENFIVE_REFERENCE reference direct "$(now)" 0 unmeasured "" \
            "no known-good address is set (GOLDENFIVE_REFERENCE)" "no reference set"
    fi
    for target in "$@"; do
        case "$target" in http://*|https://*) url=$(printf '%s' "$target" | sed 's,^\([a-z]*://\)[^/]*@,\1,') ;; *) url="https://$target" ;; esac
        host=$(printf '%s' "$url" | sed 's,^[a-z]*://,,; s,/.*,,; s,:[0-9]*$,,; s,^\[\(.*\)\]$,\1,')
        # a name that looks like an option is no name: no tool is handed it
        case "$host" in ""|-*) echo "goldenfive-probe: '$target' is no target" >&2; continue ;; esac
        # an address needs no name resolution
        if wants dns; then case "$host" in *:*) ;; *[!0-9.]*) probe_dns "$host" ;; *) ;; esac; fi
        if wants icmp; then probe_icmp "$host"; fi
        if wants tcp || wants tls || wants http; then
            probe_http "$url" direct direct --noproxy '*'
            if [ -n "$NETWORK_PROXY" ]; then probe_http "$url" proxy "$NETWORK_PROXY" -x "$NETWORK_PROXY"; fi
        fi
    done
    if wants goproxy; then probe_goproxy "$MODULE_PROXY" proxy; fi
    if wants mirror; then probe_goproxy "$MIRROR" mirror; fi
    if wants gosumdb; then probe_gosumdb; fi
    if wants build; then probe_build; fi
}
wants() { case "$PROBES" in *" all "*|*" $1 "*) return 0 ;; *) return 1 ;; esac; }

# What a target sent by goldenfive may be: a URL of a host (a port, a plain path), or a host name, starting
# with a letter or digit.
TARGET_SHAPE='(https?://)?[A-Za-z0-9][A-Za-z0-9.-]{0,252}(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*/?'
# The value $2 matches the extended regular expression $1 from start to end.
valid() { printf '%s' "$2" | grep -Eqx "$1"; }

# One piece of work from the stream, checked before anything runs; probed in the background, so the stream
# is read on (another incident's work, heartbeats) meanwhile.
do_work() {
    valid 'INC-[0-9]{1,18}' "$w_incident" && valid '[a-z0-9][a-z0-9_-]{0,62}' "$w_stage" && valid '[0-9]{1,9}' "$w_round" \
        && valid '[0-9]{1,3}' "$w_timeout" && [ "$w_timeout" -ge 1 ] && [ "$w_timeout" -le 120 ] \
        && { [ -z "$w_target" ] || valid "$TARGET_SHAPE" "$w_target"; } \
        && { [ -z "$w_module" ] || valid '[A-Za-z0-9][A-Za-z0-9._~/-]{0,199}' "$w_module"; } \
        && { [ -z "$w_private" ] || valid '[A-Za-z0-9*][A-Za-z0-9._~/*,-]{0,499}' "$w_private"; } \
        || { echo "goldenfive-probe: work refused, it is not well formed: $w_incident $w_stage" >&2; return 0; }
    for probe in $w_probes; do
        case "$probe" in reference|dns|icmp|tcp|tls|http|goproxy|mirror|gosumdb|build) ;;
            *) echo "goldenfive-probe: work refused, '$probe' is no probe of this agent" >&2; return 0 ;; esac
    done
    echo "goldenfive-probe: $w_incident $w_stage (round $w_round): $w_probes" >&2
    (
        WORK=$(mktemp -d "$BASE/run.XXXXXX") || exit 0
        INCIDENT=$w_incident; TIMEOUT=$w_timeout; MODULE=${w_module:-$MODULE}; PRIVATE_HINT=${w_private:-$PRIVATE_HINT}
        RUN="$HOST-$(date -u +%Y%m%dT%H%M%SZ)-$w_incident-$w_stage-$w_round"
        if [ -n "$w_target" ]; then run_probes "$w_probes" "$w_target"; else run_probes "$w_probes" $TARGETS; fi
        echo "goldenfive-probe: $w_incident $w_stage (round $w_round) done: $COUNT probes, $FAILED failed, $UNMEASURED not measured" >&2
        rm -rf "$WORK"
    ) &
}

# run_monitor NAME PROBE INTERVAL TARGET [MODULE]: a monitor, run every INTERVAL seconds until it is stopped; its
# results carry the label monitor=NAME and belong to no incident (goldenfive attaches them, or opens one).
run_monitor() {
    m_name=$1; m_probe=$2; m_interval=$3; m_target=$4; m_module=${5:-$MODULE}
    echo "goldenfive-probe: monitor $m_name: $m_probe $m_target every ${m_interval}s" >&2
    while :; do
        # the agent stopped: so does its monitor
        kill -0 $$ 2>/dev/null || exit 0
        (
            WORK=$(mktemp -d "$BASE/run.XXXXXX") || exit 0
            INCIDENT=""; MODULE=$m_module
            LABELS_JSON=$(printf '%s' "$LABELS_JSON" | sed "s/}\$/,\"monitor\":\"$m_name\"}/")
            RUN="$HOST-$(date -u +%Y%m%dT%H%M%SZ)-$m_name"
            case "$m_probe" in
                reference) GOLDENFIVE_REFERENCE=$m_target; run_probes reference ;;
                goproxy) MODULE_PROXY=$m_target; run_probes goproxy ;;
                gosumdb) SUMDB=$(printf '%s' "$m_target" | sed 's,/*$,,'); run_probes gosumdb ;;
                http) run_probes "dns tcp tls http" "$m_target" ;;
                *) run_probes "$m_probe" "$m_target" ;;
            esac
            echo "goldenfive-probe: monitor $m_name done: $COUNT probes, $FAILED failed" >&2
            rm -rf "$WORK"
        )
        sleep "$m_interval"
    done
}

# The monitors this agent runs are those of the newest "monitors" event: the ones running stop, these start.
set_monitors() {
    [ -f "$BASE/monitors.pids" ] && kill $(cat "$BASE/monitors.pids") 2>/dev/null
    : > "$BASE/monitors.pids"
    printf '%s\n' "$w_monitors" | while IFS= read -r spec; do
        [ -n "$spec" ] || continue
        # shellcheck disable=SC2086
        set -- $spec
        if [ $# -ge 4 ] && [ $# -le 5 ] && valid '[A-Za-z0-9][A-Za-z0-9._-]{0,99}' "$1" && valid 'reference|dns|icmp|http|goproxy|gosumdb' "$2" \
            && valid '[0-9]{1,4}' "$3" && [ "$3" -ge 5 ] && [ "$3" -le 3600 ] \
            && valid "$TARGET_SHAPE" "$4" \
            && { [ $# -lt 5 ] || valid '[A-Za-z0-9][A-Za-z0-9._~/-]{0,199}' "$5"; }; then
            run_monitor "$@" &
            echo $! >> "$BASE/monitors.pids"
        else
            echo "goldenfive-probe: monitor refused, it is not well formed: $spec" >&2
        fi
    done
}

# Reads the work stream (server-sent events, one "data: name=value" line per field) until it ends.
take_work() {
    event=""; w_incident=""; w_stage=""; w_round=0; w_timeout=$TIMEOUT; w_probes=""; w_target=""; w_module=""; w_private=""
    w_monitors=""; w_faults=""
    while IFS= read -r line; do
        # the agent was stopped: read no more work
        kill -0 $$ 2>/dev/null || return 0
        line=$(printf '%s' "$line" | tr -d '\r')
        case "$line" in
            "")
                case "$event" in
                    work) do_work ;;
                    monitors) set_monitors ;;
                    faults) [ "$FAULTS" -eq 1 ] && set_faults ;;
                    ready) : > "$BASE/connected"; echo "goldenfive-probe: watching for work" >&2 ;;
                esac
                event=""; w_incident=""; w_stage=""; w_round=0; w_timeout=$TIMEOUT; w_probes=""; w_target=""; w_module=""; w_private=""
                w_monitors=""; w_faults="" ;;
            event:*) event=${line#event:}; event=${event# } ;;
            data:*)
                field=${line#data:}; field=${field# }; value=${field#*=}
                case "${field%%=*}" in
                    incident) w_incident=$value ;; stage) w_stage=$value ;; round) w_round=$value ;;
                    timeout) w_timeout=$value ;; probes) w_probes=$value ;; target) w_target=$value ;; module) w_module=$value ;; private) w_private=$value ;;
                    monitor) w_monitors="$w_monitors$value
" ;;
                    fault) w_faults="$w_faults$value
" ;;
                esac ;;
        esac
    done
}

# The labels' value for $1 (service, environment), for the work stream's query.
label() { printf '%s' "${GOLDENFIVE_LABELS:-}" | tr ',' '\n' | sed -n "s/^$1=//p" | head -n 1; }

# --- A drill's faults (-F). The ledger ($GOLDENFIVE_STATE/faults) has a line per fault in place: the incident, the
# fault, the target, until when (seconds since the epoch), and how to undo it (kind:argument, no spaces). One
# process, the keeper, injects and removes; whatever ends it (the drill, the time, Ctrl-C, TERM, the agent gone)
# takes the faults back, and after a crash the next start with -F does. One agent with -F per machine.
FAULT_MAX=${GOLDENFIVE_FAULT_MAX:-900}
STATE_DIR=${GOLDENFIVE_STATE:-/var/lib/goldenfive-probe}
LEDGER="$STATE_DIR/faults"
FAULT_KINDS='blackhole|dns|refuse|latency|loss'
# a host name, an IPv4 address, or an IPv4 network of at least a /8, as goldenfive checks them too
FAULT_TARGET='[A-Za-z0-9][A-Za-z0-9.-]{0,252}|[0-9]{1,3}(\.[0-9]{1,3}){3}(/([89]|[12][0-9]|3[0-2]))?'
NFT_COUNT=0

# post_fault INCIDENT FAULT TARGET STATE WHERE DETAIL [UNTIL]: tells goldenfive what was done to its drill, as far as it can.
post_fault() {
    [ -n "$URL" ] && [ -n "$TOKEN" ] || return 0
    pf_until=""
    [ -n "${7:-}" ] && pf_until=",\"until\":\"$(date -u -d "@$7" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)\""
    printf '{"agent":%s,"fault":%s,"target":%s,"state":%s,"where":%s,"detail":%s%s}\n' "$(json "$HOST")" "$(json "$2")" \
        "$(json "$3")" "$(json "$4")" "$(json "$(printf '%s' "$5" | cut -c1-480)")" "$(json "$(printf '%s' "$6" | cut -c1-950)")" \
        "$pf_until" > "$WORK/fault.json"
    printf 'header = "Authorization: Bearer %s"\n' "$TOKEN" | curl -sS --config - --connect-timeout 5 -m 10 -X POST \
        -H 'Content-Type: application/json' --data-binary "@$WORK/fault.json" -o /dev/null "${URL%/}/api/v1/drills/$1/faults" 2>/dev/null \
        || echo "goldenfive-probe: could not tell goldenfive that $2 on $3 is $4" >&2
}

# The addresses a target stands for: itself when it is an address or a network, else what its name resolves to.
addresses() {
    case "$1" in
        *[!0-9./]*) getent ahosts "$1" 2>/dev/null | awk '{ print $1 }' | sort -u ;;
        */*) printf '%s\n' "$1" ;;
        *) printf '%s/32\n' "$1" ;;
    esac
}

# The host of a URL: no scheme, user, port or path; an IPv6 address without its brackets.
url_host() {
    printf '%s' "$1" | sed 's,^[a-zA-Z]*://,,; s,[/?#].*,,; s,^.*@,,' | sed 's,^\[\([^]]*\)\].*,\1,; /^[^:]*:[0-9]*$/s,:[0-9]*$,,'
}

# Whether the IPv4 network (or address) $1 holds the IPv4 address $2.
covers() {
    awk -v net="$1" -v a="$2" 'function n(ip,  p) { split(ip, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
        BEGIN { if (net !~ /^[0-9.\/]+$/ || a !~ /^[0-9.]+$/) exit 1; split(net, c, "/"); size = 2 ^ (32 - (c[2] == "" ? 32 : c[2]))
                exit !(int(n(c[1]) / size) == int(n(a) / size)) }'
}

# A DNS name as queries carry it, for iptables' hex-string: |05|proxy|03|gf5|04|test|00|
qname() { printf '%s' "$1" | awk -F. '{ out = "|"; for (i = 1; i <= NF; i++) if ($i != "") out = out sprintf("%02x", length($i)) "|" $i "|"; print out "00|" }'; }

# undo KIND:ARGUMENT: takes back one change; fails only when it is still in place.
undo() {
    u_arg=${1#*:}
    case "$1" in
        route:*) ip route del blackhole "$u_arg" 2>/dev/null || ! ip route show type blackhole | grep -q "^blackhole ${u_arg%/32}\( \|$\)" ;;
        route6:*) ip -6 route del blackhole "$u_arg" 2>/dev/null || ! ip -6 route show type blackhole | grep -q "^blackhole $u_arg\( \|$\)" ;;
        iptables:*|ip6tables:*)
            u_tool=${1%%:*}
            # shellcheck disable=SC2046
            $u_tool -w -D $(printf '%s' "$u_arg" | tr ',' ' ') 2>/dev/null || ! $u_tool -w -C $(printf '%s' "$u_arg" | tr ',' ' ') 2>/dev/null ;;
        nft:*) nft delete table inet "$u_arg" 2>/dev/null || ! nft list table inet "$u_arg" >/dev/null 2>&1 ;;
        tc:*) tc qdisc del dev "$u_arg" root 2>/dev/null || ! tc qdisc show dev "$u_arg" 2>/dev/null | grep -q netem ;;
    esac
}

# change UNDO COMMAND…: runs a command that injects, noting how to undo it (i_undo) and what ran (i_done); i_why when it failed.
change() {
    c_undo=$1; shift
    if c_out=$("$@" 2>&1); then
        i_undo="$i_undo $c_undo"; i_done="$i_done${i_done:+; }$*"
    else
        i_why="$*: $(printf '%s' "$c_out" | head -n 1)"
    fi
}

# firewall ADDRESS UNDO-ARGUMENTS: an iptables rule (ip6tables for an IPv6 address) inserted first in OUTPUT.
firewall() {
    case "$1" in *:*) f_tool=ip6tables ;; *) f_tool=iptables ;; esac
    if ! command -v "$f_tool" >/dev/null 2>&1; then i_why="$f_tool is not installed"; return 0; fi
    # shellcheck disable=SC2046
    change "$f_tool:OUTPUT,$2" "$f_tool" -w -I OUTPUT $(printf '%s' "$2" | tr ',' ' ')
}

# inject INCIDENT FAULT PORT UNTIL TARGET: injects one fault on one target, notes it in the ledger and tells goldenfive.
# Refused (and told) when it cannot be made here or would touch the way to goldenfive.
inject() {
    i_undo=""; i_done=""; i_why=""
    i_addresses=$(addresses "$5" | tr '\n' ' ')
    if [ -z "$i_addresses" ] && [ "$2" != dns ]; then i_why="$5 does not resolve here"; fi
    for a in $i_addresses; do
        for h in $HOME_ADDRESSES; do
            if [ "${a%/32}" = "$h" ] || covers "$a" "$h"; then i_why="$a would cut this agent off from goldenfive ($h)"; fi
        done
    done
    if [ -z "$i_why" ]; then
        case "$2" in
            blackhole)
                for a in $i_addresses; do
                    [ -z "$i_why" ] || break
                    case "$a" in *:*) change "route6:$a" ip -6 route add blackhole "$a" ;; *) change "route:$a" ip route add blackhole "$a" ;; esac
                done ;;
            dns)
                # queries for the name (and names under it) over UDP and TCP, to resolvers of either family
                q=$(qname "$5")
                for proto in udp tcp; do
                    [ -z "$i_why" ] || break
                    firewall 0.0.0.0 "-p,$proto,--dport,53,-m,string,--algo,bm,--icase,--hex-string,$q,-j,DROP"
                    if [ -z "$i_why" ] && command -v ip6tables >/dev/null 2>&1; then
                        firewall :: "-p,$proto,--dport,53,-m,string,--algo,bm,--icase,--hex-string,$q,-j,DROP"
                    fi
                done ;;
            refuse)
                for a in $i_addresses; do
                    [ -z "$i_why" ] || break
                    if command -v iptables >/dev/null 2>&1; then
                        firewall "$a" "-p,tcp,-d,$a,--dport,$3,-j,REJECT,--reject-with,tcp-reset"
                    elif command -v nft >/dev/null 2>&1; then
                        NFT_COUNT=$((NFT_COUNT + 1))
                        t="goldenfive_$(printf '%s' "$1" | tr -dc 0-9)_$$_$NFT_COUNT"
                        case "$a" in *:*) family=ip6 ;; *) family=ip ;; esac
                        change "nft:$t" nft add table inet "$t"
                        [ -n "$i_why" ] || change "nft:$t" nft add chain inet "$t" out '{ type filter hook output priority 0 ; }'
                        [ -n "$i_why" ] || change "nft:$t" nft add rule inet "$t" out "$family" daddr "$a" tcp dport "$3" reject with tcp reset
                    else
                        i_why="neither iptables nor nft is installed"
                    fi
                done ;;
            latency|loss)
                first=$(printf '%s' "$i_addresses" | awk '{ print $1 }'); first=${first%/*}
                dev=$(ip route get "$first" 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -n 1)
                if [ -z "$dev" ]; then i_why="no route to $first"
                elif [ "$2" = latency ]; then change "tc:$dev" tc qdisc add dev "$dev" root netem delay 500ms
                else change "tc:$dev" tc qdisc add dev "$dev" root netem loss 30%
                fi ;;
        esac
    fi
    if [ -n "$i_why" ]; then
        for u in $i_undo; do undo "$u"; done
        i_undo=""
        post_fault "$1" "$2" "$5" refused "$i_addresses" "$i_why"
        echo "goldenfive-probe: $1: could not inject $2 on $5: $i_why" >&2
        return 1
    fi
    printf '%s %s %s %s%s\n' "$1" "$2" "$5" "$4" "$i_undo" >> "$LEDGER"
    # noted: from here on, whatever stops the keeper finds it in the ledger
    i_undo=""
    post_fault "$1" "$2" "$5" injected "$i_addresses" "$i_done" "$4"
    echo "goldenfive-probe: $1: injected $2 on $5 until $(date -u -d "@$4" +%H:%M:%SZ 2>/dev/null || echo "$4")" >&2
}

# undo_line INCIDENT FAULT TARGET UNTIL UNDO…: takes back a ledger line's changes; fails when one is still in place.
undo_line() {
    l_ok=0; shift 4
    for u in "$@"; do undo "$u" || l_ok=1; done
    return $l_ok
}

# told_removed INCIDENT FAULT TARGET UNTIL UNDO…: says so, here and to goldenfive.
told_removed() {
    r_incident=$1; r_fault=$2; r_target=$3; shift 4
    r_where=""
    for u in "$@"; do r_where="$r_where${r_where:+ }${u#*:}"; done
    post_fault "$r_incident" "$r_fault" "$r_target" removed "$r_where" "$*"
    echo "goldenfive-probe: $r_incident: removed $r_fault on $r_target" >&2
}

# Takes back every fault in the ledger ($1 says why): all of them first, then goldenfive is told. A change that
# will not go stays in the ledger, and is said.
remove_all() {
    [ -s "$LEDGER" ] || return 0
    echo "goldenfive-probe: removing the faults in place ($1)" >&2
    : > "$LEDGER.kept"; : > "$WORK/removed"
    while read -r line; do
        # shellcheck disable=SC2086
        set -- $line
        [ $# -ge 4 ] || continue
        if undo_line "$@"; then printf '%s\n' "$line" >> "$WORK/removed"
        else printf '%s\n' "$line" >> "$LEDGER.kept"; echo "goldenfive-probe: could not remove $2 on $3: it stays in $LEDGER" >&2
        fi
    done < "$LEDGER"
    mv "$LEDGER.kept" "$LEDGER"
    while read -r line; do
        # shellcheck disable=SC2086
        set -- $line
        told_removed "$@"
    done < "$WORK/removed"
}

# Whether the newest faults event asks for fault $2 of incident $1 on target $3.
wanted() {
    awk -v i="$1" -v f="$2" -v t="$3" '$1 == i && $2 == f { for (k = 5; k <= NF; k++) if ($k == t) found = 1 } END { exit !found }' "$BASE/faults.wanted"
}

# One round of the keeper: faults no longer asked for or past their time are removed, new ones injected. A fault
# whose time is up or that could not be injected is not tried again.
reconcile() {
    now=$(date +%s)
    [ -f "$BASE/faults.wanted" ] || return 0
    : > "$LEDGER.next"
    while read -r line; do
        # shellcheck disable=SC2086
        set -- $line
        [ $# -ge 4 ] || continue
        if [ "$4" -gt "$now" ] && wanted "$1" "$2" "$3"; then
            printf '%s\n' "$line" >> "$LEDGER.next"
        elif undo_line "$@"; then
            [ "$4" -gt "$now" ] || printf '%s %s %s\n' "$1" "$2" "$3" >> "$BASE/faults.done"
            told_removed "$@"
        else
            printf '%s\n' "$line" >> "$LEDGER.next"
        fi
    done < "$LEDGER"
    mv "$LEDGER.next" "$LEDGER"
    while read -r k_incident k_fault k_port k_until k_targets; do
        [ -n "$k_incident" ] || continue
        [ "$k_until" -le $((now + FAULT_MAX)) ] || k_until=$((now + FAULT_MAX))
        [ "$k_until" -gt "$now" ] || continue
        for t in $k_targets; do
            awk -v i="$k_incident" -v f="$k_fault" -v t="$t" '$1 == i && $2 == f && $3 == t { found = 1 } END { exit !found }' \
                "$LEDGER" "$BASE/faults.done" && continue
            inject "$k_incident" "$k_fault" "$k_port" "$k_until" "$t" || printf '%s %s %s\n' "$k_incident" "$k_fault" "$t" >> "$BASE/faults.done"
        done
    done < "$BASE/faults.wanted"
}

# The keeper: one round a second; stopped, or its agent gone, it takes every fault back (one half made too).
keep_faults() {
    i_undo=""
    trap 'for u in $i_undo; do undo "$u"; done; remove_all "the agent stopped"; exit 0' TERM INT
    : > "$BASE/faults.done"
    while :; do
        kill -0 "$AGENT_PID" 2>/dev/null || { remove_all "the agent is gone"; exit 0; }
        reconcile
        sleep 1 &
        wait $!
    done
}

# The newest "faults" event, checked line by line: what the keeper is to hold now.
set_faults() {
    : > "$BASE/faults.next"
    printf '%s\n' "$w_faults" | while IFS= read -r spec; do
        [ -n "$spec" ] || continue
        # shellcheck disable=SC2086
        set -- $spec
        ok=0
        if [ $# -ge 5 ] && [ $# -le 14 ] && valid '[A-Za-z0-9 ./-]+' "$spec" && valid 'INC-[0-9]{1,18}' "$1" && valid "$FAULT_KINDS" "$2" \
            && valid '[0-9]{1,5}' "$3" && [ "$3" -ge 1 ] && [ "$3" -le 65535 ] && valid '[0-9]{1,12}' "$4"; then
            ok=1
            shift 4
            for t in "$@"; do valid "$FAULT_TARGET" "$t" || ok=0; done
        fi
        if [ $ok -eq 1 ]; then printf '%s\n' "$spec" >> "$BASE/faults.next"; else echo "goldenfive-probe: fault refused, it is not well formed: $spec" >&2; fi
    done
    mv "$BASE/faults.next" "$BASE/faults.wanted"
}

if [ "$FAULTS" -eq 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "goldenfive-probe: -F needs root: faults are routes and firewall rules" >&2; exit 2; }
    command -v ip >/dev/null 2>&1 || { echo "goldenfive-probe: -F needs ip (iproute2)" >&2; exit 2; }
    case "$FAULT_MAX" in ''|*[!0-9]*) FAULT_MAX=0 ;; esac
    [ "$FAULT_MAX" -ge 1 ] && [ "$FAULT_MAX" -le 86400 ] \
        || { echo "goldenfive-probe: GOLDENFIVE_FAULT_MAX must be 1 to 86400 seconds" >&2; exit 2; }
    mkdir -p "$STATE_DIR" && chmod 700 "$STATE_DIR" \
        || { echo "goldenfive-probe: cannot keep the ledger of faults in $STATE_DIR (GOLDENFIVE_STATE)" >&2; exit 2; }
    # one agent with -F per machine: the ledger is its alone (a lock whose agent is gone is taken over)
    if ! mkdir "$STATE_DIR/lock" 2>/dev/null; then
        owner=$(cat "$STATE_DIR/lock/pid" 2>/dev/null)
        if [ -n "$owner" ] && grep -q goldenfive-probe "/proc/$owner/cmdline" 2>/dev/null; then
            echo "goldenfive-probe: another agent with -F runs on this machine (pid $owner)" >&2
            exit 2
        fi
    fi
    AGENT_PID=$$
    echo "$AGENT_PID" > "$STATE_DIR/lock/pid"
    touch "$LEDGER"
    # faults a run left behind when it ended without removing them (killed, the machine restarted)
    remove_all "left by a run that ended without removing them"
    # no fault may touch the way to goldenfive, or to the proxy that leads there
    HOME_ADDRESSES=""
    for h in "$(url_host "$URL")" $( [ -n "$NETWORK_PROXY" ] && url_host "$NETWORK_PROXY" ); do
        HOME_ADDRESSES="$HOME_ADDRESSES $(addresses "$h" | sed 's,/32$,,' | tr '\n' ' ')"
    done
    [ -n "$(printf '%s' "$HOME_ADDRESSES" | tr -d ' ')" ] \
        || { echo "goldenfive-probe: -F cannot tell goldenfive's address from $URL, so it would not know what to spare" >&2; exit 2; }
fi

watch() {
    BASE=$WORK
    TARGETS="$*"
    mkfifo "$BASE/stream" || { echo "goldenfive-probe: watch needs mkfifo and a writable temporary directory" >&2; exit 2; }
    STREAM=""; KEEPER=""; FOR_HOST=""
    if [ "$FAULTS" -eq 1 ]; then
        FOR_HOST=$HOST
        keep_faults &
        KEEPER=$!
        echo "goldenfive-probe: injecting the faults of drills that name $HOST, each for at most ${FAULT_MAX}s" >&2
    fi
    # stopped (Ctrl-C, TERM): the keeper takes its faults back; what it could not, this does
    trap 'kill $STREAM $(cat "$BASE/monitors.pids" 2>/dev/null) 2>/dev/null; [ -z "$KEEPER" ] || { kill "$KEEPER" 2>/dev/null; wait "$KEEPER"; remove_all "the agent stopped"; rm -rf "$STATE_DIR/lock"; }; exit 143' TERM INT
    delay=1
    while :; do
        rm -f "$BASE/connected"
        take_work < "$BASE/stream" &
        reader=$!
        printf 'header = "Authorization: Bearer %s"\n' "$TOKEN" | curl -sS -f -N --config - --connect-timeout 10 -G \
            --data-urlencode "service=$(label service)" --data-urlencode "environment=$(label environment)" --data-urlencode "faultsFor=$FOR_HOST" \
            -H 'Accept: text/event-stream' "${URL%/}/api/v1/probes/work" > "$BASE/stream" 2>"$BASE/stream-error" &
        STREAM="$reader $!"
        # the agent waits here, not in a pipeline, so that TERM stops it at once
        wait "$reader"
        kill $STREAM 2>/dev/null
        [ -f "$BASE/connected" ] && delay=1
        why=$(head -n 1 "$BASE/stream-error" | sed 's/^curl: ([0-9]*) //')
        # refused for good (a wrong token, no service): trying again changes nothing
        case "$why" in *"returned error: 4"*) case "$why" in *429*) ;; *)
            echo "goldenfive-probe: goldenfive refused the work stream ($why): check GOLDENFIVE_TOKEN and the service label" >&2
            exit 2 ;; esac ;; esac
        echo "goldenfive-probe: the work stream ended (${why:-closed}); again in ${delay}s" >&2
        sleep "$delay"
        delay=$((delay * 2)); [ "$delay" -le 60 ] || delay=60
    done
}

if [ "$WATCH" -eq 1 ]; then
    watch "$@"
fi

echo "goldenfive-probe: $RUN" >&2
run_probes all "$@"

BODY="$WORK/body.json"
{ printf '[\n'; cat "$RESULTS"; printf '\n]\n'; } > "$BODY"
# 0: every probe passed; 1: some failed
outcome() {
    [ "$UNMEASURED" -eq 0 ] || echo "goldenfive-probe: $UNMEASURED of $COUNT probes could not be measured here" >&2
    [ "$FAILED" -eq 0 ] && exit 0
    echo "goldenfive-probe: $FAILED of $COUNT probes failed" >&2; exit 1
}
if [ "$DRY_RUN" -eq 1 ]; then
    cat "$BODY"
    outcome
fi
if ! post "$BODY"; then
    echo "goldenfive-probe: goldenfive did not take the results:" >&2
    cat "$WORK/posted" >&2
    exit 2
fi
created=$(sed -n 's/^{"created":\([0-9]*\),"repeated":\([0-9]*\).*/\1 new, \2 repeated/p' "$WORK/posted")
echo "goldenfive-probe: posted $COUNT results to $URL (${created:-see goldenfive})" >&2
outcome
