package dev.goldenfive.probe;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.dataformat.yaml.YAMLMapper;

import dev.goldenfive.runbook.FaultBoundary;
import dev.goldenfive.runbook.Glob;
import dev.goldenfive.runbook.ProbeType;
import dev.goldenfive.runbook.Runbook;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped runbook's decision table, evaluated on evidence alone. */
class CheckEvaluationTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final Runbook GO_MODULES = shippedRunbook();

    private final List<StoredResult> evidence = new ArrayList<>();

    @Test
    void withoutEvidenceEveryCheckIsPendingAndThereIsNoDiagnosis() {
        assertThat(CheckEvaluation.checks(GO_MODULES, evidence)).extracting(CheckState::state).containsOnly(CheckState.State.PENDING);
        assertThat(diagnosis()).isNull();
    }

    @Test
    void aNameThatDoesNotResolvePointsAtDns() {
        dns("NXDOMAIN", false);

        assertThat(diagnosis().boundary()).isEqualTo(FaultBoundary.DNS);
        assertThat(diagnosis().evidence()).singleElement().satisfies(c -> {
            assertThat(c.key()).isEqualTo("dns-resolves");
            assertThat(c.reasonTexts()).contains("DNS NXDOMAIN (expected NOERROR)");
            assertThat(c.decidedBy().result().id()).isEqualTo("dns-1");
        });
    }

    @Test
    void noPingAndAnHttpTimeoutPointAtTheLocalNetwork() {
        dns("NOERROR", true);
        result("icmp", ProbeType.ICMP, ProbeResult.Path.DIRECT, false, 8000, null);
        result("http", ProbeType.HTTP, ProbeResult.Path.DIRECT, false, 5001, null);

        assertThat(diagnosis().boundary()).isEqualTo(FaultBoundary.LOCAL_NETWORK);
        assertThat(diagnosis().evidence()).extracting(CheckState::key).containsExactly("ping-replies", "http-responds");
    }

    @Test
    void aConnectionThatOpensWithHttpThatFailsPointsAtTheRemoteService() {
        dns("NOERROR", true);
        result("tcp", ProbeType.TCP, ProbeResult.Path.DIRECT, true, 2, null);
        result("http", ProbeType.HTTP, ProbeResult.Path.DIRECT, true, 40, 503);

        assertThat(diagnosis().boundary()).isEqualTo(FaultBoundary.REMOTE_SERVICE);
        assertThat(check("http-responds").reasonTexts()).containsExactly("HTTP 503 (expected 200)");
    }

    @Test
    void tlsThatFailsOverAnOpenConnectionPointsAtCertificatesOrInterception() {
        dns("NOERROR", true);
        result("tcp", ProbeType.TCP, ProbeResult.Path.DIRECT, true, 2, null);
        result("tls", ProbeType.TLS, ProbeResult.Path.DIRECT, false, 30, null);

        assertThat(diagnosis().boundary()).isEqualTo(FaultBoundary.TLS);
    }

    @Test
    void aProbeThatCouldNotRunIsNotMeasuredNotPendingAndCountsForNoRule() {
        evidence.add(stored(new ProbeResult("icmp-1", null, Map.of(), ProbeType.ICMP, "proxy.golang.org", null, ProbeResult.Path.DIRECT,
                T0, 0.0, false, "ping is not installed", null, null, null, null, null, null, null, null), "agent"));
        result("http", ProbeType.HTTP, ProbeResult.Path.DIRECT, false, 5001, null);

        assertThat(check("ping-replies").state()).isEqualTo(CheckState.State.NOT_MEASURED);
        assertThat(check("ping-replies").reasonTexts()).containsExactly("not measured: ping is not installed");
        assertThat(check("tcp-connects").state()).isEqualTo(CheckState.State.PENDING);
        assertThat(diagnosis()).as("no rule stands on a probe that did not run").isNull();
    }

    @Test
    void aMeasuredResultDecidesOverOneThatCouldNotRun() {
        evidence.add(stored(new ProbeResult("icmp-1", null, Map.of(), ProbeType.ICMP, "proxy.golang.org", null, ProbeResult.Path.DIRECT,
                T0.plusSeconds(5), 0.0, false, "ping is not permitted", null, null, null, null, null, null, null, null), "container"));
        evidence.add(stored(build("icmp-2", ProbeType.ICMP, ProbeResult.Path.DIRECT, true, 20, null), "host"));

        assertThat(check("ping-replies").state()).isEqualTo(CheckState.State.PASSED);
    }

    @Test
    void aKnownGoodAddressIsNoEvidenceAboutTheTargetButTellsTheLocalNetworkApart() {
        result("reference", ProbeType.TCP, ProbeResult.Path.REFERENCE, false, 5000, null);

        assertThat(check("tcp-connects").state()).as("the reference is not the target").isEqualTo(CheckState.State.PENDING);
        assertThat(check("reference-reachable").state()).isEqualTo(CheckState.State.FAILED);

        result("http", ProbeType.HTTP, ProbeResult.Path.DIRECT, false, 5001, null);
        assertThat(diagnosis().boundary()).isEqualTo(FaultBoundary.LOCAL_NETWORK);
        assertThat(diagnosis().rule()).isEqualTo("network-down");
    }

    @Test
    void workingConnectivityWithFailingModuleDownloadsPointsAtTheProxyConfiguration() {
        dns("NOERROR", true);
        result("icmp", ProbeType.ICMP, ProbeResult.Path.DIRECT, true, 20, null);
        result("http", ProbeType.HTTP, ProbeResult.Path.DIRECT, true, 40, 200);
        result("goproxy", ProbeType.GOPROXY, ProbeResult.Path.PROXY, false, 60, 404);

        assertThat(diagnosis().boundary()).isEqualTo(FaultBoundary.PROXY_CONFIGURATION);
        assertThat(diagnosis().rule()).isEqualTo("proxy-config");
    }

    @Test
    void aModuleFetchThroughTheMirrorDoesNotCountForTheProxyCheck() {
        result("goproxy", ProbeType.GOPROXY, ProbeResult.Path.MIRROR, false, 60, 404);

        assertThat(check("proxy-module-fetch").state()).isEqualTo(CheckState.State.PENDING);
        assertThat(check("mirror-module-fetch").state()).isEqualTo(CheckState.State.FAILED);
    }

    @Test
    void oneSenderThatCannotGetThroughFailsACheckThatAnotherPasses() {
        evidence.add(stored(build("http-a", ProbeType.HTTP, ProbeResult.Path.DIRECT, true, 40, 200), "probe-a"));
        evidence.add(stored(build("http-b", ProbeType.HTTP, ProbeResult.Path.DIRECT, false, 5000, null), "probe-b"));

        assertThat(check("http-responds").state()).isEqualTo(CheckState.State.FAILED);
        assertThat(check("http-responds").decidedBy().submitter()).isEqualTo("probe-b");
    }

    @Test
    void aSlowAnswerFailsACheckWithALimitAndSaysSo() {
        result("http", ProbeType.HTTP, ProbeResult.Path.DIRECT, true, 7200, 200);

        assertThat(check("http-responds").reasonTexts()).containsExactly("took 7200 ms (at most 5000 ms)");
    }

    @Test
    void aCertificateCloseToExpiryFailsTheTlsCheck() {
        var tls = new ProbeResult.Tls("TLS 1.3", null, T0.plusSeconds(3600), null, null, null);
        evidence.add(stored(new ProbeResult("tls-1", null, Map.of(), ProbeType.TLS, "proxy.golang.org", null, ProbeResult.Path.DIRECT,
                T0, 30.0, true, null, null, null, null, null, tls, null, null, null), "agent"));

        assertThat(check("tls-handshake").reasonTexts()).containsExactly("the certificate expires in 0 days (at least 1)");
    }

    @Test
    void globsMatchAnyRunOfCharactersAndNothingElse() {
        assertThat(Glob.compile("go *").matcher("go mod download").matches()).isTrue();
        assertThat(Glob.compile("go *").matcher("cargo build").matches()).isFalse();
        assertThat(Glob.compile("*.golang.org").matcher("proxy.golang.org").matches()).isTrue();
        assertThat(Glob.compile("a.b").matcher("axb").matches()).as("a dot is a dot").isFalse();
    }

    private void dns(String rcode, boolean success) {
        evidence.add(stored(new ProbeResult("dns-1", null, Map.of(), ProbeType.DNS, "proxy.golang.org", null, ProbeResult.Path.DIRECT,
                T0, 12.0, success, null, null, null, new ProbeResult.Dns(rcode, List.of()), null, null, null, null, null), "agent"));
    }

    private void result(String id, ProbeType type, ProbeResult.Path path, boolean success, double ms, Integer status) {
        evidence.add(stored(build(id, type, path, success, ms, status), "agent"));
    }

    private static ProbeResult build(String id, ProbeType type, ProbeResult.Path path, boolean success, double ms, Integer status) {
        return new ProbeResult(id, null, Map.of(), type, "proxy.golang.org", null, path, T0, ms, success, null,
                success ? null : new ProbeResult.Failure("timeout", "no answer"), null, null,
                status == null ? null : new ProbeResult.Http(status, "HTTP/2"), null, null, null, null);
    }

    private static StoredResult stored(ProbeResult result, String submitter) {
        return new StoredResult(result, submitter, T0, null);
    }

    private CheckState check(String key) {
        return CheckEvaluation.checks(GO_MODULES, evidence).stream().filter(c -> c.key().equals(key)).findFirst().orElseThrow();
    }

    private Diagnosis diagnosis() {
        return CheckEvaluation.diagnose(GO_MODULES, CheckEvaluation.checks(GO_MODULES, evidence)).orElse(null);
    }

    private static Runbook shippedRunbook() {
        try (InputStream in = CheckEvaluationTest.class.getResourceAsStream("/runbooks/go-module-download.yaml")) {
            return YAMLMapper.builder().build().readValue(in, Runbook.class);
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
