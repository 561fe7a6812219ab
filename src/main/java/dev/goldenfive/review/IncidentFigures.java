package dev.goldenfive.review;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.timeline.Timeline;
import dev.goldenfive.timeline.TimelineEntry;

/**
 * What an incident's timeline says in figures, read from its entries alone (and its runbook's windows), so
 * the review page, the export and the reports agree. All times are measured from t0, the incident's start.
 *
 * @param acknowledgedAt  the first acknowledgement
 * @param mitigatedAt     the first mitigation or the first resolution, whichever came first (impact stops no later)
 * @param resolvedAt      the last resolution, when it was not reopened after it
 * @param goldenWindowEnd when the runbook's last window ends
 * @param resolvingStage  the stage the incident was in when it was last resolved
 * @param stages          each runbook stage (and follow-up, once entered) with the time spent in it
 * @param diagnosis       the last diagnosis a rule matched, if any (kept when later withdrawn)
 */
public record IncidentFigures(Instant startedAt, Instant acknowledgedAt, Instant mitigatedAt, Instant resolvedAt,
        Instant goldenWindowEnd, String resolvingStage, List<StageTime> stages, FinalDiagnosis diagnosis) {

    /** The facts (kinds of timeline entry) the figures are made of. */
    public static final List<Class<? extends Fact>> KINDS = List.of(Fact.Acknowledged.class, Fact.Mitigated.class,
            Fact.StageEntered.class, Fact.Resolved.class, Fact.Reopened.class, Fact.DiagnosisChanged.class);

    /** How a stage went against its window. */
    public enum Outcome {
        /** Left (moved on or resolved) before its window ended. */
        ON_TIME,
        /** Its window ended first (follow-up always: it lies beyond the golden window). */
        OVER,
        /** The incident is in it now and its window has not ended. */
        CURRENT,
        /** Never entered. */
        SKIPPED;

        public String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /** A stretch of time in one stage. */
    public record Span(Instant from, Instant to) {

        public Duration length() {
            return Duration.between(from, to);
        }
    }

    /**
     * One stage: its window in seconds from t0 (absent for follow-up), the stretches spent in it and how it went.
     */
    public record StageTime(String key, String title, Integer windowStart, Integer windowEnd, List<Span> spans,
            Outcome outcome) {

        public Duration spent() {
            return spans.stream().map(Span::length).reduce(Duration.ZERO, Duration::plus);
        }
    }

    /** The rule that matched last, the fault boundary it names, and the check results behind it. */
    public record FinalDiagnosis(Instant at, String rule, String boundary, String title, List<Fact.CheckSeen> evidence) {
    }

    public Duration timeToAcknowledge() {
        return since(acknowledgedAt);
    }

    public Duration timeToMitigate() {
        return since(mitigatedAt);
    }

    public Duration timeToResolve() {
        return since(resolvedAt);
    }

    /** True when resolved before the last window ended, false once that is impossible, null while it may still be. */
    public Boolean goldenWindowMet(Instant now) {
        return goldenWindowMet(resolvedAt, goldenWindowEnd, now);
    }

    static Boolean goldenWindowMet(Instant resolvedAt, Instant goldenWindowEnd, Instant now) {
        if (resolvedAt != null) {
            return resolvedAt.isBefore(goldenWindowEnd);
        }
        return now.isBefore(goldenWindowEnd) ? null : false;
    }

    /** The golden window in a word: met, missed, or pending while it may still be met. */
    static String goldenWindow(Boolean met) {
        return met == null ? "pending" : met ? "met" : "missed";
    }

    private Duration since(Instant at) {
        return at == null ? null : Duration.between(startedAt, at);
    }

    /** An incident's entries of {@link #KINDS}, all of them, in order. */
    public static List<TimelineEntry> entries(Timeline timeline, long incidentId) {
        return timeline.all(incidentId, KINDS, Integer.MAX_VALUE);
    }

    /** A duration as people read it: 45 s, 4 min 05 s, 2 h 05 min, 3 d 4 h; a dash when absent. */
    public static String words(Duration duration) {
        return words(duration, Locale.ENGLISH);
    }

    /** {@link #words(Duration)} in the reader's language: in Chinese 45 秒, 4 分 05 秒, 2 小时 05 分, 3 天 4 小时. */
    public static String words(Duration duration, Locale locale) {
        if (duration == null) {
            return "—";
        }
        Units u = "zh".equals(locale.getLanguage()) ? Units.CHINESE : Units.ENGLISH;
        long s = Math.max(0, duration.toSeconds());
        if (s < 60) {
            return s + " " + u.second();
        }
        if (s < 3600) {
            return s / 60 + " " + u.minute() + " " + String.format("%02d", s % 60) + " " + u.second();
        }
        if (s < 86_400) {
            return s / 3600 + " " + u.hour() + " " + String.format("%02d", s % 3600 / 60) + " " + u.minute();
        }
        return s / 86_400 + " " + u.day() + " " + s % 86_400 / 3600 + " " + u.hour();
    }

    /** The units of {@link #words(Duration, Locale)} in one language. */
    private record Units(String second, String minute, String hour, String day) {
        static final Units ENGLISH = new Units("s", "min", "h", "d");
        static final Units CHINESE = new Units("秒", "分", "小时", "天");
    }

    /** The figures of an incident that started at {@code startedAt}, from its entries of {@link #KINDS} in order. */
    public static IncidentFigures of(Instant startedAt, Runbook runbook, List<TimelineEntry> entries, Instant now) {
        Instant acknowledged = null;
        Instant mitigated = null;
        Instant firstResolved = null;
        Instant resolved = null;
        String resolvingStage = null;
        FinalDiagnosis diagnosis = null;
        Map<String, List<Span>> spans = new LinkedHashMap<>();
        String current = null;
        String last = null;
        Instant since = null;
        for (TimelineEntry entry : entries) {
            switch (entry.fact()) {
                case Fact.Acknowledged ignored -> acknowledged = acknowledged == null ? entry.at() : acknowledged;
                case Fact.Mitigated ignored -> mitigated = mitigated == null ? entry.at() : mitigated;
                case Fact.StageEntered stage -> {
                    Instant entered = enteredAt(stage, entry.at(), startedAt);
                    if (current != null) {
                        add(spans, current, since, entered);
                    }
                    current = stage.to();
                    last = current;
                    since = entered;
                }
                case Fact.Resolved resolution -> {
                    if (current != null) {
                        add(spans, current, since, entry.at());
                    }
                    current = null;
                    firstResolved = firstResolved == null ? entry.at() : firstResolved;
                    resolved = entry.at();
                    resolvingStage = resolution.stage();
                }
                case Fact.Reopened ignored -> {
                    current = last;
                    since = entry.at();
                    resolved = null;
                    resolvingStage = null;
                }
                // a withdrawal (the evidence no longer matches, often because the fix worked) keeps the last match
                case Fact.DiagnosisChanged changed -> diagnosis = changed.withdrawn() ? diagnosis
                        : new FinalDiagnosis(entry.at(), changed.rule(), changed.boundary(), changed.title(),
                                changed.evidence() == null ? List.of() : changed.evidence());
                default -> {
                }
            }
        }
        boolean open = current != null;
        if (open) {
            add(spans, current, since, now);
        }
        List<StageTime> stages = new ArrayList<>();
        for (Runbook.Stage stage : runbook.stages()) {
            List<Span> in = spans.getOrDefault(stage.key(), List.of());
            Instant windowEnd = startedAt.plusSeconds(stage.endSeconds());
            Outcome outcome = in.isEmpty() ? Outcome.SKIPPED
                    : in.getLast().to().isBefore(windowEnd) ? (open && stage.key().equals(current) ? Outcome.CURRENT : Outcome.ON_TIME)
                    : Outcome.OVER;
            stages.add(new StageTime(stage.key(), stage.title(), stage.startSeconds(), stage.endSeconds(), List.copyOf(in), outcome));
        }
        if (spans.containsKey(Runbook.FOLLOW_UP)) {
            stages.add(new StageTime(Runbook.FOLLOW_UP, "Follow-up", null, null, List.copyOf(spans.get(Runbook.FOLLOW_UP)),
                    Outcome.OVER));
        }
        Instant goldenWindowEnd = startedAt.plusSeconds(runbook.stages().getLast().endSeconds());
        Instant impactStopped = mitigated == null || (firstResolved != null && firstResolved.isBefore(mitigated)) ? firstResolved : mitigated;
        return new IncidentFigures(startedAt, acknowledged, impactStopped, resolved,
                goldenWindowEnd, resolvingStage, List.copyOf(stages), diagnosis);
    }

    /** When the stage began: t0 for the first, the passed deadline for timer and catch-up entries, else the entry's time. */
    private static Instant enteredAt(Fact.StageEntered stage, Instant at, Instant startedAt) {
        if ("declared".equals(stage.cause())) {
            return startedAt;
        }
        return stage.byTheClock() ? stage.deadline() : at;
    }

    private static void add(Map<String, List<Span>> spans, String stage, Instant from, Instant to) {
        if (to.isAfter(from)) {
            spans.computeIfAbsent(stage, key -> new ArrayList<>()).add(new Span(from, to));
        }
    }
}
