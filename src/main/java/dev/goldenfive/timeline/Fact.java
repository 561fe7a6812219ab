package dev.goldenfive.timeline;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a timeline entry records, one record per kind of entry. Every module writes and reads these records,
 * never a kind string with a map, so a renamed field breaks the build rather than a report. The records are
 * stored as the entry's JSON {@code details} (fields that are null left out) and decoded in one place,
 * {@link Facts}, for {@link Timeline}; the kind is the record's, see {@link #kind()}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface Fact {

    /** The timeline's name for this kind of entry, as stored and as the API shows it. */
    default String kind() {
        return Facts.kind(this);
    }

    // --- what happened to the incident itself (the incident module records these)

    /** {@code severity} is the severity's name; {@code runbook} the runbook's key; {@code drill} true for a drill (else absent). */
    record Declared(String service, String environment, String severity, String runbook, int runbookVersion,
            Instant startedAt, Boolean drill) implements Fact {
    }

    record Acknowledged() implements Fact {
    }

    /** The impact stopped while the incident stays open (time to mitigate). */
    record Mitigated(String note) implements Fact {
    }

    record CommanderAssigned(String commander, String previous) implements Fact {
    }

    /**
     * The incident entered stage {@code to} ({@code follow-up} after the last window) from {@code from}.
     * {@code cause} is how: declared, catch-up, timer, advance or reopen. For timer and catch-up entries
     * {@code deadline} is when the window ended and {@code latenessMs} how much later it fired.
     */
    record StageEntered(String from, String to, String cause, Instant deadline, Long latenessMs, String reason)
            implements Fact {

        /** The stage's window ended (or had ended at declaration) rather than someone moving it. */
        public boolean byTheClock() {
            return deadline != null;
        }
    }

    /** The last window ended with the incident still open. */
    record GoldenWindowMissed(Instant goldenWindowEnd) implements Fact {
    }

    /** Resolved in {@code stage}, with the responder's {@code summary}. */
    record Resolved(String stage, String summary) implements Fact {
    }

    record Reopened(String note) implements Fact {
    }

    record Closed(String note) implements Fact {
    }

    /** A runbook step marked done, skipped or failed ({@code outcome}), with an optional note. */
    record StepMarked(String stage, String step, String outcome, String note) implements Fact {
    }

    /** A responder's note; its text is the entry's summary. */
    record Note() implements Fact {
    }

    // --- what other modules found out about the incident

    /**
     * A runbook check of {@code stage} changed state ({@code pending}, {@code passed}, {@code failed},
     * {@code not-measured}) because of {@code result}, or for the {@code reasons} given.
     */
    record CheckChanged(String check, String stage, String title, String from, String to, List<Reason> reasons,
            ProbeSeen result) implements Fact {
    }

    /**
     * Why something failed: in English ({@code text}), and as a message {@code code} with its {@code args} that
     * says it in the reader's language. Entries written before reasons had codes hold the text alone.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Reason(String text, String code, List<String> args) {

        public Reason {
            args = args == null ? List.of() : List.copyOf(args);
        }

        /** A reason as it was written, with no code (how entries before codes read). */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Reason said(String text) {
            return new Reason(text, null, List.of());
        }
    }

    /**
     * The evidence points at a fault {@code boundary} by {@code rule}; with no rule the earlier diagnosis
     * ({@code from}) was withdrawn because the evidence no longer matches one.
     */
    record DiagnosisChanged(String from, String rule, String boundary, String title, List<CheckSeen> evidence)
            implements Fact {

        public boolean withdrawn() {
            return rule == null;
        }
    }

    /** A probe result as a fact names it. */
    record ProbeSeen(String id, String submitter, String type, String target, String path, Boolean success,
            Instant startedAt) {
    }

    /** A check as a diagnosis cites it: its state and the result that decided it. */
    record CheckSeen(String check, String state, ProbeSeen result) {
    }

    /**
     * Alerts of a group ({@code source} and its {@code key}, named {@code title}) fire: {@code alerts} are the new ones by
     * fingerprint, {@code rule} the routing rule when they opened the incident; the rest is what the
     * sender said (Alertmanager: receiver, group labels, URLs; an Events-API event: severity, source, URL).
     */
    record AlertFiring(String source, String key, String title, List<String> alerts, String rule, String receiver,
            Map<String, String> groupLabels, String externalURL, List<String> generatorURLs, String severity,
            String eventSource, String clientUrl) implements Fact {
    }

    /** The alerts of a group resolved at their source; Alertmanager says its receiver, group labels and URL. */
    record AlertResolved(String receiver, Map<String, String> groupLabels, String externalURL) implements Fact {
    }

    /** A monitor's results fail on {@code agents} (it opened the incident, or fails again), or pass again on them. */
    record MonitorChanged(String monitor, boolean failing, List<String> agents) implements Fact {
    }

    /**
     * The escalation policy {@code policy} paged {@code people} at {@code level} (of repeat {@code round}); {@code ended}:
     * nobody acknowledged after its last level, and paging stopped.
     */
    record Paged(String policy, int level, int round, List<String> people, boolean ended) implements Fact {
    }

    /**
     * None of {@code person}'s channels worked for the page at {@code level} (of repeat {@code round}), or they have
     * none; {@code why} says what each answered. {@code escalating}: nobody else on the level could be reached either.
     */
    record Unreached(String person, int level, int round, String why, boolean escalating) implements Fact {
    }

    /**
     * A temporary change was recorded in the incident's ledger: {@code category} (goproxy-switched…), what and where,
     * who undoes it by when; {@code step} the runbook step ({@code stage/step}) that made it, if one did.
     */
    record WorkaroundRecorded(long workaround, String category, String what, String where, String owner, Instant revertBy,
            String step) implements Fact {
    }

    /** A workaround was undone ({@code reverted}), or left in place with {@code note} saying why. */
    record WorkaroundClosed(long workaround, String what, boolean reverted, String note) implements Fact {
    }

    /** A workaround is still in place after its revert-by time; its owner was told. */
    record WorkaroundOverdue(long workaround, String what, String owner, Instant revertBy) implements Fact {
    }

    /**
     * What an agent did with a drill's fault on its machine: {@code state} injected (until {@code until}), removed,
     * or refused; {@code where} the addresses or rules it touched, {@code detail} the commands or why not.
     */
    record DrillFault(String agent, String fault, String target, String state, String where, String detail, Instant until)
            implements Fact {
    }

    /** A responder asked the agents to run the probes of {@code stage} again. */
    record ProbesRequested(String stage) implements Fact {
    }

    /** A log line pinned to the incident as evidence; {@code message} is cut at 2,000 characters. */
    record LinePinned(String line, Instant ts, String service, String host, String level, String message)
            implements Fact {
    }

    /**
     * An entry of a kind this version does not know (written by a newer replica during a rolling upgrade);
     * its details are kept as they were stored.
     */
    record Unrecognised(String kind, @JsonValue Map<String, Object> details) implements Fact {
    }
}
