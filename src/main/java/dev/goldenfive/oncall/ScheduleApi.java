package dev.goldenfive.oncall;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.web.InvalidField;

/** On-call schedules over the API: administrators write them, responders read them and ask who is on call. */
@RestController
@Tag(name = "On call", description = "Schedules, and who is on call now or at a time")
class ScheduleApi {

    private final Schedules schedules;
    private final CalendarFeeds feeds;

    ScheduleApi(Schedules schedules, CalendarFeeds feeds) {
        this.schedules = schedules;
        this.feeds = feeds;
    }

    @Bean
    static AccessRules scheduleAccess() {
        return paths -> paths
                .requestMatchers(HttpMethod.GET, "/api/v1/schedules", "/api/v1/schedules/**", "/api/v1/teams/*/oncall",
                        "/api/v1/escalation-policies", "/api/v1/escalation-policies/**")
                .hasAnyRole(Role.RESPONDER.name(), Role.ADMIN.name())
                .requestMatchers("/api/v1/schedules/**", "/api/v1/escalation-policies/**").hasRole(Role.ADMIN.name())
                // the secret in the path is the credential: calendars fetch it without signing in
                .requestMatchers(HttpMethod.GET, "/calendar/*").permitAll();
    }

    @GetMapping("/api/v1/schedules")
    @Operation(summary = "Every schedule")
    List<Schedule> list() {
        return schedules.list();
    }

    @GetMapping("/api/v1/schedules/{key}")
    @Operation(summary = "One schedule")
    Schedule get(@PathVariable String key) {
        return schedules.require(key);
    }

    @PutMapping("/api/v1/schedules/{key}")
    @Operation(summary = "A schedule as the body says (new or replaced)",
            description = "timeZone an IANA name; layers (a later one wins where its restrictions apply), each with its first "
                    + "handoff (local date-time), shift P1D / P7D / PnD / PTnH and members in order; overrides {user, from, to}.")
    ResponseEntity<Schedule> put(@PathVariable String key, @Valid @RequestBody Schedule schedule, Authentication admin) {
        requireSameKey(key, schedule.key());
        return ResponseEntity.ok(schedules.save(schedule, admin.getName()));
    }

    @DeleteMapping("/api/v1/schedules/{key}")
    @Operation(summary = "Delete a schedule")
    ResponseEntity<Void> delete(@PathVariable String key) {
        schedules.delete(key);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/v1/schedules/{key}/oncall")
    @Operation(summary = "Who the schedule names now, or at `at`", description = "user is null when nobody is on call.")
    Schedules.OnCallAt onCall(@PathVariable String key, @RequestParam(required = false) Instant at) {
        return schedules.onCall(key, at);
    }

    @PostMapping("/api/v1/me/calendar")
    @Operation(summary = "A new secret URL of your shifts as an iCalendar feed (the one before stops working)",
            description = "Shown this once. The feed holds the past week's and the next 90 days' shifts of every schedule that names you.")
    Map<String, String> renewCalendar(Authentication caller) {
        return Map.of("url", feeds.renew(caller.getName()));
    }

    @GetMapping(value = "/calendar/{token}.ics", produces = "text/calendar")
    @Operation(summary = "A person's shifts as iCalendar (the secret URL from POST /api/v1/me/calendar)")
    ResponseEntity<String> calendar(@PathVariable String token) {
        return feeds.feed(token)
                .map(ics -> ResponseEntity.ok().contentType(MediaType.parseMediaType("text/calendar; charset=utf-8"))
                        .header("Cache-Control", "private, max-age=300").body(ics))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    /** A document put at a key names that key. */
    static void requireSameKey(String path, String document) {
        if (!path.equals(document)) {
            throw new InvalidField("key", "must be '" + path + "', the key in the path");
        }
    }

    @GetMapping("/api/v1/teams/{team}/oncall")
    @Operation(summary = "Who each schedule of a team names now, or at `at`")
    List<Schedules.OnCallAt> team(@PathVariable String team, @RequestParam(required = false) Instant at) {
        return schedules.team(team, at);
    }
}
