package dev.goldenfive.logarchive;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.goldenfive.probe.Agents;
import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.TokenKind;
import dev.goldenfive.security.TokenPrincipal;
import dev.goldenfive.web.Admission;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.RequestBodies;

/** Log lines over the API, from the shippers teams already run. */
@RestController
@RequestMapping("/api/v1/logs")
@Tag(name = "Logs", description = "The searchable log archive")
class LogApi {

    private final LogIngest ingest;
    private final LogSearch search;
    private final LogRetention retention;
    private final Agents agents;
    private final LogSettings settings;
    private final JsonMapper json;
    private final Admission admission;
    private final Clock clock;

    LogApi(LogIngest ingest, LogSearch search, LogRetention retention, Agents agents, LogSettings settings, JsonMapper json,
            Clock clock) {
        this.ingest = ingest;
        this.search = search;
        this.retention = retention;
        this.agents = agents;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.admission = new Admission("Log lines", settings.maxConcurrentIngests(), settings.admissionWait());
    }

    /** Agents, responders and administrators send logs. */
    @Bean
    static AccessRules logIngestAccess() {
        return paths -> paths.requestMatchers(HttpMethod.POST, "/api/v1/logs")
                .hasAnyRole("AGENT", Role.RESPONDER.name(), Role.ADMIN.name())
                .requestMatchers(HttpMethod.PUT, "/api/v1/logs/retention").hasRole(Role.ADMIN.name());
    }

    /** How a request went: lines stored, and the lines that were stored with a problem, by index. */
    record Answer(long stored, List<FieldProblem> problems) {
    }

    @PostMapping
    @Operation(summary = "Store log lines: a JSON array, or one JSON object per line",
            description = "Time from timestamp, @timestamp, time or date (epoch s/ms/ns, fractions, or ISO-8601); message "
                    + "from message, msg or log; level, service, host, environment, traceId/trace_id, spanId, incident; "
                    + "every other field kept as attributes. environment, service and host query parameters (or the "
                    + "agent's labels) fill in what lines lack. Every line is stored: one that is not JSON, not an "
                    + "object or has an unreadable time is kept as it came and listed under problems by its index. "
                    + "413 beyond 10 MiB, 10,000 lines or 65,536 characters a line (then nothing is stored).")
    Answer store(HttpServletRequest request, Authentication caller,
            @RequestParam(required = false) String environment, @RequestParam(required = false) String service,
            @RequestParam(required = false) String host) throws IOException {
        byte[] body = RequestBodies.read(request, settings.maxRequestBytes(), "A log request");
        TokenPrincipal token = (TokenPrincipal) caller.getPrincipal();
        Map<String, String> labels = token.kind() == TokenKind.AGENT
                ? agents.byToken(token.tokenId()).map(Agents.Agent::labels).orElse(Map.of()) : Map.of();
        JsonLines.Defaults defaults = new JsonLines.Defaults(
                first(environment, labels.get("environment"), labels.get("env"), "unknown"),
                first(service, labels.get("service"), null, null), first(host, labels.get("host"), null, null));
        JsonLines.Parsed parsed = JsonLines.parse(body, json, defaults, clock.instant(), settings.maxLines(), settings.maxLineBytes());
        long stored = admission.admit(() -> ingest.store(parsed.lines(), caller.getName()));
        return new Answer(stored, parsed.problems().subList(0, Math.min(parsed.problems().size(), 100)));
    }

    @GetMapping("/search")
    @Operation(summary = "Search log lines, newest first",
            description = "q: words, \"exact phrases\", -exclusion, OR, field:value (service, level, env, host, trace, "
                    + "incident, span; * as a wildcard; -field:value excludes). range: 15m, 1h (default), 6h, 24h, 7d… back from "
                    + "to (default now), or from and to (ISO-8601), at most 31 days. limit ≤ 5,000; cursor: the next of the "
                    + "page before. highlight lists the words to mark in the lines.")
    LogSearch.Page search(@RequestParam(required = false) String q, @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to, @RequestParam(required = false) String range,
            @RequestParam(required = false) String cursor, @RequestParam(defaultValue = "100") int limit) {
        Instant end = to == null ? clock.instant() : to;
        Instant start = from != null ? from : end.minus(range == null ? Duration.ofHours(1) : LogRanges.parse(range));
        return search.search(q, start, end, cursor, limit);
    }

    @GetMapping("/context")
    @Operation(summary = "The lines before and after a line (its key from a search), on the same service and host")
    List<LogSearch.Line> context(@RequestParam String line, @RequestParam(defaultValue = "10") int before,
            @RequestParam(defaultValue = "10") int after) {
        return search.context(line, before, after);
    }

    @GetMapping("/retention")
    @Operation(summary = "Days kept per environment ('*': every environment not named)")
    Map<String, Integer> retention() {
        return retention.days();
    }

    @PutMapping("/retention")
    @Operation(summary = "Set the days kept per environment",
            description = "{\"prod\": 30, \"qa\": 3, \"old-env\": null}: null forgets an environment (it then keeps '*''s days). "
                    + "Partitions whose time is up are dropped at the next hourly run.")
    Map<String, Integer> setRetention(@RequestBody Map<String, Integer> changes, Authentication caller) {
        return retention.set(changes, caller.getName());
    }

    private static String first(String a, String b, String c, String otherwise) {
        return a != null && !a.isBlank() ? a.strip() : b != null ? b : c != null ? c : otherwise;
    }
}
