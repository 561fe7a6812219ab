package dev.goldenfive.logarchive;

import java.net.URI;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;

import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.goldenfive.incident.Incidents;
import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.timeline.Actor;

/** Pinning log lines to an incident, from its page or over the API; responders and administrators pin. */
@Controller
class LogPinPages {

    private final LogPins pins;
    private final Incidents incidents;

    LogPinPages(LogPins pins, Incidents incidents) {
        this.pins = pins;
        this.incidents = incidents;
    }

    @Bean
    static AccessRules logPinAccess() {
        String[] roles = {Role.RESPONDER.name(), Role.ADMIN.name()};
        return paths -> paths.requestMatchers(HttpMethod.POST, "/incidents/*/logs/pin", "/api/v1/incidents/*/logs/pins")
                .hasAnyRole(roles);
    }

    @PostMapping("/incidents/{key}/logs/pin")
    String pinOnPage(@PathVariable String key, @RequestParam String line, Authentication caller, RedirectAttributes redirect) {
        pins.pin(key, line, Actor.user(caller.getName()));
        redirect.addFlashAttribute("notice", "logs.pinned.notice");
        return "redirect:/incidents/" + key + "#logs-heading";
    }

    record PinRequest(@NotBlank String line) {
    }

    @PostMapping("/api/v1/incidents/{key}/logs/pins")
    @ResponseBody
    @Operation(summary = "Pin a log line (its key from a search) to an incident: copied, and recorded in the timeline",
            description = "201 when pinned now, 200 when it was pinned already.")
    ResponseEntity<Map<String, Object>> pin(@PathVariable String key, @Valid @RequestBody PinRequest request, Authentication caller) {
        boolean pinned = pins.pin(key, request.line(), Actor.user(caller.getName()));
        Map<String, Object> body = Map.of("incident", key, "line", request.line(), "pinned", pinned);
        return pinned ? ResponseEntity.created(URI.create("/api/v1/incidents/" + key + "/logs/pins")).body(body) : ResponseEntity.ok(body);
    }

    @GetMapping("/api/v1/incidents/{key}/logs/pins")
    @ResponseBody
    @Operation(summary = "The log lines pinned to an incident, oldest first")
    List<LogPins.Pin> pinned(@PathVariable String key) {
        return pins.of(incidents.require(key));
    }
}
