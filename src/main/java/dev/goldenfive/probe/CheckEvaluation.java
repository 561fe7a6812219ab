package dev.goldenfive.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.goldenfive.runbook.Glob;
import dev.goldenfive.runbook.ProbeType;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.Via;

/**
 * Turns an incident's evidence into check states and a diagnosis, from the runbook's data alone.
 * <p>
 * The evidence is the newest result of each probe: one per type, target, path and sender. A check looks at
 * those of its probe type whose target matches its glob and whose path matches its {@code via}. It has
 * <em>failed</em> when any of them does not meet its pass condition (the newest such result decides), has
 * <em>passed</em> when all of them do (the newest decides), and is <em>pending</em> without any. So one agent
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
        for (StoredResult result : relevant) {
            List<String> reasons = failures(check.pass(), result.result());
            if (!reasons.isEmpty()) {
                return new CheckState(check.key(), stage, check.title(), CheckState.State.FAILED, reasons, result);
            }
        }
        return new CheckState(check.key(), stage, check.title(), CheckState.State.PASSED, List.of(), relevant.getFirst());
    }

    /** Whether a probe of this type, target and path is evidence for the check. */
    static boolean applies(Runbook.Check check, ProbeType type, String target, ProbeResult.Path path) {
        return check.probe() == type && (check.via() == Via.ANY || check.via().name().equals(path.name()))
                && Glob.compile(check.target()).matcher(target).matches();
    }

    /** Why the result does not meet the condition; empty when it does. */
    static List<String> failures(Runbook.PassCondition pass, ProbeResult result) {
        List<String> reasons = new ArrayList<>();
        if (result.success() != pass.success()) {
            reasons.add(result.success() ? "the probe succeeded where a failure was expected"
                    : "the probe failed" + (result.error() == null ? "" : ": " + describe(result.error())));
        }
        if (pass.maxDurationMs() != null && result.durationMs() > pass.maxDurationMs()) {
            reasons.add("took %.0f ms (at most %d ms)".formatted(result.durationMs(), pass.maxDurationMs()));
        }
        if (!pass.httpStatus().isEmpty()) {
            Integer status = result.http() == null ? null : result.http().status();
            if (status == null || !pass.httpStatus().contains(status)) {
                reasons.add((status == null ? "no HTTP status" : "HTTP " + status) + " (expected " + join(pass.httpStatus()) + ")");
            }
        }
        if (pass.rcode() != null) {
            String rcode = result.dns() == null ? null : result.dns().rcode();
            if (!pass.rcode().equals(rcode)) {
                reasons.add((rcode == null ? "no DNS answer code" : "DNS " + rcode) + " (expected " + pass.rcode() + ")");
            }
        }
        // an agent that cannot read the certificate (no openssl) still tells whether the handshake worked
        var expiry = result.tls() == null ? null : result.tls().earliestCertExpiry();
        if (pass.minCertDaysLeft() != null && expiry != null) {
            long days = Duration.between(result.startedAt(), expiry).toDays();
            if (days < pass.minCertDaysLeft()) {
                reasons.add("the certificate expires in " + days + " days (at least " + pass.minCertDaysLeft() + ")");
            }
        }
        return reasons;
    }

    /** The first rule whose failed checks all failed and whose passed checks all passed. */
    static Optional<Diagnosis> diagnose(Runbook runbook, List<CheckState> checks) {
        Map<String, CheckState> byKey = checks.stream().collect(Collectors.toMap(CheckState::key, Function.identity(), (a, b) -> a));
        for (Runbook.DiagnosisRule rule : runbook.diagnosis()) {
            List<CheckState> evidence = new ArrayList<>();
            boolean holds = rule.failed().stream().allMatch(k -> in(byKey, k, CheckState.State.FAILED, evidence))
                    && rule.passed().stream().allMatch(k -> in(byKey, k, CheckState.State.PASSED, evidence));
            if (holds && !evidence.isEmpty()) {
                return Optional.of(new Diagnosis(rule.key(), rule.boundary(), rule.title(), rule.explanation(), evidence));
            }
        }
        return Optional.empty();
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

    private static String join(List<Integer> statuses) {
        return statuses.stream().map(String::valueOf).collect(Collectors.joining(" or "));
    }
}
