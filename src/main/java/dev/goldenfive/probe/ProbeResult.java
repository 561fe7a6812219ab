package dev.goldenfive.probe;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.runbook.ProbeType;
import dev.goldenfive.web.Credentials;

/**
 * One probe result as an agent posts it. The phase names are blackbox_exporter's; {@code path} says which way
 * the probe went (direct, through the configured proxy, through the mirror) and defaults to {@code direct}
 * when {@code via} is absent or "direct", else to {@code proxy}. A probe the agent could not run (no ping on the
 * machine, no connection to shake hands over) is posted with {@code notMeasured} saying why: it is evidence of
 * nothing, and a check with nothing else shows <em>not measured</em> instead of waiting.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeResult(
        @NotBlank @Pattern(regexp = ID, message = ID_MESSAGE) String id,
        @Pattern(regexp = IncidentKey.PATTERN, message = "must be an incident key such as INC-42") String incident,
        @Size(max = 20) Map<@Pattern(regexp = LABEL, message = LABEL_MESSAGE) String, @NotNull @Size(max = 200) String> labels,
        @NotNull ProbeType type,
        @NotBlank @Size(max = 500) String target,
        @Size(max = 500) String via,
        Path path,
        @NotNull Instant startedAt,
        @NotNull @PositiveOrZero @Max(MAX_DURATION_MS) Double durationMs,
        @NotNull Boolean success,
        @Size(max = 500) String notMeasured,
        @Valid Failure error,
        @Valid Phases phases,
        @Valid Dns dns,
        @Valid Http http,
        @Valid Tls tls,
        @Valid Env env,
        @Size(max = 128) @Pattern(regexp = "[A-Za-z0-9._:-]*", message = "must be letters, digits, '.', '_', ':' or '-'") String traceId,
        Double value) {

    static final String ID = "[A-Za-z0-9._:-]{1,100}";
    static final String ID_MESSAGE = "must be 1–100 letters, digits, '.', '_', ':' or '-' (a UUID will do)";
    static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_.-]{0,62}";
    static final String LABEL_MESSAGE = "label names are 1–63 letters, digits, '_', '.' or '-', starting with a letter or '_'";
    static final long MAX_DURATION_MS = 3_600_000;

    /** The way a probe went. */
    public enum Path {
        @JsonProperty("direct") DIRECT,
        @JsonProperty("proxy") PROXY,
        @JsonProperty("mirror") MIRROR,
        /** To a known-good address, not the target: tells this machine's network from the target's. */
        @JsonProperty("reference") REFERENCE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ProbeResult {
        labels = labels == null ? Map.of() : labels;
        notMeasured = notMeasured == null || notMeasured.isBlank() ? null : notMeasured.strip();
    }

    /** Whether the probe ran: a result that says why it did not is evidence of nothing. */
    public boolean measured() {
        return notMeasured == null;
    }

    /** The path as given, or as {@code via} implies. */
    Path effectivePath() {
        if (path != null) {
            return path;
        }
        return via == null || via.isBlank() || via.strip().equalsIgnoreCase("direct") ? Path.DIRECT : Path.PROXY;
    }

    /** A few words for people: what came back and how long it took. */
    public String outcome() {
        if (!measured()) {
            return notMeasured;
        }
        List<String> parts = new ArrayList<>();
        if (http != null && http.status() != null) {
            parts.add("HTTP " + http.status());
        }
        if (dns != null && dns.rcode() != null) {
            parts.add(dns.rcode());
        }
        if (!success && error != null) {
            parts.add(CheckEvaluation.describe(error));
        }
        parts.add(Math.round(durationMs) + " ms");
        return String.join(" · ", parts);
    }

    /**
     * The result as it is stored: attached to {@code incident} (or none), with {@code labels}, its path made
     * explicit, and passwords in URLs (target, via, error, proxy settings) masked, so that a probe never leaks
     * a credential into evidence.
     */
    ProbeResult stored(String attachedTo, Map<String, String> storedLabels) {
        return new ProbeResult(id, attachedTo, storedLabels, type, Credentials.masked(target), Credentials.masked(via), effectivePath(),
                startedAt.truncatedTo(ChronoUnit.MICROS), durationMs, success && measured(), notMeasured,
                error == null ? null : new Failure(error.errorClass(), Credentials.masked(error.message())), phases, dns, http, tls,
                env == null ? null : env.masked(), traceId, value);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Failure(
            @JsonProperty("class") @Size(max = 100) String errorClass,
            @Size(max = 2000) String message) {
    }

    /** Milliseconds spent in each phase, as blackbox_exporter names them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Phases(
            @PositiveOrZero @Max(MAX_DURATION_MS) Double resolveMs,
            @PositiveOrZero @Max(MAX_DURATION_MS) Double connectMs,
            @PositiveOrZero @Max(MAX_DURATION_MS) Double tlsMs,
            @PositiveOrZero @Max(MAX_DURATION_MS) Double processingMs,
            @PositiveOrZero @Max(MAX_DURATION_MS) Double transferMs) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Dns(
            @Pattern(regexp = "[A-Z]{2,12}", message = "must be a DNS response code such as NOERROR or NXDOMAIN") String rcode,
            @Size(max = 50) List<@NotNull @Size(max = 300) String> answers) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Http(
            @Min(100) @Max(599) Integer status,
            @Size(max = 20) String version) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tls(
            @Size(max = 20) String version,
            @Size(max = 100) String cipher,
            Instant earliestCertExpiry,
            @Size(max = 500) String subject,
            @Size(max = 500) String issuer,
            @Size(max = 100) List<@NotNull @Size(max = 300) String> sans) {
    }

    /** The Go and proxy settings the probe ran with. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Env(
            @JsonProperty("GOPROXY") @Size(max = 1000) String goproxy,
            @JsonProperty("GOSUMDB") @Size(max = 1000) String gosumdb,
            @JsonProperty("GONOPROXY") @Size(max = 1000) String gonoproxy,
            @JsonProperty("GONOSUMDB") @Size(max = 1000) String gonosumdb,
            @JsonProperty("GOPRIVATE") @Size(max = 1000) String goprivate,
            @JsonProperty("GOFLAGS") @Size(max = 1000) String goflags,
            @JsonProperty("HTTPS_PROXY") @Size(max = 1000) String httpsProxy,
            @JsonProperty("NO_PROXY") @Size(max = 1000) String noProxy) {

        Env masked() {
            return new Env(Credentials.masked(goproxy), Credentials.masked(gosumdb), gonoproxy, gonosumdb, goprivate, goflags,
                    Credentials.masked(httpsProxy), noProxy);
        }
    }
}
