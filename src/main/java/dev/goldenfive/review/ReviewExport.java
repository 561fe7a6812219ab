package dev.goldenfive.review;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.timeline.TimelineEntry;
import dev.goldenfive.workaround.Workarounds;

/** A review with its incident's figures and timeline, as Markdown (to paste into a wiki) or JSON (for tools). */
@Component
class ReviewExport {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Map<Section, String> HEADINGS = Map.of(Section.SUMMARY, "Summary", Section.IMPACT, "Impact",
            Section.ROOT_CAUSE, "Root cause", Section.WENT_WELL, "What went well", Section.WENT_BADLY, "What went badly",
            Section.CONTRIBUTING_FACTORS, "Contributing factors");

    private static final Map<IncidentFigures.Outcome, String> OUTCOMES = Map.of(IncidentFigures.Outcome.ON_TIME, "on time",
            IncidentFigures.Outcome.OVER, "window ran out", IncidentFigures.Outcome.CURRENT, "current",
            IncidentFigures.Outcome.SKIPPED, "not entered");

    private final ReviewDocuments documents;
    private final Workarounds workarounds;
    private final JsonMapper json;

    ReviewExport(ReviewDocuments documents, Workarounds workarounds, JsonMapper json) {
        this.documents = documents;
        this.workarounds = workarounds;
        this.json = json;
    }

    /** The export of an incident's review in {@code format} (markdown or json), as a download named after it. */
    ResponseEntity<String> download(String key, String format) {
        ReviewDocuments.Export read = documents.export(key);
        boolean markdown = format.equals("markdown");
        return ResponseEntity.ok()
                .contentType(markdown ? new MediaType("text", "markdown", StandardCharsets.UTF_8) : MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + key + "-review." + (markdown ? "md" : "json") + "\"")
                .body(markdown ? markdown(read.document(), read.timeline()) : json(read.document(), read.timeline()));
    }

    /** The incident's workarounds, which the review lists as action items (undo each). */
    private List<Workarounds.Workaround> workarounds(ReviewDocuments.Document doc) {
        return workarounds.forIncident(doc.ref().key());
    }

    String markdown(ReviewDocuments.Document doc, List<TimelineEntry> timeline) {
        var i = doc.incident();
        var f = doc.figures();
        var r = doc.review();
        StringBuilder md = new StringBuilder();
        md.append("# ").append(i.drill() != null ? "[DRILL] " : "").append(i.key()).append(" · ").append(line(i.title()))
                .append(" — post-incident review\n\n");
        if (i.drill() != null) {
            md.append("- Drill: ").append(line(i.drill().scenario())).append(" (").append(i.drill().fault().label()).append(")\n");
        }
        md.append("- Service: ").append(line(i.service())).append(" · environment: ").append(line(i.environment()))
                .append(" · severity: ").append(i.severity()).append('\n');
        md.append("- Runbook: ").append(line(i.runbook().title())).append(" v").append(i.runbook().version()).append('\n');
        md.append("- Status: ").append(i.status()).append(" · review ").append(r.status().label());
        if (r.completedAt() != null) {
            md.append(" by ").append(r.completedBy()).append(" at ").append(time(r.completedAt()));
        }
        md.append("\n- Started (t0): ").append(time(i.startedAt())).append(" UTC\n\n");

        md.append("## Key figures\n\n| Figure | Value |\n|---|---|\n");
        row(md, "Time to acknowledge", IncidentFigures.words(f.timeToAcknowledge()));
        row(md, "Time to mitigate", IncidentFigures.words(f.timeToMitigate()));
        row(md, "Time to resolve", IncidentFigures.words(f.timeToResolve()));
        row(md, "Golden window", IncidentFigures.goldenWindow(f.goldenWindowMet(doc.now())) + " (ends t0 + "
                + IncidentFigures.words(Duration.between(f.startedAt(), f.goldenWindowEnd())) + ")");
        row(md, "Resolved in stage", f.resolvingStage() == null ? "—" : stageTitle(doc.runbook(), f.resolvingStage()));
        md.append('\n');

        md.append("## Stages\n\n| Stage | Window | Time spent | Outcome |\n|---|---|---|---|\n");
        for (IncidentFigures.StageTime stage : f.stages()) {
            String window = stage.windowStart() == null ? "after the golden window"
                    : "t0 + " + stage.windowStart() + " s – " + stage.windowEnd() + " s";
            md.append("| ").append(cell(stage.title())).append(" | ").append(window).append(" | ")
                    .append(IncidentFigures.words(stage.spent())).append(" | ").append(OUTCOMES.get(stage.outcome())).append(" |\n");
        }
        md.append('\n');

        md.append("## Diagnosis\n\n");
        if (f.diagnosis() == null) {
            md.append("No diagnosis rule matched the evidence.\n\n");
        }
        else {
            md.append("**").append(f.diagnosis().boundary()).append("** — ").append(line(f.diagnosis().title()))
                    .append(" (rule ").append(f.diagnosis().rule()).append(", ").append(time(f.diagnosis().at())).append(" UTC)\n\n");
            for (Fact.CheckSeen check : f.diagnosis().evidence()) {
                md.append("- check ").append(check.check()).append(": ").append(check.state()).append('\n');
            }
            md.append('\n');
        }

        for (Section section : List.of(Section.SUMMARY, Section.IMPACT, Section.ROOT_CAUSE, Section.WENT_WELL,
                Section.WENT_BADLY, Section.CONTRIBUTING_FACTORS)) {
            md.append("## ").append(HEADINGS.get(section)).append("\n\n");
            if (section == Section.ROOT_CAUSE && r.rootCauseCategory() != null) {
                md.append("Category: ").append(r.rootCauseCategory()).append("\n\n");
            }
            String text = r.section(section.field());
            md.append(text.isBlank() ? "_Not written._" : text.strip()).append("\n\n");
        }

        md.append("## Action items\n\n");
        List<Workarounds.Workaround> undo = workarounds(doc);
        if (r.actionItems().isEmpty() && undo.isEmpty()) {
            md.append("None.\n\n");
        }
        else {
            md.append("| Title | Owner | Due | Status | Link |\n|---|---|---|---|---|\n");
            for (ReviewView.Item item : r.actionItems()) {
                md.append("| ").append(cell(item.title())).append(" | ").append(cell(item.owner())).append(" | ")
                        .append(item.due() == null ? "" : item.due()).append(item.overdue() ? " (overdue)" : "").append(" | ")
                        .append(item.status().label()).append(" | ").append(cell(item.link())).append(" |\n");
            }
            for (Workarounds.Workaround w : undo) {
                md.append("| ").append(cell("Undo the workaround: " + w.what() + " (" + w.where() + ")")).append(" | ").append(cell(w.owner()))
                        .append(" | ").append(time(w.revertBy())).append(w.overdue() ? " (overdue)" : "").append(" | ")
                        .append(w.open() ? "open" : w.status().equals("reverted") ? "undone" : cell("left in place: " + w.note()))
                        .append(" | |\n");
            }
            md.append('\n');
        }

        md.append("## Timeline (UTC)\n\n| Time | t0 + | Kind | Who | What |\n|---|---|---|---|---|\n");
        for (TimelineEntry e : timeline) {
            md.append("| ").append(time(e.at())).append(" | ").append(IncidentFigures.words(Duration.between(f.startedAt(), e.at())))
                    .append(" | ").append(e.kind()).append(" | ").append(cell(e.actor().id())).append(" | ")
                    .append(cell(e.summary())).append(" |\n");
        }
        if (timeline.size() == ReviewDocuments.MAX_EXPORTED_ENTRIES) {
            md.append("\n_The first ").append(ReviewDocuments.MAX_EXPORTED_ENTRIES).append(" entries; the API pages through the rest._\n");
        }
        if (r.updatedAt() != null) {
            md.append("\n_Review last edited by ").append(r.updatedBy()).append(" at ").append(time(r.updatedAt())).append(" UTC._\n");
        }
        return md.toString();
    }

    String json(ReviewDocuments.Document doc, List<TimelineEntry> timeline) {
        var f = doc.figures();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("timeToAcknowledgeSeconds", seconds(f.timeToAcknowledge()));
        figures.put("timeToMitigateSeconds", seconds(f.timeToMitigate()));
        figures.put("timeToResolveSeconds", seconds(f.timeToResolve()));
        figures.put("goldenWindowEnd", f.goldenWindowEnd());
        figures.put("goldenWindow", IncidentFigures.goldenWindow(f.goldenWindowMet(doc.now())));
        figures.put("resolvingStage", f.resolvingStage());
        figures.put("stages", f.stages().stream().map(s -> {
            Map<String, Object> stage = new LinkedHashMap<>();
            stage.put("stage", s.key());
            stage.put("title", s.title());
            stage.put("windowStartSeconds", s.windowStart());
            stage.put("windowEndSeconds", s.windowEnd());
            stage.put("spentSeconds", seconds(s.spent()));
            stage.put("outcome", s.outcome().label());
            stage.put("spans", s.spans());
            return stage;
        }).toList());
        figures.put("diagnosis", f.diagnosis());
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("incident", doc.incident());
        document.put("figures", figures);
        document.put("review", doc.review());
        document.put("workarounds", workarounds(doc));
        document.put("timeline", timeline);
        document.put("timelineComplete", timeline.size() < ReviewDocuments.MAX_EXPORTED_ENTRIES);
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(document);
    }

    private static String stageTitle(Runbook runbook, String key) {
        return Runbook.FOLLOW_UP.equals(key) ? "Follow-up" : runbook.findStage(key).map(Runbook.Stage::title).orElse(key);
    }

    private static Double seconds(Duration duration) {
        return duration == null ? null : duration.toMillis() / 1000.0;
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String time(Instant at) {
        return TIME.format(at);
    }

    /** Text inside a table cell: one line, pipes escaped. */
    private static String cell(String text) {
        return text == null ? "" : line(text).replace("|", "\\|");
    }

    private static String line(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ");
    }
}
