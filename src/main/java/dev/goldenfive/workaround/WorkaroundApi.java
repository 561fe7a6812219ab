package dev.goldenfive.workaround;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.runbook.WorkaroundKind;
import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.timeline.Actor;

/** The workaround ledger over the API. */
@RestController
@Tag(name = "Workarounds", description = "Temporary changes made during an incident, who undoes each by when")
class WorkaroundApi {

    private final Workarounds workarounds;

    WorkaroundApi(Workarounds workarounds) {
        this.workarounds = workarounds;
    }

    @Bean
    static AccessRules workaroundAccess() {
        String[] roles = {Role.RESPONDER.name(), Role.ADMIN.name()};
        return paths -> paths.requestMatchers(HttpMethod.POST, "/api/v1/incidents/*/workarounds", "/api/v1/incidents/*/workarounds/*/*",
                "/api/v1/incidents/*/steps/*/*/workaround").hasAnyRole(roles);
    }

    /** A workaround to record: {@code revertBy} an instant within 90 days. */
    record EntryRequest(WorkaroundKind kind, String what, String where, String owner, Instant revertBy, @Size(max = 2000) String note) {

        Workarounds.Entry entry() {
            return new Workarounds.Entry(kind, what, where, owner, revertBy);
        }
    }

    record CloseRequest(@Size(max = 2000) String note) {
    }

    @GetMapping("/api/v1/incidents/{key}/workarounds")
    @Operation(summary = "The incident's workarounds, in place or closed, oldest first")
    List<Workarounds.Workaround> list(@PathVariable String key) {
        return workarounds.forIncident(IncidentKey.of(key));
    }

    @PostMapping("/api/v1/incidents/{key}/workarounds")
    @Operation(summary = "Record a workaround", description = "kind: goproxy-switched, gosumdb-off, goprivate-widened, "
            + "weights-shifted, feature-flag or other; what and where (free text); owner (a user) undoes it by revertBy.")
    ResponseEntity<Workarounds.Workaround> record(@PathVariable String key, @Valid @RequestBody EntryRequest request, Authentication caller) {
        Workarounds.Workaround recorded = workarounds.record(IncidentKey.of(key), request.entry(), Actor.user(caller.getName()));
        return ResponseEntity.created(URI.create("/api/v1/incidents/" + key + "/workarounds")).body(recorded);
    }

    @PostMapping("/api/v1/incidents/{key}/steps/{stage}/{step}/workaround")
    @Operation(summary = "Mark a step done and record the workaround it made, together")
    ResponseEntity<Workarounds.Workaround> step(@PathVariable String key, @PathVariable String stage, @PathVariable String step,
            @Valid @RequestBody EntryRequest request, Authentication caller) {
        Workarounds.Workaround recorded = workarounds.recordStep(IncidentKey.of(key), stage, step, request.entry(), request.note(),
                Actor.user(caller.getName()));
        return ResponseEntity.created(URI.create("/api/v1/incidents/" + key + "/workarounds")).body(recorded);
    }

    @PostMapping("/api/v1/incidents/{key}/workarounds/{id}/revert")
    @Operation(summary = "The workaround was undone")
    Workarounds.Workaround revert(@PathVariable String key, @PathVariable long id, @Valid @RequestBody(required = false) CloseRequest request,
            Authentication caller) {
        return workarounds.close(IncidentKey.of(key), id, true, request == null ? null : request.note(), Actor.user(caller.getName()));
    }

    @PostMapping("/api/v1/incidents/{key}/workarounds/{id}/keep")
    @Operation(summary = "Leave the workaround in place, saying why (note); the incident may close then")
    Workarounds.Workaround keep(@PathVariable String key, @PathVariable long id, @Valid @RequestBody CloseRequest request,
            Authentication caller) {
        return workarounds.close(IncidentKey.of(key), id, false, request.note(), Actor.user(caller.getName()));
    }

    @GetMapping("/api/v1/workarounds")
    @Operation(summary = "Every workaround still in place, the ones to undo soonest first (200 at most)")
    List<Workarounds.Workaround> open() {
        return workarounds.open();
    }
}
