package dev.goldenfive.alert;

import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;
import dev.goldenfive.web.RequestBodies;

/** Alerting tools open, attach to and resolve incidents with no custom code: Alertmanager's webhook and Events API v2. */
@RestController
@RequestMapping("/api/v1/alerts")
@Tag(name = "Alerts", description = "Inbound alerts: Alertmanager webhook, PagerDuty Events API v2, routing rules")
class AlertApi {

    static final int MAX_BYTES = 1024 * 1024;

    private final AlertIntake intake;
    private final AlertRoutes routes;
    private final Validator validator;
    private final JsonMapper json;

    AlertApi(AlertIntake intake, AlertRoutes routes, Validator validator, JsonMapper json) {
        this.intake = intake;
        this.routes = routes;
        this.validator = validator;
        this.json = json;
    }

    /** Agents (and responders, administrators) send alerts; administrators change the routing rules. */
    @Bean
    static AccessRules alertAccess() {
        return paths -> paths
                .requestMatchers(HttpMethod.POST, "/api/v1/alerts/alertmanager", "/api/v1/alerts/events")
                .hasAnyRole("AGENT", Role.RESPONDER.name(), Role.ADMIN.name())
                .requestMatchers(HttpMethod.PUT, "/api/v1/alerts/routes").hasRole(Role.ADMIN.name());
    }

    /** Alertmanager's webhook body, version 4. Fields a later Alertmanager adds are ignored. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Notification(
            @NotNull @Pattern(regexp = "4", message = "must be \"4\" (Alertmanager's webhook format)") String version,
            @NotBlank @Size(max = 1000) String groupKey,
            @NotNull @Pattern(regexp = "firing|resolved", message = "must be firing or resolved") String status,
            String receiver,
            Map<String, String> groupLabels,
            Map<String, String> commonLabels,
            Map<String, String> commonAnnotations,
            String externalURL,
            @NotEmpty @Size(max = 1000) List<@NotNull @Valid Alert> alerts) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Alert(
            @NotNull @Pattern(regexp = "firing|resolved", message = "must be firing or resolved") String status,
            Map<String, String> labels,
            Map<String, String> annotations,
            Instant startsAt,
            Instant endsAt,
            String generatorURL,
            @Size(max = 100) String fingerprint) {
    }

    /** A PagerDuty Events API v2 event. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Event(
            @JsonProperty("routing_key") @NotBlank @Size(max = 100) String routingKey,
            @JsonProperty("event_action") @NotNull @Pattern(regexp = "trigger|acknowledge|resolve",
                    message = "must be trigger, acknowledge or resolve") String eventAction,
            @JsonProperty("dedup_key") @Size(max = 255) String dedupKey,
            @Valid Payload payload,
            String client,
            @JsonProperty("client_url") String clientUrl) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Payload(
            @NotBlank @Size(max = 1024) String summary,
            @NotBlank @Size(max = 255) String source,
            @NotNull @Pattern(regexp = "critical|error|warning|info", message = "must be critical, error, warning or info") String severity,
            Instant timestamp,
            @Size(max = 255) String component,
            @Size(max = 255) String group,
            @JsonProperty("class") @Size(max = 255) String eventClass,
            @JsonProperty("custom_details") Map<String, Object> customDetails) {
    }

    /** PagerDuty's answer, with the incident and what was done to it. */
    record EventAnswer(String status, String message, @JsonProperty("dedup_key") String dedupKey, IncidentKey incident, String action) {
    }

    record RoutesDocument(@NotNull List<AlertRoute> routes) {
    }

    @PostMapping("/alertmanager")
    @Operation(summary = "Alertmanager's webhook (version 4)",
            description = "firing: opens an incident routed by the group's labels, or attaches to the open incident of "
                    + "the same group key; resolved: a timeline entry, and the incident is resolved when its routing "
                    + "rule says resolve: true. At most 1 MiB and 1,000 alerts.")
    AlertIntake.Outcome alertmanager(HttpServletRequest request, Authentication caller) throws IOException {
        Notification n = read(request, Notification.class, "An Alertmanager notification");
        Actor by = actor(caller);
        Map<String, String> labels = new TreeMap<>(present(n.groupLabels()));
        labels.putAll(present(n.commonLabels()));
        List<Alert> firing = n.alerts().stream().filter(a -> a.status().equals("firing")).toList();
        if (n.status().equals("resolved") || firing.isEmpty()) {
            return intake.resolved("alertmanager", n.groupKey(), "Alertmanager: the alerts of " + groupName(n) + " resolved",
                    new Fact.AlertResolved(n.receiver(), present(n.groupLabels()), n.externalURL()), false, by);
        }
        AlertIntake.SenderSaid said = new AlertIntake.SenderSaid(n.receiver(), present(n.groupLabels()), n.externalURL(),
                firing.stream().map(Alert::generatorURL).filter(Objects::nonNull).distinct().limit(10).toList(), null, null, null);
        String names = firing.stream().map(a -> describe(a)).distinct().limit(5).collect(Collectors.joining(", "));
        String title = present(n.commonAnnotations()).getOrDefault("summary", labels.getOrDefault("alertname", "Alertmanager alert"));
        Instant startedAt = firing.stream().map(Alert::startsAt).filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
        return intake.fire(new AlertIntake.Firing("alertmanager", n.groupKey(), title, labels, startedAt,
                firing.stream().map(AlertApi::fingerprint).toList(),
                "Alertmanager: " + firing.size() + (firing.size() == 1 ? " alert" : " alerts") + " firing: " + names, said), by);
    }

    @PostMapping("/events")
    @Operation(summary = "An event shaped like PagerDuty's Events API v2",
            description = "trigger opens an incident (or, with the dedup_key of an open one, attaches to it); acknowledge "
                    + "acknowledges it; resolve resolves it. Without a dedup_key a trigger gets a new one, returned in the "
                    + "answer. routing_key, source, severity, component, group, class and custom_details route it. 202.")
    ResponseEntity<EventAnswer> event(HttpServletRequest request, Authentication caller) throws IOException {
        Event e = read(request, Event.class, "An event");
        Actor by = actor(caller);
        String key = e.dedupKey() == null || e.dedupKey().isBlank() ? null : e.dedupKey();
        AlertIntake.Outcome outcome = switch (e.eventAction()) {
            case "trigger" -> {
                if (e.payload() == null) {
                    throw new InvalidFields(List.of(new FieldProblem("payload", "is required to trigger")));
                }
                key = key == null ? UUID.randomUUID().toString() : key;
                Payload p = e.payload();
                Map<String, String> labels = new TreeMap<>();
                if (p.customDetails() != null) {
                    p.customDetails().forEach((k, v) -> {
                        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                            labels.put(k, String.valueOf(v));
                        }
                    });
                }
                labels.put("routing_key", e.routingKey());
                labels.put("source", p.source());
                labels.put("severity", p.severity());
                putIfPresent(labels, "component", p.component());
                putIfPresent(labels, "group", p.group());
                putIfPresent(labels, "class", p.eventClass());
                AlertIntake.SenderSaid said = new AlertIntake.SenderSaid(null, null, null, null, p.severity(), p.source(),
                        e.clientUrl());
                yield intake.fire(new AlertIntake.Firing("events", scoped(e.routingKey(), key), p.summary(), labels, p.timestamp(),
                        List.of(Integer.toHexString((p.summary() + "\n" + p.severity()).hashCode())),
                        "Event: " + p.summary() + " (" + p.severity() + ", " + p.source() + ")", said), by);
            }
            case "acknowledge" -> intake.acknowledged("events", scoped(e.routingKey(), required(key)), by);
            default -> intake.resolved("events", scoped(e.routingKey(), required(key)), "Event: resolved" + (e.payload() == null ? "" : ": " + e.payload().summary()),
                    new Fact.AlertResolved(null, null, null), true, by);
        };
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(new EventAnswer("success", "Event processed", key, outcome.incident(), outcome.action()));
    }

    @GetMapping("/routes")
    @Operation(summary = "The routing rules of inbound alerts, in the order they are tried")
    RoutesDocument routes() {
        return new RoutesDocument(routes.list());
    }

    @PutMapping("/routes")
    @Operation(summary = "Replace the routing rules",
            description = "Each rule: name, match (label → value, * as a wildcard), service and environment (may name labels "
                    + "as ${label}), severity (SEV1–SEV4), runbook, resolve. The first matching rule applies.")
    RoutesDocument replaceRoutes(@Valid @RequestBody RoutesDocument document, Authentication caller) {
        return new RoutesDocument(routes.replace(document.routes(), caller.getName()));
    }

    private <T> T read(HttpServletRequest request, Class<T> type, String what) throws IOException {
        byte[] body = RequestBodies.read(request, MAX_BYTES, what);
        T value;
        try {
            value = json.readValue(body, type);
        }
        catch (JacksonException ex) {
            throw new InvalidFields(List.of(FieldProblem.of(ex)));
        }
        if (value == null) {
            throw new InvalidFields(List.of(new FieldProblem("(body)", "must be a JSON object")));
        }
        List<FieldProblem> problems = FieldProblem.of(validator.validate(value), "");
        if (!problems.isEmpty()) {
            throw new InvalidFields(problems);
        }
        return value;
    }

    /** As with PagerDuty, a dedup key belongs to its routing key: two integrations never share an incident by accident. */
    private static String scoped(String routingKey, String dedupKey) {
        return routingKey + "\n" + dedupKey;
    }

    private static String required(String key) {
        if (key == null) {
            throw new InvalidFields(List.of(new FieldProblem("dedup_key", "is required to acknowledge or resolve")));
        }
        return key;
    }

    private static Actor actor(Authentication caller) {
        return caller.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_AGENT"))
                ? new Actor(Actor.Kind.AGENT, caller.getName().replaceFirst("^agent:", ""))
                : Actor.user(caller.getName());
    }

    private static String fingerprint(Alert alert) {
        return alert.fingerprint() != null ? alert.fingerprint()
                : Integer.toHexString(present(alert.labels()).toString().hashCode());
    }

    private static String describe(Alert alert) {
        Map<String, String> labels = present(alert.labels());
        String name = labels.getOrDefault("alertname", "alert");
        return labels.containsKey("instance") ? name + " (" + labels.get("instance") + ")" : name;
    }

    private static String groupName(Notification n) {
        return n.groupLabels() == null || n.groupLabels().isEmpty() ? "the group" : "group " + n.groupLabels();
    }

    private static void putIfPresent(Map<String, String> labels, String name, String value) {
        if (value != null && !value.isBlank()) {
            labels.put(name, value);
        }
    }

    /** The entries that have a value: a label sent as null is no label. */
    private static Map<String, String> present(Map<String, String> map) {
        Map<String, String> present = new TreeMap<>();
        if (map != null) {
            map.forEach((k, v) -> {
                if (k != null && v != null) {
                    present.put(k, v);
                }
            });
        }
        return present;
    }
}
