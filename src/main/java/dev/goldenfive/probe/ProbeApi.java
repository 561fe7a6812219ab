package dev.goldenfive.probe;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Path;
import jakarta.validation.TraversableResolver;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.goldenfive.incident.Incidents;
import dev.goldenfive.runbook.ProbeType;
import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.web.Admission;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidField;
import dev.goldenfive.web.InvalidFields;
import dev.goldenfive.web.RequestBodies;

/** Probe results over the API: agents (and people) post them; people read an incident's evidence and search. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Probes", description = "Probe evidence, checks and diagnosis")
class ProbeApi {

    private final ProbeIngest ingest;
    private final Evidence evidence;
    private final ProbeSearch search;
    private final Senders senders;
    private final Incidents incidents;
    private final ProbeSettings settings;
    private final Validator validator;
    private final ObjectReader one;
    private final ObjectReader many;
    private final Admission admission;

    ProbeApi(ProbeIngest ingest, Evidence evidence, ProbeSearch search, Senders senders, Incidents incidents,
            ProbeSettings settings, JsonMapper json) {
        this.ingest = ingest;
        this.evidence = evidence;
        this.search = search;
        this.senders = senders;
        this.incidents = incidents;
        this.settings = settings;
        this.validator = plainValidator();
        this.one = json.readerFor(ProbeResult.class);
        this.many = json.readerForListOf(ProbeResult.class);
        this.admission = new Admission("Probe results", settings.maxConcurrentIngests(), settings.admissionWait());
    }

    /** Agents, responders and administrators post results; every signed-in person reads them. */
    @Bean
    static AccessRules probeAccess() {
        String[] senders = {"AGENT", Role.RESPONDER.name(), Role.ADMIN.name()};
        return paths -> paths.requestMatchers(HttpMethod.POST, "/api/v1/probes", "/api/v1/probes/blackbox").hasAnyRole(senders);
    }

    /**
     * The answer to an array, in its order: each result's id, the incident it was attached to and whether it
     * had been stored before; a repeat also carries the result as stored the first time.
     */
    record BatchAnswer(int created, int repeated, List<Item> results) {

        @JsonInclude(JsonInclude.Include.NON_NULL)
        record Item(String id, String incident, boolean repeated, StoredResult stored) {
        }

        static BatchAnswer of(ProbeIngest.Outcome outcome) {
            return new BatchAnswer(outcome.created(), outcome.repeated(), outcome.results().stream()
                    .map(r -> new Item(r.result().id(), r.result().incident(), r.repeated(), r.repeated() ? r : null))
                    .toList());
        }
    }

    /** Query parameters name probe types and paths as the JSON does: {@code type=http}, {@code path=mirror}. */
    @Bean
    static Converter<String, ProbeType> probeTypeParameter() {
        return new Converter<>() {
            @Override
            public ProbeType convert(String text) {
                return ProbeType.valueOf(text.strip().toUpperCase(Locale.ROOT));
            }
        };
    }

    @Bean
    static Converter<String, ProbeResult.Path> probePathParameter() {
        return new Converter<>() {
            @Override
            public ProbeResult.Path convert(String text) {
                return ProbeResult.Path.valueOf(text.strip().toUpperCase(Locale.ROOT));
            }
        };
    }

    @PostMapping(value = "/probes", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Post one probe result or an array of them",
            description = "All or nothing: one wrong field refuses the whole request (400, each wrong field named as "
                    + "[index].field). At most 1,000 results and 1 MiB (after gzip; send Content-Encoding: gzip) a request; "
                    + "429 with Retry-After when this replica is saturated. A result posted again with the same id is "
                    + "stored once and answered with the stored result. One result: 201 with the result as stored, or 200 for a "
                    + "repeat; an array: 200 with the counts and, in order, each result's id, incident and whether it "
                    + "was a repeat (a repeat with the result stored the first time).",
            requestBody = @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = ProbeResult.class))))
    ResponseEntity<?> post(HttpServletRequest request, Authentication caller) throws IOException {
        byte[] body = RequestBodies.read(request, settings.maxRequestBytes(), "A probe request");
        boolean array = RequestBodies.firstToken(body) == '[';
        List<ProbeResult> results = parse(body, array);
        ProbeIngest.Sender sender = senders.of(caller);
        ProbeIngest.Outcome outcome = admission.admit(() -> ingest.ingest(results, array, sender));
        if (array) {
            return ResponseEntity.ok(BatchAnswer.of(outcome));
        }
        StoredResult stored = outcome.results().getFirst();
        return ResponseEntity.status(stored.repeated() ? HttpStatus.OK : HttpStatus.CREATED).body(stored);
    }

    @PostMapping(value = "/probes/blackbox", consumes = {MediaType.TEXT_PLAIN_VALUE, "application/openmetrics-text", MediaType.ALL_VALUE})
    @Operation(summary = "Post what blackbox_exporter's /probe answered, as one result",
            description = "The body is the exporter's response (Prometheus text format). probe_success, "
                    + "probe_duration_seconds, probe_http_status_code, the per-phase durations, "
                    + "probe_ssl_earliest_cert_expiry and probe_dns_* become a result; the type comes from the metrics "
                    + "(or type=). id defaults to a hash of target, module and the exporter's answer, so posting the "
                    + "same scrape twice stores it once.",
            requestBody = @RequestBody(content = @Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string"))))
    ResponseEntity<StoredResult> blackbox(HttpServletRequest request, Authentication caller,
            @RequestParam String target, @RequestParam String module, @RequestParam(required = false) String incident,
            @RequestParam(required = false) ProbeType type, @RequestParam(required = false) String id,
            @RequestParam(required = false) ProbeResult.Path path, @RequestParam(required = false) String via) throws IOException {
        byte[] body = RequestBodies.read(request, settings.maxRequestBytes(), "A blackbox_exporter answer");
        ProbeResult result = BlackboxAnswer.parse(body).toResult(id, target, module, type, path, via, incident, Instant.now());
        validate(List.of(result), false);
        ProbeIngest.Sender sender = senders.of(caller);
        StoredResult stored = admission.admit(() -> ingest.ingest(List.of(result), false, sender)).results().getFirst();
        return ResponseEntity.status(stored.repeated() ? HttpStatus.OK : HttpStatus.CREATED).body(stored);
    }

    @GetMapping("/incidents/{key}/evidence")
    @Operation(summary = "An incident's evidence: check states with the result that decided each, the diagnosis, "
            + "the newest result of each probe by path and sender, and the newest 200 results")
    Evidence.View evidence(@PathVariable String key) {
        return evidence.of(incidents.require(key));
    }

    @GetMapping("/probes")
    @Operation(summary = "Search probe results, newest first",
            description = "incident=INC-7 for one incident's results, incident=none for those attached to none. "
                    + "target takes * as a wildcard. Pages by the cursor in 'next'.")
    ProbeSearch.Page search(@RequestParam(required = false) String incident, @RequestParam(required = false) ProbeType type,
            @RequestParam(required = false) String target, @RequestParam(required = false) String submitter,
            @RequestParam(required = false) Boolean success, @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to, @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "100") int limit) {
        return search.find(new ProbeSearch.Query(incident, type, target, submitter, success, from, to, cursor, limit));
    }

    private List<ProbeResult> parse(byte[] body, boolean array) {
        List<ProbeResult> results;
        try {
            ProbeResult single = array ? null : one.readValue(body);
            if (!array && single == null) {
                throw new InvalidField("(body)", "must be a result or an array of results");
            }
            results = array ? many.readValue(body) : List.of(single);
        }
        catch (JacksonException ex) {
            throw new InvalidFields(List.of(FieldProblem.of(ex)));
        }
        if (results.isEmpty()) {
            throw new InvalidField("(body)", "must hold at least one result");
        }
        if (results.size() > settings.maxResultsPerRequest()) {
            throw RequestBodies.tooMany(settings.maxResultsPerRequest(), "results", "A probe request");
        }
        validate(results, array);
        return results;
    }

    private void validate(List<ProbeResult> results, boolean array) {
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) == null) {
                problems.add(new FieldProblem("[" + i + "]", "must be a result, not null"));
                continue;
            }
            problems.addAll(FieldProblem.of(validator.validate(results.get(i)), array ? "[" + i + "]." : ""));
            if (results.get(i).type() == ProbeType.METRIC) {
                // goldenfive asks metric checks itself: a posted value could pass or fail a check it never measured
                problems.add(new FieldProblem((array ? "[" + i + "]." : "") + "type", "metric results come from goldenfive's own queries, not from agents"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFields(problems);
        }
    }

    /**
     * Results are plain records, not entities: the default resolver would ask JPA for each of their many
     * properties whether it is loaded, which costs more than checking the constraints themselves.
     */
    private static Validator plainValidator() {
        TraversableResolver everything = new TraversableResolver() {
            @Override
            public boolean isReachable(Object bean, Path.Node property, Class<?> rootType, Path path, ElementType type) {
                return true;
            }

            @Override
            public boolean isCascadable(Object bean, Path.Node property, Class<?> rootType, Path path, ElementType type) {
                return true;
            }
        };
        // the factory lives as long as the application (closing it would retire the validator too)
        return Validation.byDefaultProvider().configure().traversableResolver(everything).buildValidatorFactory().getValidator();
    }
}
