package dev.goldenfive.probe;

import java.net.URI;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;

/** Administrators register, list, rotate and revoke agents. */
@RestController
@RequestMapping("/api/v1/agents")
@Tag(name = "Agents", description = "Machines that post probes, logs and alerts")
class AgentApi {

    private final Agents agents;

    AgentApi(Agents agents) {
        this.agents = agents;
    }

    @Bean
    static AccessRules agentAccess() {
        return paths -> paths.requestMatchers("/api/v1/agents", "/api/v1/agents/**").hasRole(Role.ADMIN.name());
    }

    /** A new agent: its name and the labels that go with everything it posts (environment, site, network…). */
    record Registration(@NotNull String name, Map<String, String> labels) {
    }

    @PostMapping
    @Operation(summary = "Register an agent; the response is the only time its token is shown",
            description = "The token may post probes, logs and alerts and nothing else.")
    ResponseEntity<Agents.Registered> register(@Valid @RequestBody Registration registration, Authentication caller) {
        Agents.Registered registered = agents.register(registration.name(), registration.labels(), caller.getName());
        return ResponseEntity.created(URI.create("/api/v1/agents/" + registered.agent().id())).body(registered);
    }

    @GetMapping
    @Operation(summary = "Every agent with when it last posted and how many results it sent")
    List<Agents.AgentView> list() {
        return agents.list();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One agent")
    Agents.AgentView get(@PathVariable long id) {
        return agents.get(id);
    }

    @PostMapping("/{id}/rotate")
    @Operation(summary = "A new token for the agent; the old one stops working at once")
    Agents.Registered rotate(@PathVariable long id, Authentication caller) {
        return agents.rotate(id, caller.getName());
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Revoke the agent: its token stops working; its results stay")
    Agents.AgentView revoke(@PathVariable long id) {
        return agents.revoke(id);
    }
}
