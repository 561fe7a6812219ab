package dev.goldenfive.probe;

import java.net.URI;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;

/** Administrators keep the monitors over the API. */
@RestController
@RequestMapping("/api/v1/monitors")
@Tag(name = "Monitors", description = "Probes the agents of a service run on their own, and the rules that open incidents from them")
class MonitorApi {

    private final Monitors monitors;

    MonitorApi(Monitors monitors) {
        this.monitors = monitors;
    }

    @Bean
    static AccessRules monitorAccess() {
        return paths -> paths.requestMatchers("/api/v1/monitors", "/api/v1/monitors/**").hasRole(Role.ADMIN.name());
    }

    @GetMapping
    @Operation(summary = "Every monitor")
    List<Monitors.Monitor> list() {
        return monitors.list();
    }

    @PostMapping
    @Operation(summary = "A new monitor",
            description = "probe: reference, dns, icmp, http, goproxy or gosumdb; target: a URL of a host or a host name; "
                    + "intervalSeconds 5–3600 (60); the standing agents of service (and environment) run it. With runbook it "
                    + "opens an incident when failAfter (2) consecutive results fail on at least minAgents (1) agents, and "
                    + "resolves it on recovery when resolveOnRecovery.")
    ResponseEntity<Monitors.Monitor> create(@RequestBody Monitors.Definition definition, Authentication admin) {
        Monitors.Monitor created = monitors.create(definition, admin.getName());
        return ResponseEntity.created(URI.create("/api/v1/monitors/" + created.name())).body(created);
    }

    @GetMapping("/{name}")
    @Operation(summary = "One monitor")
    Monitors.Monitor get(@PathVariable String name) {
        return monitors.require(name);
    }

    @PutMapping("/{name}")
    @Operation(summary = "The monitor as the body says now (its name stays)")
    Monitors.Monitor update(@PathVariable String name, @RequestBody Monitors.Definition definition, Authentication admin) {
        return monitors.update(name, definition, admin.getName());
    }

    @DeleteMapping("/{name}")
    @Operation(summary = "Agents stop running the monitor; its results stay")
    Monitors.Monitor delete(@PathVariable String name) {
        return monitors.delete(name);
    }
}
