package dev.goldenfive.probe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.goldenfive.runbook.ProbeType;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;

/**
 * What blackbox_exporter's {@code /probe} answered (the Prometheus text format), and the probe result it
 * amounts to. Only samples are read: comments and metadata are skipped, and so are metrics not named here.
 */
final class BlackboxAnswer {

    /** One sample: the metric name, its labels and its value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;
    private final byte[] text;

    private BlackboxAnswer(List<Sample> samples, byte[] text) {
        this.samples = samples;
        this.text = text;
    }

    static BlackboxAnswer parse(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        List<Sample> samples = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                samples.add(parseLine(line));
            }
            catch (RuntimeException ex) {
                throw new InvalidFields(List.of(new FieldProblem("(body)",
                        "is not in the Prometheus text format: " + (ex instanceof IndexOutOfBoundsException
                                ? "the line ends too early" : ex.getMessage()), i + 1)));
            }
        }
        if (samples.stream().noneMatch(s -> s.name().equals("probe_success"))) {
            throw new InvalidFields(List.of(new FieldProblem("(body)",
                    "has no probe_success: send the body of blackbox_exporter's /probe answer")));
        }
        return new BlackboxAnswer(samples, body);
    }

    /** {@code name{label="value",…} value [timestamp]} */
    private static Sample parseLine(String line) {
        int i = 0;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_' || line.charAt(i) == ':')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("a metric name must start the line");
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                while (line.charAt(i) == ' ' || line.charAt(i) == ',') {
                    i++;
                }
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq).strip();
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("label values are quoted");
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char escaped = line.charAt(++j);
                        value.append(escaped == 'n' ? '\n' : escaped);
                    }
                    else {
                        value.append(c);
                    }
                }
                labels.put(label, value.toString());
                i = j + 1;
            }
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        return new Sample(name, labels, parseValue(rest[0]));
    }

    private static double parseValue(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    Optional<Double> value(String name) {
        return sample(name).map(Sample::value);
    }

    Optional<Double> value(String name, String label, String labelValue) {
        return samples.stream().filter(s -> s.name().equals(name) && labelValue.equals(s.labels().get(label)))
                .map(Sample::value).findFirst();
    }

    Optional<Sample> sample(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The type the metrics show: HTTP, DNS and ICMP probers name their own metrics; a TCP probe with a certificate is TLS. */
    ProbeType type() {
        if (value("probe_http_status_code").isPresent()) {
            return ProbeType.HTTP;
        }
        if (value("probe_dns_query_succeeded").isPresent() || value("probe_dns_answer_rrs").isPresent()) {
            return ProbeType.DNS;
        }
        if (samples.stream().anyMatch(s -> s.name().startsWith("probe_icmp_"))) {
            return ProbeType.ICMP;
        }
        return value("probe_ssl_earliest_cert_expiry").isPresent() ? ProbeType.TLS : ProbeType.TCP;
    }

    ProbeResult toResult(String id, String target, String module, ProbeType type, ProbeResult.Path path, String via,
            String incident, Instant receivedAt) {
        ProbeType probe = type == null ? type() : type;
        boolean success = value("probe_success").orElseThrow() == 1;
        double durationMs = ms(value("probe_duration_seconds").orElse(0.0));
        Integer status = value("probe_http_status_code").filter(s -> s > 0).map(Double::intValue).orElse(null);
        ProbeResult.Http http = status == null ? null
                : new ProbeResult.Http(status, value("probe_http_version").map(v -> "HTTP/" + (v == Math.rint(v) ? String.valueOf(v.intValue()) : v)).orElse(null));
        ProbeResult.Phases phases = phases();
        ProbeResult.Dns dns = probe != ProbeType.DNS ? null : new ProbeResult.Dns(
                value("probe_dns_query_succeeded").filter(v -> v == 1).map(v -> "NOERROR").orElse(null), null);
        Optional<Sample> chain = sample("probe_ssl_last_chain_info");
        ProbeResult.Tls tls = value("probe_ssl_earliest_cert_expiry")
                .map(expiry -> new ProbeResult.Tls(sample("probe_tls_version_info").map(s -> s.labels().get("version")).orElse(null),
                        sample("probe_tls_cipher_info").map(s -> s.labels().get("cipher")).orElse(null),
                        Instant.ofEpochSecond(expiry.longValue()),
                        chain.map(s -> s.labels().get("subject")).orElse(null),
                        chain.map(s -> s.labels().get("issuer")).orElse(null), null))
                .orElse(null);
        ProbeResult.Failure error = success ? null : new ProbeResult.Failure("blackbox",
                "probe_success 0 (module " + module + (status == null ? "" : ", HTTP " + status) + ")");
        Instant startedAt = receivedAt.minus(Duration.ofNanos((long) (durationMs * 1_000_000)));
        return new ProbeResult(id == null ? defaultId(target, module) : id, incident, Map.of("module", module), probe,
                target, via, path, startedAt, durationMs, success, null, error, phases, dns, http, tls, null, null, null);
    }

    private ProbeResult.Phases phases() {
        String metric = sample("probe_http_duration_seconds").isPresent() ? "probe_http_duration_seconds" : "probe_dns_duration_seconds";
        Double resolve = value(metric, "phase", "resolve").or(() -> value("probe_dns_lookup_time_seconds")).map(BlackboxAnswer::ms).orElse(null);
        Double connect = value(metric, "phase", "connect").map(BlackboxAnswer::ms).orElse(null);
        Double tls = value(metric, "phase", "tls").map(BlackboxAnswer::ms).orElse(null);
        Double processing = value(metric, "phase", "processing").or(() -> value(metric, "phase", "request"))
                .map(BlackboxAnswer::ms).orElse(null);
        Double transfer = value(metric, "phase", "transfer").map(BlackboxAnswer::ms).orElse(null);
        return new ProbeResult.Phases(resolve, connect, tls, processing, transfer);
    }

    /** The same scrape posted twice has the same id, so it is stored once. */
    private String defaultId(String target, String module) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((target + "\n" + module + "\n").getBytes(StandardCharsets.UTF_8));
            return "blackbox-" + HexFormat.of().formatHex(sha.digest(text), 0, 16);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is part of every JDK", ex);
        }
    }

    private static double ms(double seconds) {
        return Math.max(0, seconds * 1000);
    }
}
