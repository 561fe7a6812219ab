package dev.goldenfive.probe;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.runbook.ProbeType;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.web.Background;
import dev.goldenfive.web.Worker;

/**
 * Metric checks: while a stage is current, goldenfive itself asks the Prometheus-compatible HTTP API
 * ({@link ProbeSettings#prometheusUrl()}) each of its checks' PromQL queries every {@link ProbeSettings#metricInterval()},
 * and ingests the answer as a probe result (type {@code metric}, the query as its target, the number as its
 * {@code value}) like any agent's. One replica asks per round: the one that moves the round's time on in
 * {@code metric_round}.
 */
@Component
class MetricChecks extends Background {

    private static final Logger log = LoggerFactory.getLogger(MetricChecks.class);
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
    static final ProbeIngest.Sender SENDER = new ProbeIngest.Sender("goldenfive:metrics", null, "goldenfive metrics", Map.of(),
            new Actor(Actor.Kind.SYSTEM, "metrics"));
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Incidents incidents;
    private final Runbooks runbooks;
    private final ProbeIngest ingest;
    private final JdbcClient jdbc;
    private final ProbeSettings settings;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(QUERY_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private final Worker worker;

    MetricChecks(Incidents incidents, Runbooks runbooks, ProbeIngest ingest, JdbcClient jdbc, ProbeSettings settings, Clock clock) {
        this.incidents = incidents;
        this.runbooks = runbooks;
        this.ingest = ingest;
        this.jdbc = jdbc;
        this.settings = settings;
        this.clock = clock;
        this.worker = Worker.every(settings.metricInterval(), "metric-checks", "asking metric checks' queries", log, this::askDue);
    }

    private record Asked(IncidentRef incident, String query) {
    }

    void askDue() {
        if (settings.prometheusUrl() == null) {
            return;
        }
        // one replica a round: the one that moves the round's time on (a tenth of the interval spare, for workers' phases)
        Instant now = clock.instant();
        Duration spare = settings.metricInterval().dividedBy(10);
        boolean mine = jdbc.sql("update metric_round set asked_at = :now where id = 1 and asked_at <= :due")
                .param("now", Timestamp.from(now)).param("due", Timestamp.from(now.minus(settings.metricInterval()).plus(spare)))
                .update() == 1;
        if (!mine) {
            return;
        }
        // the queries are asked outside any transaction: a slow Prometheus holds no database connection
        List<ProbeResult> results = due().stream().map(this::ask).toList();
        if (!results.isEmpty()) {
            ingest.ingest(results, true, SENDER);
        }
    }

    /** Each open incident's current stage's metric queries, once each. */
    private List<Asked> due() {
        List<Asked> due = new ArrayList<>();
        for (IncidentRef incident : incidents.open()) {
            Runbook runbook = runbooks.require(incident.runbookVersionId());
            Set<String> queries = new LinkedHashSet<>();
            runbook.findStage(incident.stage()).ifPresent(stage -> stage.checks().stream()
                    .filter(check -> check.probe() == ProbeType.METRIC).forEach(check -> queries.add(check.target())));
            queries.forEach(query -> due.add(new Asked(incident, query)));
        }
        return due;
    }

    /** The query's answer as a probe result: its one number, or why there is none. */
    private ProbeResult ask(Asked asked) {
        Instant started = clock.instant().truncatedTo(ChronoUnit.MICROS);
        long start = System.nanoTime();
        Double value = null;
        String error = null;
        try {
            URI uri = URI.create(settings.prometheusUrl().toString().replaceAll("/+$", "") + "/api/v1/query?query="
                    + URLEncoder.encode(asked.query(), StandardCharsets.UTF_8));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(QUERY_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode answer = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !"success".equals(answer.path("status").asString(""))) {
                error = "answered " + response.statusCode() + ": " + answer.path("error").asString(response.body());
            }
            else {
                JsonNode data = answer.path("data");
                boolean scalar = "scalar".equals(data.path("resultType").asString(""));
                JsonNode sample = scalar ? data.path("result") : data.path("result").path(0).path("value");
                if (!scalar && data.path("result").size() > 1) {
                    error = "the query returned " + data.path("result").size() + " series; it must return one";
                }
                else if (sample.isMissingNode() || sample.size() < 2) {
                    error = "the query returned no series";
                }
                else {
                    // Prometheus writes numbers as strings, +Inf, -Inf and NaN among them
                    String number = sample.get(1).asString();
                    value = switch (number) {
                        case "+Inf", "-Inf", "NaN" -> null;
                        default -> Double.parseDouble(number);
                    };
                    error = value == null ? "the value is " + number : null;
                }
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        catch (Exception ex) {
            error = ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
        }
        double took = Math.min((System.nanoTime() - start) / 1e6, ProbeResult.MAX_DURATION_MS);
        boolean measured = value != null && !value.isNaN() && !value.isInfinite();
        String id = "metric-" + asked.incident().id() + "-" + Integer.toHexString(asked.query().hashCode()) + "-" + started.toEpochMilli();
        return new ProbeResult(id, asked.incident().key().toString(), Map.of(), ProbeType.METRIC, asked.query(), null,
                ProbeResult.Path.DIRECT, started, took, measured, null,
                measured ? null : new ProbeResult.Failure("metric", error == null ? "the value is not a number" : error.length() > 2000
                        ? error.substring(0, 2000) : error),
                null, null, null, null, null, null, measured ? value : null);
    }

    @Override
    protected Worker worker() {
        return worker;
    }
}
