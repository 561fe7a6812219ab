package dev.goldenfive.oncall;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Escalation policies over the API: administrators write them, responders read them (access: {@link ScheduleApi}). */
@RestController
@Tag(name = "On call")
class PolicyApi {

    private final Policies policies;

    PolicyApi(Policies policies) {
        this.policies = policies;
    }

    @GetMapping("/api/v1/escalation-policies")
    @Operation(summary = "Every escalation policy")
    List<EscalationPolicy> list() {
        return policies.list();
    }

    @GetMapping("/api/v1/escalation-policies/{key}")
    @Operation(summary = "One escalation policy")
    EscalationPolicy get(@PathVariable String key) {
        return policies.require(key);
    }

    @PutMapping("/api/v1/escalation-policies/{key}")
    @Operation(summary = "An escalation policy as the body says (new or replaced)",
            description = "services it pages for (one policy a service); levels, each with targets (schedules, users or teams) and "
                    + "moving on after: stage (the end of the incident's current stage window, the default) or a delay such as PT5M; "
                    + "repeat 0–5 rounds. Declaring an incident of a named service pages level 1 at once; acknowledging stops it.")
    EscalationPolicy put(@PathVariable String key, @Valid @RequestBody EscalationPolicy policy, Authentication admin) {
        ScheduleApi.requireSameKey(key, policy.key());
        return policies.save(policy, admin.getName());
    }

    @DeleteMapping("/api/v1/escalation-policies/{key}")
    @Operation(summary = "Delete an escalation policy (incidents it is paging for stop escalating)")
    ResponseEntity<Void> delete(@PathVariable String key) {
        policies.delete(key);
        return ResponseEntity.noContent().build();
    }
}
