package dev.goldenfive.incident;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.StreamAccess;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Timeline;
import dev.goldenfive.timeline.TimelineEntry;
import dev.goldenfive.web.StrictStrings;

/** Incidents over the API: responders and admins declare and act; everyone signed in reads. */
@RestController
@RequestMapping("/api/v1/incidents")
@Validated
@Tag(name = "Incidents", description = "Declare incidents, walk their stages, read their timelines")
class IncidentApi {

    static final int MAX_PAGE_SIZE = 200;

    private final IncidentCommands commands;
    private final Incidents incidents;
    private final StreamAccess streamAccess;

    IncidentApi(IncidentCommands commands, Incidents incidents, StreamAccess streamAccess) {
        this.commands = commands;
        this.incidents = incidents;
        this.streamAccess = streamAccess;
    }

    record DeclareRequest(
            @NotBlank @Size(max = 200) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String title,
            @NotBlank @Size(max = 100) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String service,
            @NotBlank @Size(max = 50) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String environment,
            @NotNull Severity severity,
            @Size(max = 63) String runbook,
            @Min(1) Integer runbookVersion,
            Instant startedAt,
            @Size(max = 64) String commander,
            @Size(max = IncidentContext.MAX_ENTRIES) Map<@Pattern(regexp = IncidentContext.NAME,
                    message = "names are 1–31 lower-case letters, digits, '_' or '-', starting with a letter") String,
                    @NotNull @Size(max = IncidentContext.MAX_VALUE) @Pattern(regexp = StrictStrings.PRINTABLE,
                            message = StrictStrings.PRINTABLE_MESSAGE) String> context,
            @Valid DrillRequest drill) {
    }

    /** A drill's scenario as the API takes it; its shapes and people are checked when it is declared. */
    record DrillRequest(@Size(max = 200) String scenario, Drill.Fault fault, @Size(max = 50) List<@Size(max = 253) String> targets,
            Integer port, @Size(max = 50) List<@Size(max = 64) String> agents, @Size(max = 50) List<@Size(max = 64) String> participants,
            @Size(max = 40) String expect, Integer faultMinutes) {

        Drill drill() {
            return new Drill(scenario, fault, targets, port, agents, participants, expect, faultMinutes);
        }
    }

    record ActionRequest(@Size(max = 2000) String note, @Size(max = 4000) String summary,
            @Size(max = 2000) String reason, @Size(max = 64) String commander) {
    }

    record NoteRequest(@NotBlank @Size(max = 2000) String text) {
    }

    record StepRequest(@NotNull @Pattern(regexp = "done|skipped|failed", message = "must be done, skipped or failed") String outcome,
            @Size(max = 2000) String note) {
    }

    /** Responders and administrators declare and act; managers (and every other signed-in person) read. */
    @Bean
    static AccessRules incidentAccess() {
        String[] roles = {Role.RESPONDER.name(), Role.ADMIN.name()};
        return paths -> paths.requestMatchers(HttpMethod.POST, "/api/v1/incidents", "/api/v1/incidents/*/actions/*",
                "/api/v1/incidents/*/notes", "/api/v1/incidents/*/steps/*/*").hasAnyRole(roles);
    }

    @PostMapping
    @Operation(summary = "Declare an incident or a drill", description = "It starts in the first stage of its runbook (default "
            + "go-module-download, latest version). With startedAt in the past, the stages whose windows already "
            + "ended are entered at once and recorded as catch-up. With `drill`, it is a drill: its scenario names the fault "
            + "(none, blackhole, dns, refuse, latency, loss), its targets and port, the agents that inject it (host labels), "
            + "the participants paged (none: nobody), the boundary the diagnosis should name (`expect`) and how long the fault "
            + "may stay (`faultMinutes`, 1–60, default 10). A drill is marked on every page and left out of the reports.")
    ResponseEntity<IncidentView> declare(@Valid @RequestBody DeclareRequest request, Authentication caller) {
        IncidentView view = commands.declare(new IncidentCommands.Declaration(request.title(), request.service(),
                request.environment(), request.severity(), request.runbook(), request.runbookVersion(),
                request.startedAt(), request.commander(), request.context(), request.drill() == null ? null : request.drill().drill()),
                actor(caller));
        return ResponseEntity.created(URI.create("/api/v1/incidents/" + view.key())).body(view);
    }

    @GetMapping
    @Operation(summary = "Incidents, newest first", description = "Filters: status, service, environment, severity, "
            + "q (text in the title, any case, or the incident's key), and a range of start times [from, to). Pages count from 0.")
    IncidentSummary.Page list(@RequestParam(required = false) IncidentStatus status,
            @RequestParam(required = false) String service, @RequestParam(required = false) String environment,
            @RequestParam(required = false) Severity severity,
            @RequestParam(required = false) @Size(max = 200) String q,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(MAX_PAGE_SIZE) int size) {
        return incidents.list(new Incidents.Query(status == null ? Set.of() : Set.of(status), service, environment,
                severity, q, from, to, page, size));
    }

    @GetMapping("/{key}")
    @Operation(summary = "An incident: its stages with absolute windows, the current stage and the time left")
    IncidentView get(@PathVariable String key) {
        return incidents.view(IncidentKey.of(key));
    }

    @PostMapping("/{key}/actions/{action}")
    @Operation(summary = "Act on an incident",
            description = "acknowledge | mitigate (note) | assign-commander (commander) | advance (reason, required) | resolve (summary, required) "
                    + "| reopen (note) | close (note). An action the incident's state does not allow is a 409 "
                    + "listing the allowed ones.")
    IncidentView act(@PathVariable String key,
            @Parameter(description = "acknowledge, mitigate, assign-commander, advance, resolve, reopen or close") @PathVariable String action,
            @Valid @RequestBody(required = false) ActionRequest request, Authentication caller) {
        IncidentAction known = IncidentAction.fromPath(action).orElseThrow(() -> new ErrorResponseException(
                HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No action '" + action
                        + "'; actions are acknowledge, mitigate, assign-commander, advance, resolve, reopen and close."), null));
        ActionRequest words = request == null ? new ActionRequest(null, null, null, null) : request;
        return commands.act(IncidentKey.of(key), known, new IncidentCommands.ActionInput(words.note(), words.summary(),
                words.reason(), words.commander()), actor(caller));
    }

    @GetMapping("/{key}/timeline")
    @Operation(summary = "The incident's timeline, oldest first", description = "after: only entries after this entry id "
            + "(to follow a timeline); limit: at most this many (1000 at most).")
    List<TimelineEntry> timeline(@PathVariable String key, @RequestParam(defaultValue = "0") @Min(0) long after,
            @RequestParam(defaultValue = "1000") @Min(1) @Max(Timeline.MAX_PAGE) int limit) {
        return incidents.timeline(IncidentKey.of(key), after, limit);
    }

    @GetMapping(value = "/{key}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Server-sent events whenever the incident changes (on any replica)",
            description = "Each event 'changed' carries the id of the newest timeline entry, also as the event id: "
                    + "read the timeline with after=<the last id you read>. A change without a timeline entry (new "
                    + "evidence) carries no id but what it touched: evidence, trace-ids, or all. Reconnecting with "
                    + "Last-Event-ID delivers a change missed in between at once.")
    SseEmitter events(@PathVariable String key,
            @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId, HttpServletRequest request) {
        return incidents.changes(IncidentKey.of(key), lastEventId, streamAccess.whileAllowed(request));
    }

    @PostMapping("/{key}/notes")
    @Operation(summary = "Add a note to the incident's timeline")
    ResponseEntity<TimelineEntry> note(@PathVariable String key, @Valid @RequestBody NoteRequest request,
            Authentication caller) {
        TimelineEntry entry = commands.addNote(IncidentKey.of(key), request.text(), actor(caller));
        return ResponseEntity.created(URI.create("/api/v1/incidents/" + key + "/timeline?after=" + (entry.id() - 1)))
                .body(entry);
    }

    @PostMapping("/{key}/steps/{stage}/{step}")
    @Operation(summary = "Mark a step of the runbook done, skipped or failed, with an optional note",
            description = "Any stage's steps (and follow-up's) while the incident is open; the latest mark of a step counts.")
    ResponseEntity<TimelineEntry> markStep(@PathVariable String key, @PathVariable String stage, @PathVariable String step,
            @Valid @RequestBody StepRequest request, Authentication caller) {
        TimelineEntry entry = commands.markStep(IncidentKey.of(key), stage, step, StepOutcome.fromLabel(request.outcome()).orElseThrow(),
                request.note(), actor(caller));
        return ResponseEntity.status(HttpStatus.CREATED).body(entry);
    }

    private static Actor actor(Authentication caller) {
        return Actor.user(caller.getName());
    }
}
