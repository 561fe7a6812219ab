package dev.goldenfive.incident;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

import dev.goldenfive.runbook.Runbook;
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

    @SuppressWarnings("unchecked")
    public String describe(TimelineEntry entry, Runbook runbook) {
        Map<String, Object> d = entry.details();
        String key = "timeline." + entry.kind();
        Object[] args = switch (entry.kind()) {
            case "declared" -> new Object[] {d.get("severity"), d.get("service"), d.get("environment")};
            case "acknowledged" -> new Object[] {entry.actor().id()};
            case "commander-assigned" -> new Object[] {d.get("commander")};
            case "stage-entered" -> {
                key += "." + d.get("cause");
                yield new Object[] {stageTitle(runbook, (String) d.get("to")), d.getOrDefault("latenessMs", ""),
                        d.getOrDefault("reason", "")};
            }
            case "resolved" -> new Object[] {stageTitle(runbook, (String) d.get("stage")), d.get("summary")};
            case "mitigated", "reopened", "closed" -> new Object[] {note(d)};
            case "step-marked" -> new Object[] {
                    runbook.step((String) d.get("stage"), (String) d.get("step")).map(Runbook.Step::title).orElse((String) d.get("step")),
                    message("step." + d.get("outcome")), note(d)};
            case "golden-window-missed" -> new Object[0];
            case "check-changed" -> new Object[] {d.get("title"), message("check." + d.get("to")),
                    d.containsKey("reasons") ? String.join("; ", (List<String>) d.get("reasons")) : resultWords(d)};
            case "diagnosis-changed" -> {
                if (!d.containsKey("rule")) {
                    key += ".withdrawn";
                    yield new Object[0];
                }
                yield new Object[] {message("boundary." + ((String) d.get("boundary")).toUpperCase(Locale.ROOT).replace('-', '_')),
                        d.get("title")};
            }
            default -> null;
        };
        return args == null ? entry.summary() : messages.getMessage(key, args, entry.summary(), LocaleContextHolder.getLocale());
    }

    /** A stage's title in the reader's language (follow-up) or the runbook's. */
    public String stageTitle(Runbook runbook, String stageKey) {
        return Runbook.FOLLOW_UP.equals(stageKey) ? message("stage.followUp")
                : runbook.findStage(stageKey).map(Runbook.Stage::title).orElse(stageKey);
    }


    /** Who sent the result a check-changed entry names, along which path, to what. */
    @SuppressWarnings("unchecked")
    private static String resultWords(Map<String, Object> details) {
        Map<String, Object> r = (Map<String, Object>) details.get("result");
        return r == null ? "" : r.get("submitter") + ", " + r.get("path") + ", " + r.get("target");
    }


    /** A person's note after a dash, or nothing. */
    private static String note(Map<String, Object> details) {
        return details.containsKey("note") ? "— " + details.get("note") : "";
    }

    private String message(String key, Object... args) {
        return messages.getMessage(key, args, LocaleContextHolder.getLocale());
    }
}
