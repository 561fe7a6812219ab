package dev.goldenfive.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.StreamAccess;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.timeline.Timeline;
import dev.goldenfive.timeline.TimelineEntry;
import dev.goldenfive.web.StrictStrings;

/**
 * The incident pages: the dashboard, the declare form and the guided incident page. Every action is a plain
 * form that works without JavaScript; scripts add the live countdown on top.
 */
@Controller
class IncidentPages {

    private static final Set<String> ACTING_ROLES = Set.of(Role.RESPONDER.authority(), Role.ADMIN.authority());
    static final int LIST_SIZE = 50;
    /** Timeline entries one live update brings at most. */
    static final int LIVE_ENTRIES = 200;

    private final IncidentCommands commands;
    private final Incidents incidents;
    private final StreamAccess streamAccess;
    private final Runbooks runbooks;
    private final MessageSource messages;
    private final List<IncidentPanel> panels;
    private final TimelineWords words;
    private final Clock clock;

    IncidentPages(IncidentCommands commands, Incidents incidents, Runbooks runbooks, MessageSource messages, List<IncidentPanel> panels,
            TimelineWords words, Clock clock, StreamAccess streamAccess) {
        this.streamAccess = streamAccess;
        this.words = words;
        this.commands = commands;
        this.incidents = incidents;
        this.panels = panels.stream().sorted(Comparator.comparingInt(IncidentPanel::order)).toList();
        this.runbooks = runbooks;
        this.messages = messages;
        this.clock = clock;
    }

    /** Responders and administrators declare and act; everyone signed in reads. */
    @Bean
    static AccessRules incidentPageAccess() {
        String[] roles = {Role.RESPONDER.name(), Role.ADMIN.name()};
        return paths -> paths
                .requestMatchers(HttpMethod.GET, "/incidents/new").hasAnyRole(roles)
                .requestMatchers(HttpMethod.POST, "/incidents", "/incidents/*/actions/*", "/incidents/*/notes",
                        "/incidents/*/steps/*/*").hasAnyRole(roles);
    }

    record DeclareForm(
            @NotBlank @Size(max = 200) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String title,
            @NotBlank @Size(max = 100) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String service,
            @NotBlank @Size(max = 50) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String environment,
            @NotNull Severity severity,
            @NotBlank String runbook,
            @NotNull @Min(0) @Max(24 * 60) Integer startedMinutesAgo,
            @Pattern(regexp = "|\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}", message = "must look like 2026-11-25 14:05 (UTC)") String startedAtUtc) {

        /** An exact start wins over the quick choices. */
        Instant startedAt(Instant now) {
            return startedAtUtc == null || startedAtUtc.isBlank() ? now.minus(Duration.ofMinutes(startedMinutesAgo))
                    : LocalDateTime.parse(startedAtUtc.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        }
    }

    @GetMapping("/")
    String dashboard(Model model) {
        dashboardModel(model);
        return "incident/dashboard";
    }

    /** A live update of the dashboard: both lists again (a few hundred rows at most). */
    @GetMapping("/live")
    String dashboardLive(Model model) {
        dashboardModel(model);
        return "incident/dashboard-live";
    }

    private void dashboardModel(Model model) {
        Instant now = clock.instant();
        List<IncidentSummary> open = incidents.items(query(Set.of(IncidentStatus.OPEN), 200));
        model.addAttribute("open", open);
        model.addAttribute("left", open.stream().filter(i -> i.nextDeadlineAt() != null)
                .collect(Collectors.toMap(IncidentSummary::key, i -> left(now, i.nextDeadlineAt()))));
        model.addAttribute("resolved", incidents.items(query(Set.of(IncidentStatus.RESOLVED, IncidentStatus.CLOSED), 10)));
        model.addAttribute("serverTime", now);
        model.addAttribute("lastEntry", incidents.newestEntryId());
    }

    /** Time left as the page shows it before scripts take over: {@code 4:05}, never negative. */
    static String left(Instant now, Instant deadline) {
        long seconds = IncidentView.secondsUntil(now, deadline);
        return seconds / 60 + ":" + String.format("%02d", seconds % 60);
    }

    /** The filters of the incidents list, as the form sends them (days in UTC, both ends included). */
    record ListFilter(@Size(max = 200) String q, IncidentStatus status, Severity severity, @Size(max = 100) String service,
            @Size(max = 50) String environment, @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to, @Min(0) @Max(100_000) Integer page) {

        Incidents.Query query() {
            return new Incidents.Query(status == null ? Set.of() : Set.of(status), blankToNull(service),
                    blankToNull(environment), severity, q, from == null ? null : from.atStartOfDay(ZoneOffset.UTC).toInstant(),
                    to == null ? null : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), page == null ? 0 : page, LIST_SIZE);
        }

        private static String blankToNull(String text) {
            return text == null || text.isBlank() ? null : text.strip();
        }
    }

    /** Every incident, newest first, by status, severity, service, environment, text and days; 50 a page. */
    @GetMapping("/incidents")
    String list(@Valid @ModelAttribute("filter") ListFilter filter, BindingResult errors, Model model) {
        if (!errors.hasErrors() && filter.from() != null && filter.to() != null && filter.to().isBefore(filter.from())) {
            errors.rejectValue("to", "order", message("incidents.filter.toBeforeFrom"));
        }
        model.addAttribute("statuses", IncidentStatus.values());
        model.addAttribute("severities", Severity.values());
        model.addAttribute("result", errors.hasErrors() ? null : incidents.list(filter.query()));
        return "incident/list";
    }

    @GetMapping("/incidents/new")
    String declareForm(Model model) {
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", new DeclareForm("", "", "prod", Severity.SEV2, IncidentCommands.DEFAULT_RUNBOOK, 0, ""));
        }
        model.addAttribute("runbooks", runbooks.list());
        model.addAttribute("severities", Severity.values());
        return "incident/declare";
    }

    @PostMapping("/incidents")
    String declare(@Valid @ModelAttribute("form") DeclareForm form, BindingResult errors, Model model,
            Authentication caller) {
        Instant startedAt = null;
        if (!errors.hasErrors()) {
            try {
                startedAt = form.startedAt(clock.instant());
            }
            catch (DateTimeParseException notADate) {
                errors.rejectValue("startedAtUtc", "incident.invalid.notADate", "is not a real date and time");
            }
        }
        if (!errors.hasErrors()) {
            try {
                IncidentView view = commands.declare(new IncidentCommands.Declaration(form.title(), form.service(),
                        form.environment(), form.severity(), form.runbook(), null, startedAt, null),
                        Actor.user(caller.getName()));
                return "redirect:/incidents/" + view.key();
            }
            catch (IncidentProblems.InvalidInput invalid) {
                String field = !"startedAt".equals(invalid.field()) ? invalid.field()
                        : form.startedAtUtc() == null || form.startedAtUtc().isBlank() ? "startedMinutesAgo" : "startedAtUtc";
                IncidentAdvice.asField(invalid).rejectInto(errors, field);
            }
        }
        return declareForm(model);
    }

    @GetMapping("/incidents/{key}")
    String incident(@PathVariable String key, Model model, Authentication viewer) {
        Incidents.Page page = incidents.page(IncidentKey.of(key), Timeline.MAX_PAGE);
        fill(model, page, panels, viewer);
        List<TimelineEntry> timeline = page.newestEntries();
        model.addAttribute("lastEntry", timeline.isEmpty() ? 0 : timeline.getFirst().id());
        return "incident/incident";
    }

    /**
     * A live update of the incident page: the panels that the change since entry {@code after} touched (the
     * incident's own panels when its state changed, all its steps only when its status did — a stage change moves
     * no step; a marked step alone; a module's panel when it says so; only new timeline entries for a note), the new
     * entries, and a notice when the stage changed. {@code touched}: what changed without an entry ({@code evidence},
     * {@code trace-ids}, or {@code all}). At most {@link #LIVE_ENTRIES} entries at a time; {@code data-more} asks for the rest.
     */
    @GetMapping("/incidents/{key}/live")
    String live(@PathVariable String key, @RequestParam(defaultValue = "0") long after,
            @RequestParam(defaultValue = "") String touched, Model model, Authentication viewer) {
        long known = Math.max(0, after);
        Set<IncidentPanel.Touch> touches = IncidentPanel.Touch.parse(touched);
        // the marks of the steps are read only when steps are shown again
        Incidents.Page page = incidents.pageSince(IncidentKey.of(key), known, LIVE_ENTRIES,
                facts -> new IncidentPanel.Change(facts, touches).stepsShown());
        List<TimelineEntry> entries = page.newestEntries();
        IncidentPanel.Change change = new IncidentPanel.Change(entries.stream().map(TimelineEntry::fact).toList(), touches);
        Set<String> render = new HashSet<>();
        if (change.stateChanged()) {
            render.addAll(Set.of("head", "stages", "actions"));
        }
        // a stage change moves no step: the page takes each stage box's state from the stage bar
        if (change.statusChanged()) {
            render.add("runbook");
        }
        model.addAttribute("markedSteps", change.statusChanged() ? List.of() : change.markedSteps().stream()
                .flatMap(marked -> page.runbook().step(marked.stage(), marked.step())
                        .map(step -> new MarkedStep(marked.stage(), step)).stream())
                .toList());
        fill(model, page, panels.stream().filter(panel -> panel.changedBy(change)).toList(), viewer);
        model.addAttribute("render", render);
        model.addAttribute("lastEntry", entries.isEmpty() ? known : entries.getFirst().id());
        model.addAttribute("more", entries.size() >= LIVE_ENTRIES);
        model.addAttribute("liveNotice", entries.stream()
                .filter(entry -> entry.fact() instanceof Fact.StageEntered)
                .findFirst()
                .map(entry -> words.describe(entry, page.runbook()))
                .orElse(null));
        return "incident/live";
    }

    /** What the page's panels show; the module panels only of {@code modules}. */
    private void fill(Model model, Incidents.Page page, List<IncidentPanel> modules, Authentication viewer) {
        IncidentView incident = page.incident();
        Runbook runbook = page.runbook();
        model.addAttribute("incident", incident);
        model.addAttribute("runbook", runbook);
        model.addAttribute("left", incident.nextDeadlineAt() == null ? null : left(incident.serverTime(), incident.nextDeadlineAt()));
        // the whole time axis, from t0 to the end of the last window: its length and how much has passed
        long axis = Duration.between(incident.startedAt(), incident.stages().getLast().endsAt()).toMillis();
        Instant upTo = incident.resolvedAt() != null ? incident.resolvedAt() : incident.serverTime();
        model.addAttribute("axis", new long[] {axis, Math.clamp(Duration.between(incident.startedAt(), upTo).toMillis(), 0, axis)});
        model.addAttribute("stageLeft", incident.stages().stream().collect(Collectors.toMap(
                IncidentView.StageWindow::key, w -> left(incident.serverTime(), w.endsAt()))));
        model.addAttribute("marks", incident.steps().stream()
                .collect(Collectors.toMap(m -> m.stage() + "/" + m.step(), m -> m)));
        model.addAttribute("timeline", page.newestEntries().stream()
                .map(entry -> new TimelineLine(entry, TimelineWords.CLOCK_TIME.format(entry.at()), words.describe(entry, runbook))).toList());
        model.addAttribute("canAct", viewer.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .anyMatch(ACTING_ROLES::contains));
        model.addAttribute("open", incident.status() == IncidentStatus.OPEN);
        model.addAttribute("allowed", incident.allowedActions().stream().map(IncidentAction::path).toList());
        model.addAttribute("stageBoxes", stageBoxes(incident, runbook));
        // each window's progress bar: its length and how much of it has passed, in milliseconds
        model.addAttribute("progress", incident.stages().stream().collect(Collectors.toMap(
                IncidentView.StageWindow::key, w -> {
                    long length = Duration.between(w.startsAt(), w.endsAt()).toMillis();
                    long passed = Duration.between(w.startsAt(), incident.serverTime()).toMillis();
                    long shown = switch (w.state()) {
                        case "passed" -> length;
                        case "current" -> Math.clamp(passed, 0, length);
                        default -> 0;
                    };
                    return new long[] {length, shown};
                })));
        model.addAttribute("panels", modules.stream()
                .map(panel -> new PanelView(panel.name(), panel.template(), panel.model(page.ref())))
                .toList());
    }

    record PanelView(String name, String template, Map<String, Object> data) {
    }

    /** One stage's steps on the page, in the state its window is in (passed, current, upcoming). */
    record StageBox(String key, String title, String goal, List<Runbook.Step> steps, String state) {
    }

    /** A step a live update shows again because it was marked. */
    record MarkedStep(String stageKey, Runbook.Step step) {
    }

    /** Every stage's box, and the follow-up's when it has steps or has begun. */
    private List<StageBox> stageBoxes(IncidentView incident, Runbook runbook) {
        Map<String, String> states = incident.stages().stream()
                .collect(Collectors.toMap(IncidentView.StageWindow::key, IncidentView.StageWindow::state));
        List<StageBox> boxes = new ArrayList<>(runbook.stages().stream()
                .map(stage -> new StageBox(stage.key(), stage.title(), stage.goal(), stage.steps(), states.get(stage.key())))
                .toList());
        boolean followingUp = Runbook.FOLLOW_UP.equals(incident.stage().key());
        if (followingUp || !runbook.followUp().isEmpty()) {
            boxes.add(new StageBox(Runbook.FOLLOW_UP, message("stage.followUp"), null, runbook.followUp(),
                    followingUp ? "current" : "upcoming"));
        }
        return boxes;
    }

    /** Server-sent events when this incident changes, on any replica; the page then refreshes itself. */
    @GetMapping(value = "/incidents/{key}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter incidentEvents(@PathVariable String key,
            @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId, HttpServletRequest request) {
        return incidents.changes(IncidentKey.of(key), lastEventId, streamAccess.whileAllowed(request));
    }

    /** Server-sent events when any incident changes, for the dashboard. */
    @GetMapping(value = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter allEvents(@RequestHeader(value = "Last-Event-ID", required = false) String lastEventId,
            HttpServletRequest request) {
        return incidents.changes(null, lastEventId, streamAccess.whileAllowed(request));
    }

    @PostMapping("/incidents/{key}/actions/{action}")
    String act(@PathVariable String key, @PathVariable String action, @RequestParam(required = false) String note,
            @RequestParam(required = false) String summary, @RequestParam(required = false) String reason,
            @RequestParam(required = false) String commander, Authentication caller, RedirectAttributes redirect) {
        IncidentAction known = IncidentAction.fromPath(action).orElseThrow(() -> new IncidentProblems.IncidentNotFound(key));
        return attempt(key, redirect, "incident.done." + known.path(), () -> commands.act(IncidentKey.of(key), known,
                new IncidentCommands.ActionInput(note, summary, reason, commander), Actor.user(caller.getName())));
    }

    @PostMapping("/incidents/{key}/notes")
    String note(@PathVariable String key, @RequestParam(defaultValue = "") String text, Authentication caller,
            RedirectAttributes redirect) {
        if (text.isBlank() || text.length() > 2000) {
            redirect.addFlashAttribute("error", message("incident.error.note"));
            return "redirect:/incidents/" + key + "#notes";
        }
        return attempt(key, redirect, "incident.done.note",
                () -> commands.addNote(IncidentKey.of(key), text, Actor.user(caller.getName())));
    }

    @PostMapping("/incidents/{key}/steps/{stage}/{step}")
    String markStep(@PathVariable String key, @PathVariable String stage, @PathVariable String step,
            @RequestParam String outcome, @RequestParam(required = false) String note, Authentication caller,
            RedirectAttributes redirect) {
        StepOutcome known = StepOutcome.fromLabel(outcome).orElse(null);
        if (known == null || (note != null && note.length() > 2000)) {
            redirect.addFlashAttribute("error", message("incident.error.step"));
            return "redirect:/incidents/" + key;
        }
        attempt(key, redirect, null, () -> commands.markStep(IncidentKey.of(key), stage, step, known, note, Actor.user(caller.getName())));
        return "redirect:/incidents/" + key + "#step-" + stage + "-" + step;
    }

    /** A timeline entry in the reader's language (a person's own words stay as they were written). */
    record TimelineLine(TimelineEntry entry, String time, String text) {
    }

    /** Runs a change and goes back to the incident, with a notice or the reason it was refused. */
    private String attempt(String key, RedirectAttributes redirect, String notice, Runnable change) {
        try {
            change.run();
            if (notice != null) {
                redirect.addFlashAttribute("notice", notice);
            }
        }
        catch (IncidentProblems.IncidentNotFound notFound) {
            throw notFound;
        }
        catch (IncidentProblems.Refused refused) {
            redirect.addFlashAttribute("error", IncidentAdvice.say(messages, refused));
        }
        catch (ErrorResponseException refused) {
            redirect.addFlashAttribute("error", refused.updateAndGetBody(messages, LocaleContextHolder.getLocale()).getDetail());
            // a refusal may name the page where what is missing is done (the review, for closing)
            Map<String, Object> properties = refused.getBody().getProperties();
            if (properties != null && properties.get("see") instanceof String page && page.startsWith("/")) {
                redirect.addFlashAttribute("errorLink", page);
            }
        }
        return "redirect:/incidents/" + key;
    }

    private String message(String key, Object... args) {
        return messages.getMessage(key, args, LocaleContextHolder.getLocale());
    }

    private static Incidents.Query query(Set<IncidentStatus> statuses, int size) {
        return new Incidents.Query(statuses, null, null, null, null, null, null, 0, size);
    }
}
