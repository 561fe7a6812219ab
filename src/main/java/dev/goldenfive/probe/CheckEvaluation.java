package dev.goldenfive.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.goldenfive.runbook.FaultBoundary;
import dev.goldenfive.runbook.Glob;
import dev.goldenfive.runbook.ProbeType;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.Via;
import dev.goldenfive.timeline.Fact;

/**
 * Turns an incident's evidence into check states and a diagnosis, from the runbook's data alone.
 * <p>
 * The evidence is the newest result of each probe: one per type, target, path and sender. A check looks at
 * those of its probe type whose target matches its glob and whose path matches its {@code via}. It has
 * <em>failed</em> when any of them does not meet its pass condition (the newest such result decides), has
 * <em>passed</em> when all of them do (the newest decides), and is <em>pending</em> without any. Results that say
 * the probe could not run count for nothing; with only those, the check is <em>not measured</em>. So one agent
 * that cannot get through is enough to fail a check, and a check passes again once every sender that failed
 * it has posted a passing result.
 */
final class CheckEvaluation {

    private CheckEvaluation() {
    }

    static List<CheckState> checks(Runbook runbook, List<StoredResult> newest) {
        List<CheckState> states = new ArrayList<>();
        for (Runbook.Stage stage : runbook.stages()) {
            for (Runbook.Check check : stage.checks()) {
                states.add(state(stage.key(), check, newest));
            }
        }
        return states;
    }

    static CheckState state(String stage, Runbook.Check check, List<StoredResult> newest) {
        List<StoredResult> relevant = newest.stream()
                .filter(r -> applies(check, r.result().type(), r.result().target(), r.result().path()))
                .sorted(Comparator.comparing((StoredResult r) -> r.result().startedAt()).reversed())
                .toList();
        if (relevant.isEmpty()) {
            return new CheckState(check.key(), stage, check.title(), CheckState.State.PENDING, List.of(), null);
        }
        List<StoredResult> measured = relevant.stream().filter(r -> r.result().measured()).toList();
        if (measured.isEmpty()) {
            StoredResult latest = relevant.getFirst();
            String why = latest.result().notMeasured();
            return new CheckState(check.key(), stage, check.title(), CheckState.State.NOT_MEASURED,
                    List.of(reason("not measured: " + why, "check.reason.notMeasured", why)), latest);
        }
        for (StoredResult result : measured) {
            List<Fact.Reason> reasons = failures(check.pass(), result.result());
            if (!reasons.isEmpty()) {
                return new CheckState(check.key(), stage, check.title(), CheckState.State.FAILED, reasons, result);
            }
        }
        return new CheckState(check.key(), stage, check.title(), CheckState.State.PASSED, List.of(), measured.getFirst());
    }

    /** Whether a probe of this type, target and path is evidence for the check. */
    static boolean applies(Runbook.Check check, ProbeType type, String target, ProbeResult.Path path) {
        boolean way = check.via() == Via.ANY ? path != ProbeResult.Path.REFERENCE : check.via().name().equals(path.name());
        return check.probe() == type && way
                && Glob.compile(check.target()).matcher(target).matches();
    }

    /** Why the result does not meet the condition; empty when it does. */
    static List<Fact.Reason> failures(Runbook.PassCondition pass, ProbeResult result) {
        List<Fact.Reason> reasons = new ArrayList<>();
        if (result.success() != pass.success()) {
            reasons.add(result.success() ? reason("the probe succeeded where a failure was expected", "check.reason.succeeded")
                    : result.error() == null ? reason("the probe failed", "check.reason.failed")
                    : reason("the probe failed: " + describe(result.error()), "check.reason.failedWith", describe(result.error())));
        }
        if (pass.maxDurationMs() != null && result.durationMs() > pass.maxDurationMs()) {
            String took = "%.0f".formatted(result.durationMs());
            reasons.add(reason("took " + took + " ms (at most " + pass.maxDurationMs() + " ms)", "check.reason.slow", took,
                    String.valueOf(pass.maxDurationMs())));
        }
        if (!pass.httpStatus().isEmpty()) {
            Integer status = result.http() == null ? null : result.http().status();
            if (status == null || !pass.httpStatus().contains(status)) {
                String expected = join(pass.httpStatus(), " or ");
                // the arguments name the statuses in no language
                String statuses = join(pass.httpStatus(), "/");
                reasons.add(status == null ? reason("no HTTP status (expected " + expected + ")", "check.reason.noStatus", statuses)
                        : reason("HTTP " + status + " (expected " + expected + ")", "check.reason.status", String.valueOf(status), statuses));
            }
        }
        if (pass.rcode() != null) {
            String rcode = result.dns() == null ? null : result.dns().rcode();
            if (!pass.rcode().equals(rcode)) {
                reasons.add(rcode == null ? reason("no DNS answer code (expected " + pass.rcode() + ")", "check.reason.noRcode", pass.rcode())
                        : reason("DNS " + rcode + " (expected " + pass.rcode() + ")", "check.reason.rcode", rcode, pass.rcode()));
            }
        }
        // an agent that cannot read the certificate (no openssl) still tells whether the handshake worked
        var expiry = result.tls() == null ? null : result.tls().earliestCertExpiry();
        if (pass.minCertDaysLeft() != null && expiry != null) {
            long days = Duration.between(result.startedAt(), expiry).toDays();
            if (days < pass.minCertDaysLeft()) {
                reasons.add(reason("the certificate expires in " + days + " days (at least " + pass.minCertDaysLeft() + ")",
                        "check.reason.certificate", String.valueOf(days), String.valueOf(pass.minCertDaysLeft())));
            }
        }
        if (pass.minValue() != null || pass.maxValue() != null) {
            Double value = result.value();
            if (value == null) {
                reasons.add(reason("no value was measured", "check.reason.noValue"));
            }
            else if (pass.minValue() != null && value < pass.minValue()) {
                reasons.add(reason(number(value) + " (at least " + number(pass.minValue()) + ")", "check.reason.low", number(value), number(pass.minValue())));
            }
            else if (pass.maxValue() != null && value > pass.maxValue()) {
                reasons.add(reason(number(value) + " (at most " + number(pass.maxValue()) + ")", "check.reason.high", number(value), number(pass.maxValue())));
            }
        }
        return reasons;
    }

    /** A measured value as people read it: up to four decimals, no trailing zeros. */
    private static String number(double value) {
        return java.math.BigDecimal.valueOf(value).setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** The first rule whose failed checks all failed, whose passed checks all passed and whose unmeasured checks were not measured. */
    static Optional<Diagnosis> diagnose(Runbook runbook, List<CheckState> checks) {
        Map<String, CheckState> byKey = checks.stream().collect(Collectors.toMap(CheckState::key, Function.identity(), (a, b) -> a));
        for (Runbook.DiagnosisRule rule : runbook.diagnosis()) {
            List<CheckState> evidence = new ArrayList<>();
            boolean holds = rule.failed().stream().allMatch(k -> in(byKey, k, CheckState.State.FAILED, evidence))
                    && rule.passed().stream().allMatch(k -> in(byKey, k, CheckState.State.PASSED, evidence))
                    && rule.unmeasured().stream().allMatch(k -> unmeasured(byKey, k, evidence));
            if (holds && !evidence.isEmpty()) {
                return Optional.of(new Diagnosis(rule.key(), rule.boundary(), rule.title(), rule.explanation(), evidence));
            }
        }
        return Optional.empty();
    }

    /**
     * The rules that one more result would make the diagnosis instead (or at all): each names another boundary
     * than {@code diagnosis} (which may be null) and has all its conditions met but one, on a check that has no
     * measured result yet. One per boundary, in rule order.
     */
    static List<Diagnosis.Alternative> alternatives(Runbook runbook, List<CheckState> checks, Diagnosis diagnosis) {
        Map<String, CheckState> byKey = checks.stream().collect(Collectors.toMap(CheckState::key, Function.identity(), (a, b) -> a));
        Map<FaultBoundary, Diagnosis.Alternative> alternatives = new LinkedHashMap<>();
        for (Runbook.DiagnosisRule rule : runbook.diagnosis()) {
            if (diagnosis != null && rule.boundary() == diagnosis.boundary() || alternatives.containsKey(rule.boundary())) {
                continue;
            }
            List<Map.Entry<String, CheckState.State>> unmet = new ArrayList<>();
            rule.failed().stream().filter(k -> state(byKey, k) != CheckState.State.FAILED).forEach(k -> unmet.add(Map.entry(k, CheckState.State.FAILED)));
            rule.passed().stream().filter(k -> state(byKey, k) != CheckState.State.PASSED).forEach(k -> unmet.add(Map.entry(k, CheckState.State.PASSED)));
            boolean measuredWhereItShouldNot = rule.unmeasured().stream()
                    .anyMatch(k -> state(byKey, k) == CheckState.State.PASSED || state(byKey, k) == CheckState.State.FAILED);
            if (unmet.size() != 1 || measuredWhereItShouldNot) {
                continue;
            }
            CheckState waiting = byKey.get(unmet.getFirst().getKey());
            if (waiting != null && (waiting.state() == CheckState.State.PENDING || waiting.state() == CheckState.State.NOT_MEASURED)) {
                alternatives.put(rule.boundary(), new Diagnosis.Alternative(rule.key(), rule.boundary(), rule.title(), waiting.key(),
                        waiting.title(), unmet.getFirst().getValue()));
            }
        }
        return List.copyOf(alternatives.values());
    }

    private static CheckState.State state(Map<String, CheckState> byKey, String key) {
        CheckState state = byKey.get(key);
        return state == null ? null : state.state();
    }

    /** Pending or not measured; only a check that could not be measured is evidence worth showing. */
    private static boolean unmeasured(Map<String, CheckState> byKey, String key, List<CheckState> evidence) {
        CheckState state = byKey.get(key);
        return state != null && state.state() == CheckState.State.PENDING || in(byKey, key, CheckState.State.NOT_MEASURED, evidence);
    }

    private static boolean in(Map<String, CheckState> byKey, String key, CheckState.State wanted, List<CheckState> evidence) {
        CheckState state = byKey.get(key);
        if (state == null || state.state() != wanted) {
            return false;
        }
        evidence.add(state);
        return true;
    }

    static String describe(ProbeResult.Failure error) {
        if (error.errorClass() == null) {
            return error.message() == null ? "" : error.message();
        }
        return error.message() == null ? error.errorClass() : error.errorClass() + ": " + error.message();
    }

    private static Fact.Reason reason(String text, String code, String... args) {
        return new Fact.Reason(text, code, List.of(args));
    }

    private static String join(List<Integer> statuses, String separator) {
        return statuses.stream().map(String::valueOf).collect(Collectors.joining(separator));
    }
}
