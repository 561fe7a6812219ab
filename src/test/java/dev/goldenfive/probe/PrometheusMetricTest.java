package dev.goldenfive.probe;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.goldenfive.Api;
import dev.goldenfive.Replicas;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A metric check against Debian's real Prometheus, scraping a target the test serves: the seed's cache hit rate
 * above 85 % passes, and fails once the target reports 50 %.
 */
class PrometheusMetricTest {

    static final String PROMETHEUS = "/usr/bin/prometheus";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void aMetricCheckAsksPrometheusWhileItsStageIsCurrentAndFollowsTheValue() throws Exception {
        Assumptions.assumeTrue(new File(PROMETHEUS).canExecute(), "Prometheus is not installed (apt-get install prometheus); .ci/run installs it");
        AtomicReference<String> hitRatio = new AtomicReference<>("0.93");
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/metrics", exchange -> {
            byte[] body = ("# TYPE goproxy_cache_hit_ratio gauge\ngoproxy_cache_hit_ratio " + hitRatio.get() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        target.start();
        int port = freePort();
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                scrape_configs:
                  - job_name: goproxy
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                """.formatted(target.getAddress().getPort()));
        Process prometheus = new ProcessBuilder(PROMETHEUS, "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try (var app = Replicas.start("--goldenfive.embedded-db.ephemeral=true", "--goldenfive.probe.prometheus-url=http://127.0.0.1:" + port,
                "--goldenfive.probe.metric-interval=1s")) {
            assertThat(await(Duration.ofSeconds(30), () -> get("http://127.0.0.1:" + port + "/-/ready").statusCode() == 200 ? true : null))
                    .as("Prometheus is ready").isTrue();
            Api api = Replicas.api(app);
            String runbook = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
            var published = api.post("/api/v1/runbooks", Replicas.TOKEN, "application/yaml", """
                    key: %s
                    title: The module proxy's cache
                    stages:
                      - key: watch
                        title: Watch the cache
                        startSeconds: 0
                        endSeconds: 600
                        goal: The cache serves most modules
                        steps: [{key: look, title: Look at the hit rate}]
                        checks:
                          - key: cache-hit-rate
                            title: Cache hit rate above 85 %%
                            probe: metric
                            target: goproxy_cache_hit_ratio
                            pass: {minValue: 0.85}
                          - key: nothing-measured
                            title: A series nobody exports
                            probe: metric
                            target: goproxy_no_such_series
                            pass: {maxValue: 1}
                    """.formatted(runbook));
            assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
            var misplaced = api.post("/api/v1/runbooks", Replicas.TOKEN, "application/yaml", """
                    key: %s-bad
                    title: Bounds on a probe that measures no value
                    stages:
                      - key: watch
                        title: Watch
                        startSeconds: 0
                        endSeconds: 60
                        goal: Look
                        steps: [{key: look, title: Look}]
                        checks: [{key: http-ok, title: HTTP answers, probe: http, target: "*", pass: {minValue: 2, maxValue: 1}}]
                    """.formatted(runbook));
            assertThat(misplaced.statusCode()).isEqualTo(400);
            assertThat(misplaced.body()).contains("apply to metric checks only").contains("must not be above maxValue");
            String key = JSON.readTree(api.post("/api/v1/incidents", Replicas.TOKEN, "application/json",
                    "{\"title\":\"slow module downloads\",\"service\":\"goproxy\",\"environment\":\"prod\",\"severity\":\"SEV3\",\"runbook\":\""
                            + runbook + "\"}").body()).get("key").asString();

            JsonNode passed = await(Duration.ofSeconds(30), () -> check(api, key, "cache-hit-rate", "passed"));
            assertThat(passed).as("the check passes on Prometheus' answer").isNotNull();
            assertThat(passed.get("decidedBy").get("value").asDouble()).isEqualTo(0.93);
            assertThat(passed.get("decidedBy").get("type").asString()).isEqualTo("metric");
            JsonNode missing = await(Duration.ofSeconds(10), () -> check(api, key, "nothing-measured", "failed"));
            assertThat(missing.get("reasons").toString()).as("a query without a series fails, saying so").contains("returned no series");

            var posted = api.post("/api/v1/probes", Replicas.TOKEN, "application/json", """
                    {"id":"forged-1","incident":"%s","type":"metric","target":"goproxy_cache_hit_ratio","startedAt":"%s",
                     "durationMs":1,"success":true,"value":0.99}""".formatted(key, java.time.Instant.now()));
            assertThat(posted.statusCode()).as("a metric value nobody measured is refused").isEqualTo(400);
            assertThat(posted.body()).contains("metric results come from goldenfive's own queries");

            hitRatio.set("0.5");
            JsonNode failed = await(Duration.ofSeconds(30), () -> check(api, key, "cache-hit-rate", "failed"));
            assertThat(failed).as("and fails once the cache misses").isNotNull();
            assertThat(failed.get("reasons").toString()).contains("0.5 (at least 0.85)");
        }
        finally {
            prometheus.destroy();
            prometheus.waitFor();
            target.stop(0);
        }
    }

    private static JsonNode check(Api api, String key, String check, String state) throws Exception {
        JsonNode evidence = JSON.readTree(api.get("/api/v1/incidents/" + key + "/evidence", Replicas.TOKEN).body());
        return evidence.get("checks").valueStream().filter(c -> c.get("key").asString().equals(check)
                && c.get("state").asString().equals(state)).findFirst().orElse(null);
    }

    private static HttpResponse<String> get(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        catch (Exception notYet) {
            return null;
        }
    }

    private static <T> T await(Duration within, Answer<T> answer) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            T found;
            try {
                found = answer.get();
            }
            catch (NullPointerException notYet) {
                found = null;
            }
            if (found != null || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(250);
        }
    }

    private interface Answer<T> {
        T get() throws Exception;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
