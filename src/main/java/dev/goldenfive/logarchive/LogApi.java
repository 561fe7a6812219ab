package dev.goldenfive.logarchive;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.ErrorResponseException;

import dev.goldenfive.probe.Agents;
import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.TokenKind;
import dev.goldenfive.security.TokenPrincipal;
import dev.goldenfive.web.Admission;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;
import dev.goldenfive.web.RequestBodies;

/** Log lines over the API, from the shippers teams already run. */
@RestController
@Tag(name = "Logs", description = "The searchable log archive")
class LogApi {

    /** OpenTelemetry's and Loki's own paths, so their exporters need only goldenfive's address. */
    static final String OTLP = "/v1/logs";
    static final String LOKI = "/loki/api/v1/push";

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
        return paths -> paths.requestMatchers(HttpMethod.POST, "/api/v1/logs", OTLP, LOKI)
                .hasAnyRole("AGENT", Role.RESPONDER.name(), Role.ADMIN.name())
                .requestMatchers(HttpMethod.PUT, "/api/v1/logs/retention").hasRole(Role.ADMIN.name());
    }

    /** How a request went: lines stored, and the lines that were stored with a problem, by index. */
    record Answer(long stored, List<FieldProblem> problems) {
    }

    @PostMapping("/api/v1/logs")
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
        return ingest(request, caller, "A log request", JsonLines::parse, environment, service, host);
    }

    @PostMapping(OTLP)
    @Operation(summary = "OpenTelemetry logs over OTLP/HTTP, protobuf (application/x-protobuf) or JSON (application/json)",
            description = "Point an OTLP exporter at goldenfive (endpoint http://…:8080, logs path /v1/logs) with the "
                    + "header Authorization: Bearer <agent token>. Answers ExportLogsServiceResponse in the request's encoding; "
                    + "records stored with a problem (an id that is not hex of the right length, kept as an attribute; a time "
                    + "out of range) are counted in partialSuccess.errorMessage (rejectedLogRecords 0: every record is kept). "
                    + "Another Content-Type is 415; every error body is a google.rpc.Status in the request's encoding.")
    ResponseEntity<?> otlp(HttpServletRequest request, Authentication caller) throws IOException {
        OtlpStatus.Encoding encoding = OtlpStatus.Encoding.of(request.getContentType());
        if (encoding == null) {
            return OtlpStatus.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/x-protobuf or application/json, not "
                    + (request.getContentType() == null ? "none" : request.getContentType()), OtlpStatus.Encoding.JSON);
        }
        Answer answer;
        try {
            answer = ingest(request, caller, "An OTLP request",
                    encoding == OtlpStatus.Encoding.PROTOBUF ? OtlpLogs::fromProtobuf : OtlpLogs::fromJson, null, null, null);
        }
        catch (ErrorResponseException refused) {
            // OTLP/HTTP: a 4xx or 5xx carries a google.rpc.Status, not a problem
            return OtlpStatus.of(refused, encoding);
        }
        // every record is stored, so none is rejected; problems are told in the error message
        String problems = answer.problems().isEmpty() ? "" : (answer.problems().size() < InvalidFields.MAX
                ? String.valueOf(answer.problems().size()) : InvalidFields.MAX + " or more") + " records stored with problems, e.g. "
                + answer.problems().getFirst().field() + " " + answer.problems().getFirst().message();
        if (encoding == OtlpStatus.Encoding.PROTOBUF) {
            var response = ExportLogsServiceResponse.newBuilder();
            if (!problems.isEmpty()) {
                response.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setErrorMessage(problems));
            }
            return ResponseEntity.ok().contentType(OtlpStatus.PROTOBUF).body(response.build().toByteArray());
        }
        return ResponseEntity.ok(problems.isEmpty() ? Map.of() : Map.of("partialSuccess", Map.of("errorMessage", problems)));
    }

    @PostMapping(LOKI)
    @Operation(summary = "Loki's push API: protobuf (snappy) or JSON streams of labels with timestamped lines and metadata",
            description = "Point Promtail, Grafana Alloy, Vector's loki sink or a Loki client library at goldenfive with a bearer "
                    + "token. Content-Type application/x-protobuf: Loki's PushRequest compressed with snappy (block format), as "
                    + "they send by default (also without a Content-Type, as Loki); application/json: streams of labels with [nanoseconds, line(, metadata)] "
                    + "values. 204, or 200 listing the lines stored with problems; 415 for another Content-Type.")
    ResponseEntity<?> loki(HttpServletRequest request, Authentication caller) throws IOException {
        // as Loki: no Content-Type is protobuf, what Promtail sends
        String type = OtlpStatus.mediaType(request.getContentType(), "application/x-protobuf");
        JsonLines.Format format = switch (type) {
            case "application/x-protobuf" -> LokiPush::fromProtobuf;
            case "application/json" -> LokiPush::parse;
            default -> throw new ErrorResponseException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ProblemDetail.forStatusAndDetail(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE, "A Loki push is application/x-protobuf (snappy) or application/json, not " + type), null);
        };
        Answer answer = ingest(request, caller, "A Loki push", format, null, null, null);
        return answer.problems().isEmpty() ? ResponseEntity.noContent().build() : ResponseEntity.ok(answer);
    }

    /** Reads, parses and stores a request in one of the formats; {@code what} names the request in a 413. */
    private Answer ingest(HttpServletRequest request, Authentication caller, String what, JsonLines.Format format,
            String environment, String service, String host) throws IOException {
        // the place is taken before the body is read: reading and parsing a large request is much of its cost
        return admission.admit(() -> {
            byte[] body = RequestBodies.read(request, settings.maxRequestBytes(), what);
            JsonLines.Parsed parsed = format.parse(body, json, defaults(caller, environment, service, host), clock.instant(),
                    settings.maxLines(), settings.maxLineBytes());
            long stored = ingest.store(parsed.lines(), caller.getName());
            return new Answer(stored, parsed.problems().subList(0, Math.min(parsed.problems().size(), InvalidFields.MAX)));
        });
    }

    /** What lines lack comes from the request, then from the agent's labels; the environment is at least "unknown". */
    private JsonLines.Defaults defaults(Authentication caller, String environment, String service, String host) {
        TokenPrincipal token = (TokenPrincipal) caller.getPrincipal();
        Map<String, String> labels = token.kind() == TokenKind.AGENT
                ? agents.byToken(token.tokenId()).map(Agents.Agent::labels).orElse(Map.of()) : Map.of();
        return new JsonLines.Defaults(first(environment, labels.get("environment"), labels.get("env"), "unknown"),
                first(service, labels.get("service"), null, null), first(host, labels.get("host"), null, null));
    }

    @GetMapping("/api/v1/logs/search")
    @Operation(summary = "Search log lines, newest first",
            description = "q: words, \"exact phrases\", -exclusion, OR, field:value (service, level, env, host, trace, "
                    + "incident, span; * as a wildcard; -field:value excludes). range: 15m, 1h (default), 6h, 24h, 7d… back from "
                    + "to (default now), or from and to (ISO-8601), at most 31 days. limit ≤ 5,000; cursor: the next of the "
                    + "page before. highlight lists the words to mark in the lines.")
    LogSearch.Page search(@RequestParam(required = false) String q, @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to, @RequestParam(required = false) String range,
            @RequestParam(required = false) String cursor, @RequestParam(defaultValue = "100") int limit) {
        LogRanges.Window window = LogRanges.window(from, to, range == null ? LogRanges.DEFAULT : range, clock.instant());
        return search.search(q, window.start(), window.end(), cursor, limit);
    }

    @GetMapping("/api/v1/logs/context")
    @Operation(summary = "The lines before and after a line (its key from a search), on the same service and host")
    List<LogSearch.Line> context(@RequestParam String line, @RequestParam(defaultValue = "10") int before,
            @RequestParam(defaultValue = "10") int after) {
        return search.context(line, before, after);
    }

    @GetMapping("/api/v1/logs/retention")
    @Operation(summary = "Days kept per environment ('*': every environment not named)")
    Map<String, Integer> retention() {
        return retention.days();
    }

    @PutMapping("/api/v1/logs/retention")
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
