package dev.goldenfive.alert;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import dev.goldenfive.incident.Severity;
import dev.goldenfive.runbook.Glob;
import dev.goldenfive.web.StrictStrings;

/**
 * A routing rule: alerts whose labels match {@code match} (every entry; a value may use {@code *} as a
 * wildcard) become incidents of this service, environment, severity and runbook. {@code service} and
 * {@code environment} may name labels as {@code ${label}}. {@code resolve}: an alert that resolves also
 * resolves its incident. Rules are tried in order; the first that matches applies. Absent fields take
 * the defaults of {@link #defaults}. {@code escalation} names the escalation policy that pages for the incident
 * (otherwise its service's).
 */
public record AlertRoute(
        @NotBlank @Size(max = 100) @jakarta.validation.constraints.Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String name,
        @Size(max = 20) Map<@NotBlank String, @NotBlank @Size(max = 200) String> match,
        @Size(max = 200) String service,
        @Size(max = 200) String environment,
        Severity severity,
        @Size(max = 63) String runbook,
        Boolean resolve,
        @jakarta.validation.constraints.Pattern(regexp = "[a-z0-9][a-z0-9-]{0,62}", message = "must be the key of an escalation policy")
        String escalation) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)}");

    public AlertRoute {
        match = match == null ? Map.of() : match;
    }

    boolean matches(Map<String, String> labels) {
        return match.entrySet().stream().allMatch(e -> {
            String value = labels.get(e.getKey());
            return value != null && Glob.compile(e.getValue()).matcher(value).matches();
        });
    }

    /** What an alert with these labels becomes: this rule's values over the defaults. */
    Routing route(Map<String, String> labels) {
        Routing defaults = defaults(labels);
        return new Routing(name, service == null ? defaults.service() : fill(service, labels, 100),
                environment == null ? defaults.environment() : fill(environment, labels, 50),
                severity == null ? defaults.severity() : severity,
                runbook, Boolean.TRUE.equals(resolve), escalation);
    }

    /**
     * Without a rule: the service from the {@code service}, {@code job}, {@code component}, {@code source} or
     * {@code alertname} label, the environment from {@code environment} or {@code env}, the severity from
     * {@code severity} (critical → SEV1, error or high → SEV2, warning → SEV3, info or low → SEV4, else SEV3),
     * the default runbook, not resolved with the alert.
     */
    static Routing defaults(Map<String, String> labels) {
        String service = first(labels, "service", "job", "component", "source", "alertname");
        String environment = first(labels, "environment", "env");
        return new Routing(null, clip(service == null ? "unknown" : service, 100),
                clip(environment == null ? "unknown" : environment, 50), severity(labels.get("severity")), null, false, null);
    }

    /** Where an alert goes; {@code rule} is null when no rule matched, {@code runbook} null for the default. */
    record Routing(String rule, String service, String environment, Severity severity, String runbook, boolean resolve,
            String escalation) {
    }

    static Severity severity(String label) {
        if (label == null) {
            return Severity.SEV3;
        }
        return switch (label.strip().toLowerCase(Locale.ROOT)) {
            case "critical", "page", "sev1", "p1" -> Severity.SEV1;
            case "error", "high", "major", "sev2", "p2" -> Severity.SEV2;
            case "info", "low", "minor", "sev4", "p4", "p5" -> Severity.SEV4;
            default -> Severity.SEV3;
        };
    }

    private static String fill(String template, Map<String, String> labels, int max) {
        Matcher m = PLACEHOLDER.matcher(template);
        String filled = m.replaceAll(r -> Matcher.quoteReplacement(labels.getOrDefault(r.group(1), "unknown")));
        return clip(filled.isBlank() ? "unknown" : filled, max);
    }

    private static String first(Map<String, String> labels, String... names) {
        for (String name : names) {
            String value = labels.get(name);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    /** Text fit for an incident field: no control characters, at most {@code max} characters. */
    static String clip(String text, int max) {
        String clean = text.replaceAll("\\p{Cntrl}", " ").strip();
        return clean.length() <= max ? clean : clean.substring(0, max - 1) + "…";
    }
}
