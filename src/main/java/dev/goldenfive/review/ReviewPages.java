package dev.goldenfive.review;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.validation.Valid;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.context.support.DefaultMessageSourceResolvable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.goldenfive.incident.TimelineWords;
import dev.goldenfive.timeline.Timeline;
import dev.goldenfive.timeline.TimelineEntry;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidField;
import dev.goldenfive.web.InvalidFields;
import dev.goldenfive.workaround.Workarounds;

/**
 * The review page of an incident: its figures, the stages against their windows, the final diagnosis, the
 * review form, the edit history and the whole timeline, filterable by kind and actor. Works without scripts.
 */
@Controller
class ReviewPages {

    /** Timeline entries one page of the review shows. */
    static final int TIMELINE_PAGE = 500;

    private final Reviews reviews;
    private final ReviewDocuments documents;
    private final ReviewExport export;
    private final Timeline timeline;
    private final TimelineWords words;
    private final MessageSource messages;
    private final Workarounds workarounds;

    ReviewPages(Reviews reviews, ReviewDocuments documents, ReviewExport export, Timeline timeline, TimelineWords words,
            Workarounds workarounds, MessageSource messages) {
        this.messages = messages;
        this.workarounds = workarounds;
        this.reviews = reviews;
        this.documents = documents;
        this.export = export;
        this.timeline = timeline;
        this.words = words;
    }

    /** A duration in the reader's units. */
    private static String duration(Duration duration) {
        return IncidentFigures.words(duration, LocaleContextHolder.getLocale());
    }

    /** A timeline entry as the page shows it: when (and how long after t0), and in the reader's words. */
    record Line(TimelineEntry entry, String sinceStart, String text) {
    }

    /** One row of the stage chart, in the chart's units (0–1000 across the whole axis). */
    record ChartRow(IncidentFigures.StageTime stage, String spent, double windowX, double windowWidth, List<double[]> spans) {
    }

    @GetMapping("/incidents/{key}/review")
    String review(@PathVariable String key, @RequestParam(required = false) List<String> kind,
            @RequestParam(required = false) String actor, @RequestParam(defaultValue = "0") long after, Model model,
            Authentication caller) {
        ReviewDocuments.Document doc = documents.of(key);
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", ReviewForm.of(doc.review()));
        }
        Set<String> kinds = kind == null ? Set.of() : Set.copyOf(kind.stream().filter(k -> !k.isBlank()).toList());
        String by = actor == null || actor.isBlank() ? null : actor;
        List<TimelineEntry> entries = timeline.of(doc.ref().id(), kinds, by, after, TIMELINE_PAGE + 1);
        boolean more = entries.size() > TIMELINE_PAGE;
        List<TimelineEntry> shown = more ? entries.subList(0, TIMELINE_PAGE) : entries;
        model.addAttribute("doc", doc);
        model.addAttribute("figures", doc.figures());
        model.addAttribute("review", doc.review());
        model.addAttribute("workarounds", workarounds.forIncident(doc.ref().key()));
        model.addAttribute("tta", duration(doc.figures().timeToAcknowledge()));
        model.addAttribute("ttm", duration(doc.figures().timeToMitigate()));
        model.addAttribute("ttr", duration(doc.figures().timeToResolve()));
        model.addAttribute("goldenWindow", IncidentFigures.goldenWindow(doc.figures().goldenWindowMet(doc.now())));
        model.addAttribute("resolvingStage", doc.figures().resolvingStage() == null ? null
                : words.stageTitle(doc.runbook(), doc.figures().resolvingStage()));
        model.addAttribute("chart", chart(doc.figures()));
        model.addAttribute("timeline", shown.stream().map(e -> new Line(e,
                duration(Duration.between(doc.figures().startedAt(), e.at())), words.describe(e, doc.runbook()))).toList());
        model.addAttribute("nextAfter", more ? shown.getLast().id() : null);
        model.addAttribute("facets", timeline.facets(doc.ref().id()));
        model.addAttribute("kinds", kinds);
        model.addAttribute("actor", by);
        model.addAttribute("history", reviews.history(doc.ref()));
        model.addAttribute("mayEdit", reviews.mayEdit(doc.ref(), Reviews.Editor.of(caller)));
        model.addAttribute("categories", RootCauseCategory.values());
        model.addAttribute("itemStatuses", ActionItem.Status.values());
        model.addAttribute("required", doc.review().required());
        return "review/review";
    }

    /**
     * Saves the form; {@code action} also moves the status: submit (to in review), draft (back to started),
     * reopen (a completed review back to in review) or complete. Wrong input shows the form again with messages.
     */
    @PostMapping("/incidents/{key}/review")
    String save(@PathVariable String key, @RequestParam(defaultValue = "save") String action,
            @Valid @ModelAttribute("form") ReviewForm form, BindingResult errors, Model model, Authentication caller,
            RedirectAttributes redirect) {
        ReviewStatus status = switch (action) {
            case "submit", "reopen" -> ReviewStatus.IN_REVIEW;
            case "draft" -> ReviewStatus.STARTED;
            case "save", "complete" -> null;
            default -> throw new InvalidField("action", "must be save, submit, draft, complete or reopen");
        };
        List<Integer> rows = new ArrayList<>();
        // the reopen button sends no sections: it changes the status alone
        Review.Draft draft = action.equals("reopen") ? new Review.Draft(status, Map.of(), null, form.getVersion())
                : form.draft(status, errors, rows);
        if (!errors.hasErrors()) {
            Locale locale = LocaleContextHolder.getLocale();
            Reviews.Editor editor = Reviews.Editor.of(caller);
            try {
                ReviewView saved = reviews.edit(key, draft, editor);
                form.setVersion(saved.version());
                if (action.equals("complete")) {
                    reviews.complete(key, editor);
                }
                redirect.addFlashAttribute("notice", "review.done." + action);
                return "redirect:/incidents/" + key + "/review";
            }
            catch (InvalidField invalid) {
                errors.reject("invalid", onForm(FieldProblem.coded(invalid.field(), invalid.reason(messages, locale), null), rows, locale));
            }
            catch (InvalidFields invalid) {
                for (FieldProblem problem : invalid.problems()) {
                    errors.reject("invalid", onForm(problem, rows, locale));
                }
            }
            catch (ReviewProblems.ReviewIncomplete incomplete) {
                for (Section missing : incomplete.missing()) {
                    errors.rejectValue(missing.field(), "review.required.complete", "is required to complete the review");
                }
                errors.reject(ReviewProblems.MESSAGES + "incomplete", new Object[] {String.join(", ", incomplete.missing().stream()
                        .map(section -> messages.getMessage("review.section." + section.field(), null, section.field(), locale)).toList())},
                        incomplete.getBody().getDetail());
            }
            catch (ReviewProblems.EditConflict conflict) {
                errors.reject("review.problem.conflict", conflict.getDetailMessageArguments(), conflict.getBody().getDetail());
            }
            catch (ReviewProblems.ReviewCompleted | ReviewProblems.NotInReview | ReviewProblems.IncidentStillOpen refused) {
                errors.reject("refused", refused.updateAndGetBody(messages, locale).getDetail());
            }
        }
        if (action.equals("reopen")) {
            // the reopen button sends no text: show the review as it is now
            model.addAttribute("form", ReviewForm.of(reviews.view(key)));
        }
        else {
            // the rows stay as they were sent, so each message stays beside its row, and the typed text is shown
            // even when the review was completed meanwhile (to be copied: saving it needs the review read again)
            model.addAttribute("kept", true);
        }
        return review(key, null, null, 0, model, caller);
    }

    private static final Pattern DRAFT_ITEM = Pattern.compile("actionItems\\[(\\d+)](.*)");

    /**
     * A problem of the draft as the form shows it, in the reader's language: {@code actionItems[1].link} by the form's
     * row number (blank rows are left out of the draft), other fields by their labels.
     */
    private String onForm(FieldProblem problem, List<Integer> rows, Locale locale) {
        String reason = problem.say(messages, locale);
        var matcher = DRAFT_ITEM.matcher(problem.field());
        if (matcher.matches()) {
            String part = matcher.group(2).startsWith(".") ? matcher.group(2).substring(1) : matcher.group(2);
            return messages.getMessage("review.problem.onItem", new Object[] {rows.get(Integer.parseInt(matcher.group(1))) + 1,
                    matcher.group(2), reason, new DefaultMessageSourceResolvable(new String[] {"review.item." + part}, part)}, locale);
        }
        return messages.getMessage("review.problem.field", new Object[] {problem.field(), reason,
                new DefaultMessageSourceResolvable(new String[] {"review.field." + problem.field()}, problem.field())}, locale);
    }

    @GetMapping("/incidents/{key}/review.md")
    ResponseEntity<String> markdown(@PathVariable String key) {
        return export.download(key, "markdown");
    }

    @GetMapping("/incidents/{key}/review.json")
    ResponseEntity<String> json(@PathVariable String key) {
        return export.download(key, "json");
    }

    /** Stage windows and the stretches spent in each, on one axis from t0 to the later of the last window's end and now (or resolution). */
    private static List<ChartRow> chart(IncidentFigures figures) {
        Instant t0 = figures.startedAt();
        Instant end = figures.goldenWindowEnd();
        for (IncidentFigures.StageTime stage : figures.stages()) {
            for (IncidentFigures.Span span : stage.spans()) {
                end = span.to().isAfter(end) ? span.to() : end;
            }
        }
        double axis = Math.max(1, Duration.between(t0, end).toMillis());
        List<ChartRow> rows = new ArrayList<>();
        for (IncidentFigures.StageTime stage : figures.stages()) {
            double windowX = stage.windowStart() == null ? Duration.between(t0, figures.goldenWindowEnd()).toMillis() / axis * 1000
                    : stage.windowStart() * 1000_000.0 / axis;
            double windowWidth = stage.windowEnd() == null ? 1000 - windowX : (stage.windowEnd() - stage.windowStart()) * 1000_000.0 / axis;
            List<double[]> spans = stage.spans().stream().map(s -> new double[] {
                    Duration.between(t0, s.from()).toMillis() / axis * 1000,
                    Math.max(2, s.length().toMillis() / axis * 1000)}).toList();
            rows.add(new ChartRow(stage, duration(stage.spent()), windowX, windowWidth, spans));
        }
        return rows;
    }
}
