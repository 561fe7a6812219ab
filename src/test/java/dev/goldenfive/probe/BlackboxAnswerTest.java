package dev.goldenfive.probe;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.goldenfive.runbook.ProbeType;
import dev.goldenfive.web.InvalidFields;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The exporter's answers that a local exporter cannot give in a test: DNS, TLS, and text that is not its format. */
class BlackboxAnswerTest {

    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void aDnsAnswerBecomesADnsResultWithItsPhases() {
        ProbeResult result = parse("""
                # HELP probe_dns_answer_rrs Returns number of entries in the answer resource record list
                # TYPE probe_dns_answer_rrs gauge
                probe_dns_answer_rrs 2
                probe_dns_duration_seconds{phase="connect"} 0.0001
                probe_dns_duration_seconds{phase="request"} 0.0123
                probe_dns_duration_seconds{phase="resolve"} 0.0004
                probe_dns_query_succeeded 1
                probe_duration_seconds 0.0131
                probe_success 1
                """).toResult(null, "proxy.golang.org", "dns_udp", null, null, null, null, NOW);

        assertThat(result.type()).isEqualTo(ProbeType.DNS);
        assertThat(result.dns().rcode()).isEqualTo("NOERROR");
        assertThat(result.phases().processingMs()).isEqualTo(12.3, org.assertj.core.data.Offset.offset(0.001));
        assertThat(result.durationMs()).isEqualTo(13.1, org.assertj.core.data.Offset.offset(0.001));
        assertThat(result.startedAt()).isBefore(NOW);
    }

    @Test
    void aTlsProbeCarriesItsCertificateExpiryAndVersion() {
        ProbeResult result = parse("""
                probe_duration_seconds 0.2
                probe_ssl_earliest_cert_expiry 1.7900928e+09
                probe_ssl_last_chain_info{fingerprint_sha256="ab",issuer="CN=WR2,O=Google Trust Services",subject="CN=proxy.golang.org",subjectalternative="proxy.golang.org"} 1
                probe_tls_version_info{version="TLS 1.3"} 1
                probe_success 1
                """).toResult("tls-1", "proxy.golang.org:443", "tcp_tls", null, null, null, null, NOW);

        assertThat(result.type()).isEqualTo(ProbeType.TLS);
        assertThat(result.tls().earliestCertExpiry()).isEqualTo(Instant.ofEpochSecond(1_790_092_800L));
        assertThat(result.tls().version()).isEqualTo("TLS 1.3");
        assertThat(result.tls().subject()).isEqualTo("CN=proxy.golang.org");
        assertThat(result.id()).isEqualTo("tls-1");
    }

    @Test
    void theSameScrapeHasTheSameIdAndAnotherScrapeAnother() {
        String text = "probe_duration_seconds 0.2\nprobe_success 1\n";
        String id = parse(text).toResult(null, "a", "m", null, null, null, null, NOW).id();

        assertThat(parse(text).toResult(null, "a", "m", null, null, null, null, NOW).id()).isEqualTo(id);
        assertThat(parse(text).toResult(null, "b", "m", null, null, null, null, NOW).id()).isNotEqualTo(id);
    }

    @Test
    void textThatIsNotTheExportersAnswerIsRefusedWithItsLine() {
        assertThatThrownBy(() -> parse("probe_success 1\nprobe_http{phase=\"x 1\n"))
                .isInstanceOfSatisfying(InvalidFields.class, e -> assertThat(e.problems().getFirst().line()).isEqualTo(2));
        assertThatThrownBy(() -> parse("<html>login</html>"))
                .isInstanceOf(InvalidFields.class);
        assertThatThrownBy(() -> parse("up 1\n"))
                .isInstanceOfSatisfying(InvalidFields.class, e -> assertThat(e.problems().getFirst().message()).contains("no probe_success"));
    }

    private static BlackboxAnswer parse(String text) {
        return BlackboxAnswer.parse(text.getBytes(StandardCharsets.UTF_8));
    }
}
