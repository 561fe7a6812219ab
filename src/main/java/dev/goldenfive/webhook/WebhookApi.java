package dev.goldenfive.webhook;

import java.net.URI;
import java.util.List;

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

/** Administrators register outbound webhooks and read their delivery log. */
@RestController
@RequestMapping("/api/v1/webhooks")
@Tag(name = "Webhooks", description = "Signed messages to other systems when incidents change")
class WebhookApi {

    private final Webhooks webhooks;

    WebhookApi(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    @Bean
    static AccessRules webhookAccess() {
        return paths -> paths.requestMatchers("/api/v1/webhooks", "/api/v1/webhooks/**", "/admin/webhooks", "/admin/webhooks/**")
                .hasRole(Role.ADMIN.name());
    }

    record Registration(@NotNull String name, @NotNull String url, List<String> events) {
    }

    @PostMapping
    @Operation(summary = "Register a webhook; the response is the only time its signing secret is shown",
            description = "events: any of incident.stage-entered, incident.deadline-missed, incident.resolved (default: all).")
    ResponseEntity<Webhooks.Created> create(@Valid @RequestBody Registration registration, Authentication caller) {
        Webhooks.Created created = webhooks.create(registration.name(), registration.url(), registration.events(), caller.getName());
        return ResponseEntity.created(URI.create("/api/v1/webhooks/" + created.webhook().id())).body(created);
    }

    @GetMapping
    @Operation(summary = "Every webhook, with how many messages are pending and failed")
    List<Webhooks.WebhookView> list() {
        return webhooks.list();
    }

    @GetMapping("/{id}/deliveries")
    @Operation(summary = "The newest 200 messages to a webhook, with their attempts and answers")
    List<Webhooks.Delivery> deliveries(@PathVariable long id) {
        return webhooks.deliveries(id);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a webhook: nothing more is sent to it; its log stays")
    ResponseEntity<Void> delete(@PathVariable long id) {
        webhooks.delete(id);
        return ResponseEntity.noContent().build();
    }
}
