package dev.goldenfive.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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

import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.StreamAccess;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.web.StrictStrings;

/**
 * The incident pages: the dashboard, the declare form and the guided incident page. Every action is a plain
 * form that works without JavaScript; scripts add the live countdown on top.
 */
@Controller
class IncidentPages {

    static final int LIST_SIZE = 50;

    private final IncidentCommands commands;
    private final Incidents incidents;
    private final StreamAccess streamAccess;
    private final Runbooks runbooks;
    private final MessageSource messages;
    private final LivePages live;
    private final Clock clock;

    IncidentPages(IncidentCommands commands, Incidents incidents, Runbooks runbooks, MessageSource messages, LivePages live,
            Clock clock, StreamAccess streamAccess) {
        this.streamAccess = streamAccess;
        this.live = live;
        this.commands = commands;
        this.incidents = incidents;
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
            @Pattern(regexp = "|\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}", message = "must look like 2026-11-25 14:05 (UTC)") String startedAtUtc,
            @Pattern(regexp = "|" + IncidentContext.TARGET, message = "must be a URL of a host, such as https://proxy.golang.org") String goproxy,
            @Pattern(regexp = "|" + IncidentContext.MODULE, message = "must be a module path, such as golang.org/x/text") String module,
            @Pattern(regexp = "|" + IncidentContext.PRIVATE, message = "must be module path patterns as GOPRIVATE takes them") String goprivate) {

        /** What the probes need to know, as far as it was given. */
        Map<String, String> context() {
            Map<String, String> context = new TreeMap<>();
            for (String[] entry : new String[][] {{"goproxy", goproxy}, {"module", module}, {"goprivate", goprivate}}) {
                if (entry[1] != null && !entry[1].isBlank()) {
                    context.put(entry[0], entry[1].strip());
                }
            }
            return context;
        }

        /** An exact start wins over the quick choices. */
        Instant startedAt(Instant now) {
            return startedAtUtc == null || startedAtUtc.isBlank() ? now.minus(Duration.ofMinutes(startedMinutesAgo))
                    : LocalDateTime.parse(startedAtUtc.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        }
    }

    @GetMapping("/")
    String dashboard(Model model) {
        live.dashboard(model.asMap());
        return "incident/dashboard";
    }

    /** A live update of the dashboard: both lists again (a few hundred rows at most). */
    @GetMapping("/live")
    String dashboardLive(Model model) {
        live.dashboard(model.asMap());
        return "incident/dashboard-live";
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
            model.addAttribute("form", new DeclareForm("", "", "prod", Severity.SEV2, IncidentCommands.DEFAULT_RUNBOOK, 0, "", "", "", ""));
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
                        form.environment(), form.severity(), form.runbook(), null, startedAt, null, form.context(), null),
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
        live.page(model.asMap(), IncidentKey.of(key), LivePages.canAct(viewer));
        return "incident/incident";
    }

    /**
     * A live update of the incident page, as {@link LivePages#update} makes it, for a page that asks (when a
     * deadline it shows has passed). {@code touched}: what changed without an entry ({@code evidence},
     * {@code trace-ids}, or {@code all}).
     */
    @GetMapping("/incidents/{key}/live")
    String live(@PathVariable String key, @RequestParam(defaultValue = "0") long after,
            @RequestParam(defaultValue = "") String touched, Model model, Authentication viewer) {
        live.update(model.asMap(), IncidentKey.of(key), after, IncidentPanel.Touch.parse(touched), LivePages.canAct(viewer));
        return "incident/live";
    }

    /**
     * Server-sent events when this incident changes, on any replica. A page names the newest entry it shows
     * ({@code after}) and is sent its panels, rendered for its reader; without it, each event names the newest entry.
     */
    @GetMapping(value = "/incidents/{key}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter incidentEvents(@PathVariable String key, @RequestParam(required = false) Long after,
            @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId, HttpServletRequest request,
            Authentication viewer, Model model) {
        IncidentKey incident = IncidentKey.of(key);
        if (after == null) {
            return incidents.changes(incident, lastEventId, streamAccess.whileAllowed(request));
        }
        return incidents.pageChanges(incident, after, lastEventId, streamAccess.whileAllowed(request),
                live.incidentUpdates(incident, reader(viewer, model)));
    }

    /** Server-sent events when any incident changes, for the dashboard: with {@code after}, its lists as they now are. */
    @GetMapping(value = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter allEvents(@RequestParam(required = false) Long after,
            @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId, HttpServletRequest request,
            Authentication viewer, Model model) {
        if (after == null) {
            return incidents.changes(null, lastEventId, streamAccess.whileAllowed(request));
        }
        return incidents.pageChanges(null, after, lastEventId, streamAccess.whileAllowed(request),
                live.dashboardUpdates(reader(viewer, model)));
    }

    private static LivePages.Reader reader(Authentication viewer, Model model) {
        return new LivePages.Reader(LocaleContextHolder.getLocale(), LivePages.canAct(viewer), model.getAttribute("viewer"));
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

}
