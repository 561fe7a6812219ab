package dev.goldenfive.incident;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.timeline.TimelineEntry;

/** Timeline entries in the reader's language, for every page that shows them; a person's own words stay as written. */
@Component
public class TimelineWords {

    private final MessageSource messages;

    TimelineWords(MessageSource messages) {
        this.messages = messages;
    }

    /** How the pages show the time of an entry. */
    public static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    public String describe(TimelineEntry entry, Runbook runbook) {
        String key = "timeline." + entry.kind();
        Object[] args = switch (entry.fact()) {
            case Fact.Declared d -> {
                key += Boolean.TRUE.equals(d.drill()) ? ".drill" : "";
                yield new Object[] {d.severity(), d.service(), d.environment()};
            }
            case Fact.Acknowledged ignored -> new Object[] {entry.actor().id()};
            case Fact.CommanderAssigned c -> new Object[] {c.commander()};
            case Fact.StageEntered s -> {
                key += "." + s.cause();
                yield new Object[] {stageTitle(runbook, s.to()), s.latenessMs() == null ? "" : s.latenessMs(),
                        s.reason() == null ? "" : s.reason()};
            }
            case Fact.Resolved r -> new Object[] {stageTitle(runbook, r.stage()), r.summary()};
            case Fact.Mitigated m -> new Object[] {note(m.note())};
            case Fact.Reopened r -> new Object[] {note(r.note())};
            case Fact.Closed c -> new Object[] {note(c.note())};
            case Fact.StepMarked s -> new Object[] {
                    runbook.step(s.stage(), s.step()).map(Runbook.Step::title).orElse(s.step()),
                    message("step." + s.outcome()), note(s.note())};
            case Fact.GoldenWindowMissed ignored -> new Object[0];
            case Fact.CheckChanged c -> new Object[] {c.title(), message("check." + c.to()),
                    c.reasons() != null && !c.reasons().isEmpty() ? say(c.reasons()) : resultWords(c.result())};
            case Fact.DiagnosisChanged d -> {
                if (d.withdrawn()) {
                    key += ".withdrawn";
                    yield new Object[0];
                }
                yield new Object[] {message("boundary." + d.boundary().toUpperCase(Locale.ROOT).replace('-', '_')), d.title()};
            }
            // entries written before alerts had a title say it only in their summary
            case Fact.AlertFiring a -> a.title() == null ? null
                    : new Object[] {a.source(), a.alerts() == null ? 0 : a.alerts().size(), a.title()};
            case Fact.AlertResolved ignored -> new Object[0];
            case Fact.LinePinned p -> new Object[] {p.service(), p.level(), excerpt(p.message())};
            case Fact.Paged p -> {
                key += p.ended() ? ".ended" : p.level() == 1 && p.round() == 0 ? ".first" : ".escalated";
                yield new Object[] {p.people() == null || p.people().isEmpty() ? message("paged.nobody") : String.join(", ", p.people()),
                        p.level(), p.policy()};
            }
            case Fact.Unreached u -> {
                key += u.escalating() ? ".escalating" : "";
                yield new Object[] {u.person(), u.level(), u.why()};
            }
            case Fact.WorkaroundRecorded w -> new Object[] {w.what(), w.where(), w.owner(), w.revertBy() == null ? "" : w.revertBy().toString()};
            case Fact.WorkaroundClosed w -> {
                key += w.reverted() ? ".reverted" : ".kept";
                yield new Object[] {w.what(), w.note() == null ? "" : w.note()};
            }
            case Fact.WorkaroundOverdue w -> new Object[] {w.what(), w.owner()};
            case Fact.DrillFault f -> {
                key += "." + f.state();
                yield new Object[] {f.agent(), f.fault(), f.target(), f.where() == null ? "" : f.where(), f.detail() == null ? "" : f.detail(),
                        f.until() == null ? "" : f.until().toString()};
            }
            case Fact.MonitorChanged m -> {
                key += m.failing() ? ".failing" : ".passing";
                yield new Object[] {m.monitor(), m.agents() == null ? 0 : m.agents().size()};
            }
            case Fact.ProbesRequested p -> new Object[] {entry.actor().id(), stageTitle(runbook, p.stage())};
            case Fact.Note ignored -> null;
            case Fact.Unrecognised ignored -> null;
        };
        return args == null ? entry.summary() : messages.getMessage(key, args, entry.summary(), LocaleContextHolder.getLocale());
    }

    /** A stage's title in the reader's language (follow-up) or the runbook's. */
    public String stageTitle(Runbook runbook, String stageKey) {
        return Runbook.FOLLOW_UP.equals(stageKey) ? message("stage.followUp")
                : runbook.findStage(stageKey).map(Runbook.Stage::title).orElse(stageKey);
    }


    /** Who sent the result a check-changed entry names, along which path, to what. */
    private static String resultWords(Fact.ProbeSeen result) {
        return result == null ? "" : result.submitter() + ", " + result.path() + ", " + result.target();
    }

    /** Reasons in the reader's language, where they have a code; as written where they do not. */
    private String say(List<Fact.Reason> reasons) {
        return reasons.stream()
                .map(r -> r.code() == null ? r.text() : messages.getMessage(r.code(), r.args().toArray(), r.text(),
                        LocaleContextHolder.getLocale()))
                .collect(Collectors.joining("; "));
    }

    /** The start of a pinned line, on one line. */
    private static String excerpt(String message) {
        String line = message == null ? "" : message.replace('\n', ' ');
        return line.length() <= 200 ? line : line.substring(0, 199) + "…";
    }

    /** A person's note after a dash, or nothing. */
    private static String note(String note) {
        return note == null ? "" : "— " + note;
    }

    private String message(String key, Object... args) {
        return messages.getMessage(key, args, LocaleContextHolder.getLocale());
    }
}
