package dev.goldenfive.drill;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.probe.Agents;
import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.TokenKind;
import dev.goldenfive.security.TokenPrincipal;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.TimelineEntry;

/** Drill reports, and what agents did with a drill's fault. Drills are declared as incidents are, with a scenario. */
@RestController
@Tag(name = "Drills", description = "Incidents declared to rehearse, scored and compared; the faults agents inject for them")
class DrillApi {

    private final Drills drills;
    private final Agents agents;

    DrillApi(Drills drills, Agents agents) {
        this.drills = drills;
        this.agents = agents;
    }

    @Bean
    static AccessRules drillAccess() {
        return paths -> paths.requestMatchers(HttpMethod.POST, "/api/v1/drills/*/faults").hasAnyRole("AGENT", Role.ADMIN.name());
    }

    @GetMapping("/api/v1/drills")
    @Operation(summary = "The drills of each runbook, oldest first, scored",
            description = "The newest " + Drills.MAX_COMPARED + " drills, grouped by runbook (one runbook with runbook=), each with its report.")
    List<Drills.Comparison> compare(@RequestParam(required = false) String runbook) {
        return drills.compare(runbook == null || runbook.isBlank() ? null : runbook.strip());
    }

    @GetMapping("/api/v1/drills/{key}")
    @Operation(summary = "A drill's report", description = "Time per stage against its window, time to the diagnosis the scenario "
            + "expects, steps done/skipped/failed of those required, who did what, the faults injected, and the score (0–100): "
            + "diagnosis 40 (less the longer it took, none at the golden window's end), stages left in time 30, required steps done 30.")
    Drills.Report report(@PathVariable String key) {
        return drills.report(IncidentKey.of(key));
    }

    @PostMapping("/api/v1/drills/{key}/faults")
    @Operation(summary = "An agent reports a drill's fault: injected (until when), removed, or refused (why)",
            description = "agent is the agent's host label, one of the scenario's; fault and target the scenario's; where the "
                    + "addresses or rules touched; detail the commands run or why not. An agent registered with a service label "
                    + "reports on drills of that service only (403). Recorded in the drill's timeline.")
    ResponseEntity<Map<String, Object>> fault(@PathVariable String key, @RequestBody FaultRequest request, Authentication caller) {
        TokenPrincipal token = (TokenPrincipal) caller.getPrincipal();
        boolean agent = token.kind() == TokenKind.AGENT;
        Actor by = agent ? new Actor(Actor.Kind.AGENT, token.tokenName()) : Actor.user(token.username());
        String service = agent ? agents.byToken(token.tokenId()).map(a -> a.labels().get("service")).orElse(null) : null;
        TimelineEntry entry = drills.reportFault(IncidentKey.of(key), request.report(), service, by);
        return ResponseEntity.created(URI.create("/api/v1/drills/" + key)).body(Map.of("entry", entry.id()));
    }

    record FaultRequest(String agent, String fault, String target, String state, String where, String detail, Instant until) {

        Drills.FaultReport report() {
            return new Drills.FaultReport(agent, fault, target, state, where, detail, until);
        }
    }
}
