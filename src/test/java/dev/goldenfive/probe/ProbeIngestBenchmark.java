package dev.goldenfive.probe;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.goldenfive.Benchmarks;
import dev.goldenfive.GoldenfiveApplication;

/**
 * Probe ingest under load over real HTTP: {@code ./mvnw test -Pbenchmark}. Not part of {@code ./mvnw verify}.
 * <ul>
 * <li>Single-result posts per second against {@code GET /api/v1/me} (a trivial authenticated endpoint) in the
 *     same run, with the same number of concurrent clients. Goal: ratio ≥ 0.30.</li>
 * <li>Batches of 1,000 results: results stored per second. Goal: ≥ 20,000.</li>
 * <li>Single-result posts sent at half the measured maximum rate (open loop: each request at its planned
 *     time, latency counted from then). Goal: p99 ≤ 50 ms.</li>
 * </ul>
 * Every result is attached to one incident, so each post also evaluates its checks: the heaviest path.
 */
class ProbeIngestBenchmark {

    static final String TOKEN = "benchmark-admin-token-0123456789abcdefghij";
    static final int CLIENTS = 16;
    static final Duration WARM_UP = Duration.ofSeconds(3);
    static final Duration MEASURE = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final AtomicLong ids = new AtomicLong();
    private String base;
    private String agentToken;
    private String incident;

    @Test
    void ingestThroughputAndLatency() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GoldenfiveApplication.class).run(
                "--server.port=0", "--management.server.port=", "--goldenfive.embedded-db.ephemeral=true",
                "--goldenfive.security.admin-token=" + TOKEN, "--logging.level.root=WARN")) {
            base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
            JsonMapper json = app.getBean(JsonMapper.class);
            agentToken = json.readTree(send(post("/api/v1/agents", TOKEN, "{\"name\":\"bench\"}")).body()).get("token").asString();
            incident = json.readTree(send(post("/api/v1/incidents", TOKEN,
                    "{\"title\":\"Benchmark\",\"service\":\"bench\",\"environment\":\"prod\",\"severity\":\"SEV3\"}")).body())
                    .get("key").asString();

            Supplier<HttpRequest> me = () -> get("/api/v1/me", TOKEN);
            Supplier<HttpRequest> one = () -> post("/api/v1/probes", agentToken, result());
            Supplier<HttpRequest> batch = () -> post("/api/v1/probes", agentToken,
                    IntStream.range(0, 1000).mapToObj(i -> result()).collect(Collectors.joining(",", "[", "]")));
            // every path warmed up (compiled, connections made) before anything is measured
            for (Supplier<HttpRequest> request : List.of(me, one, batch)) {
                closedLoop(4, request, WARM_UP);
            }
            double baseline = closedLoop(CLIENTS, me, MEASURE).perSecond();
            Run single = closedLoop(CLIENTS, one, MEASURE);
            double batchesPerSecond = closedLoop(4, batch, MEASURE).perSecond();
            double halfRate = single.perSecond() / 2;
            List<Double> latencies = openLoop(halfRate, one);

            System.out.printf("%nProbe ingest benchmark (%d clients, %d s each, every result attached to %s)%n",
                    CLIENTS, MEASURE.toSeconds(), incident);
            System.out.printf("%-40s %12.0f req/s%n", "GET /api/v1/me (baseline)", baseline);
            System.out.printf("%-40s %12.0f req/s   ratio %.2f (goal >= 0.30: %s)%n", "POST /api/v1/probes, one result",
                    single.perSecond(), single.perSecond() / baseline, single.perSecond() / baseline >= 0.30 ? "met" : "NOT MET");
            System.out.printf("%-40s %12.0f results/s (goal >= 20,000: %s)%n", "POST /api/v1/probes, 1,000 a request",
                    batchesPerSecond * 1000, batchesPerSecond * 1000 >= 20_000 ? "met" : "NOT MET");
            System.out.printf("%-40s p50 %.1f ms, p99 %.1f ms, max %.1f ms at %.0f req/s (goal p99 <= 50 ms: %s)%n",
                    "one result at half the maximum rate", Benchmarks.percentile(latencies, .5), Benchmarks.percentile(latencies, .99),
                    Benchmarks.percentile(latencies, 1), halfRate, Benchmarks.percentile(latencies, .99) <= 50 ? "met" : "NOT MET");
            System.out.printf("answers other than 2xx while measuring single results: %d%n", single.failures());
        }
    }

    record Run(double perSecond, long failures) {
    }

    /** {@code clients} each send a request as soon as the last one was answered, for {@code duration}; requests per second. */
    private Run closedLoop(int clients, Supplier<HttpRequest> request, Duration duration) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long until = System.nanoTime() + duration.toNanos();
        try (var workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                workers.submit(() -> {
                    while (System.nanoTime() < until) {
                        HttpResponse<String> response = send(request.get());
                        if (System.nanoTime() < until) {
                            done.incrementAndGet();
                            if (response.statusCode() >= 300) {
                                failures.incrementAndGet();
                            }
                        }
                    }
                    return null;
                });
            }
        }
        return new Run(done.get() / (duration.toNanos() / 1e9), failures.get());
    }

    /** Requests at a steady rate whatever the answers do; each latency runs from the planned sending time. */
    private List<Double> openLoop(double perSecond, Supplier<HttpRequest> request) throws Exception {
        long interval = (long) (1e9 / perSecond);
        long start = System.nanoTime() + WARM_UP.toNanos();
        long count = (long) (perSecond * MEASURE.toSeconds());
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            // the warm-up at the same rate, not measured
            for (long i = -(long) (perSecond * WARM_UP.toSeconds()); i < count; i++) {
                long planned = start + i * interval;
                long wait = planned - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                boolean measured = i >= 0;
                senders.submit(() -> {
                    send(request.get());
                    if (measured) {
                        latencies.add((System.nanoTime() - planned) / 1e6);
                    }
                    return null;
                });
            }
        }
        return new ArrayList<>(latencies);
    }

    /** A typical HTTP probe result with a new id (built cheaply: the load generator shares the machine). */
    private String result() {
        long id = ids.incrementAndGet();
        return "{\"id\":\"r-" + id + "\",\"incident\":\"" + incident + "\",\"type\":\"http\",\"target\":\"https://proxy.golang.org\","
                + "\"via\":\"direct\",\"startedAt\":\"" + Instant.now() + "\",\"durationMs\":42.5,\"success\":true,"
                + "\"http\":{\"status\":200,\"version\":\"HTTP/2\"},\"phases\":{\"resolveMs\":1.5,\"connectMs\":9.8,\"tlsMs\":14.2,"
                + "\"processingMs\":15.1,\"transferMs\":1.9},\"labels\":{\"site\":\"fra1\"},\"traceId\":\"" + Long.toHexString(id) + "0f0e\"}";
    }

    private HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).build();
    }

    private HttpRequest post(String path, String token, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

}
