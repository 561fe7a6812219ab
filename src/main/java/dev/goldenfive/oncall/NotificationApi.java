package dev.goldenfive.oncall;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.web.InvalidField;

/** Each person's notification rules, and the delivery log of paging messages. */
@RestController
@Tag(name = "On call", description = "Schedules, and who is on call now or at a time")
class NotificationApi {

    private final NotificationPreferences preferences;
    private final Notifications notifications;

    NotificationApi(NotificationPreferences preferences, Notifications notifications) {
        this.preferences = preferences;
        this.notifications = notifications;
    }

    @Bean
    static AccessRules notificationAccess() {
        return paths -> paths.requestMatchers("/api/v1/me/notification-rules").authenticated()
                .requestMatchers(HttpMethod.GET, "/api/v1/notifications")
                .hasAnyRole(Role.RESPONDER.name(), Role.MANAGER.name(), Role.ADMIN.name());
    }

    @GetMapping("/api/v1/me/notification-rules")
    @Operation(summary = "How you are told you are paged", description = "Stored secrets read as \"(kept)\".")
    NotificationRules rules(Authentication caller) {
        return preferences.of(caller.getName());
    }

    @PutMapping("/api/v1/me/notification-rules")
    @Operation(summary = "Your notification rules as the body says",
            description = "channels in order: {kind: email|slack|teams|mattermost|dingtalk|feishu|wecom, to: an address or the "
                    + "incoming-webhook URL, secret: a DingTalk or Feishu robot's signing secret (\"(kept)\" keeps the stored one), "
                    + "after: PT0S or a delay}; quiet: {severities, from, to (HH:mm), timeZone}: pages of those severities in those "
                    + "hours wait until they end; browser: notifications on open goldenfive pages (default true).")
    NotificationRules save(@Valid @RequestBody NotificationRules rules, Authentication caller) {
        return preferences.save(caller.getName(), rules);
    }

    @GetMapping("/api/v1/notifications")
    @Operation(summary = "The delivery log of paging messages, newest first (200 at most)",
            description = "Of one incident (incident=INC-7), of one person (person=alice), or of everyone.")
    List<Notifications.Delivery> log(@RequestParam(required = false) String incident, @RequestParam(required = false) String person) {
        IncidentKey key = incident == null ? null : IncidentKey.parse(incident)
                .orElseThrow(() -> new InvalidField("incident", "must be an incident key such as INC-7"));
        return notifications.log(key, person);
    }
}
