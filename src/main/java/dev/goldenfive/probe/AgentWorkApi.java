package dev.goldenfive.probe;

import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.goldenfive.incident.Drill;
import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.web.InvalidField;

/** Standing agents take their work from a stream; responders ask them to probe again, on the page or over the API. */
@Controller
@Tag(name = "Probes")
class AgentWorkApi {

    private final AgentWork work;
    private final Senders senders;

    AgentWorkApi(AgentWork work, Senders senders) {
        this.work = work;
        this.senders = senders;
    }

    @Bean
    static AccessRules agentWorkAccess() {
        return paths -> paths
                .requestMatchers(HttpMethod.GET, "/api/v1/probes/work").hasAnyRole("AGENT", Role.ADMIN.name())
                .requestMatchers(HttpMethod.POST, "/incidents/*/probes/again", "/api/v1/incidents/*/probes/again")
                .hasAnyRole(Role.RESPONDER.name(), Role.ADMIN.name());
    }

    @GetMapping(value = "/api/v1/probes/work", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    @Operation(summary = "The work of a standing agent, as server-sent events",
            description = "For every open incident of the agent's service (and environment), a `work` event with the current "
                    + "stage's probes and their targets, one `data: name=value` line each (incident, stage, round, timeout, "
                    + "probes, and target, module, private where the incident names them): at once, at each stage change and "
                    + "each time a responder asks for the probes again. service and environment default to the agent's labels; "
                    + "an agent registered with a service label takes that service's work only. An agent started with the fault "
                    + "flag names its host (faultsFor) and is also sent a `faults` event: the faults of the open drills that name it, "
                    + "one `data: fault=incident fault port until target…` line each.")
    SseEmitter stream(@RequestParam(required = false) String service, @RequestParam(required = false) String environment,
            @RequestParam(required = false) String faultsFor, Authentication caller) {
        if (faultsFor != null && !faultsFor.isBlank() && !faultsFor.strip().matches(Drill.AGENT)) {
            throw new InvalidField("faultsFor", "must be the agent's host label (letters, digits, '.', '_', '-', at most 40)");
        }
        Map<String, String> labels = senders.of(caller).labels();
        String registered = blankToNull(labels.get("service"));
        String forService = given(service, registered);
        if (forService == null) {
            throw new InvalidField("service", "name the service whose incidents this agent probes (or give the agent a service label)");
        }
        // an agent registered for a service takes that service's work only (the work names its targets)
        if (registered != null && !registered.equalsIgnoreCase(forService)) {
            throw new InvalidField("service", "this agent is registered for the service '" + registered + "'");
        }
        return work.open(forService, given(environment, blankToNull(labels.get("environment"))), blankToNull(faultsFor));
    }

    @PostMapping("/api/v1/incidents/{key}/probes/again")
    @ResponseBody
    @Operation(summary = "Ask the standing agents to run the current stage's probes again",
            description = "Recorded in the timeline; 202 with the round, which the agents' work carries.")
    ResponseEntity<Map<String, Object>> again(@PathVariable String key, Authentication caller) {
        int round = work.requestAgain(key, Actor.user(caller.getName()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("incident", key, "round", round));
    }

    @PostMapping("/incidents/{key}/probes/again")
    String againOnPage(@PathVariable String key, Authentication caller, RedirectAttributes redirect) {
        work.requestAgain(key, Actor.user(caller.getName()));
        redirect.addFlashAttribute("notice", "evidence.again.notice");
        return "redirect:/incidents/" + key + "#evidence-heading";
    }

    /** The value asked for, or the agent's own when none is asked. */
    private static String given(String asked, String own) {
        return blankToNull(asked) != null ? asked.strip() : own;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
