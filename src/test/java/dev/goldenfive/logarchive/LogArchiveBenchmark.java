package dev.goldenfive.logarchive;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Benchmarks;
import dev.goldenfive.GoldenfiveApplication;

/**
 * The log archive under load: {@code ./mvnw test -Pbenchmark -Dtest=LogArchiveBenchmark}. Not part of verify.
 * <ul>
 * <li>Ingest: NDJSON batches over HTTP against COPY of the same lines into the same table (same indexes), in
 *     the same run. Goals: ratio ≥ 0.5 and ≥ 30,000 lines/s.</li>
 * <li>Search over {@code -Dlines} lines (default 10 million): three selective queries through the search
 *     service against the same SQL run bare. Goals: p95 ≤ 1.25 × the bare SQL, and ≤ 100 ms.</li>
 * <li>Soak: ingest at half the measured HTTP rate for {@code -Dsoak} (default 10 minutes). Goal: p99.9 ≤ 10 × p50.</li>
 * </ul>
 */
class LogArchiveBenchmark {

    static final String TOKEN = "benchmark-admin-token-0123456789abcdefghij";
    static final int BATCH = 5_000;
    static final int CLIENTS = 4;

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final AtomicLong sequence = new AtomicLong();
    private String base;

    @Test
    void ingestSearchAndSoak() throws Exception {
        long total = Long.getLong("lines", 10_000_000L);
        Duration soak = Duration.parse("PT" + System.getProperty("soak", "10m").toUpperCase());
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GoldenfiveApplication.class).run(
                "--server.port=0", "--management.server.port=", "--goldenfive.embedded-db.ephemeral=true",
                "--goldenfive.security.admin-token=" + TOKEN, "--logging.level.root=WARN")) {
            base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
            LogIngest ingest = app.getBean(LogIngest.class);
            JdbcClient jdbc = app.getBean(JdbcClient.class);

            // ingest: warm up both paths, then the same number of lines each way
            httpIngest(20, "warm");
            copyIngest(ingest, 20, "warm");
            double httpRate = httpIngest(60, "http");
            double copyRate = copyIngest(ingest, 60, "copy");
            System.out.printf("%nLog archive benchmark%n");
            System.out.printf("%-44s %10.0f lines/s%n", "COPY into log_line (baseline)", copyRate);
            System.out.printf("%-44s %10.0f lines/s   ratio %.2f (goal >= 0.5: %s; goal >= 30,000 lines/s: %s)%n",
                    "POST /api/v1/logs, NDJSON, 5,000 a request", httpRate, httpRate / copyRate,
                    httpRate / copyRate >= 0.5 ? "met" : "NOT MET", httpRate >= 30_000 ? "met" : "NOT MET");

            // search: the archive filled to `total` lines over the last 24 hours
            Instant end = Instant.now();
            fill(app, jdbc, total, end.minus(Duration.ofHours(24)), end);
            LogSearch search = app.getBean(LogSearch.class);
            String trace = jdbc.sql("select md5('5000')").query(String.class).single();
            for (String q : List.of("\"checksum mismatch\"", "trace:" + trace, "service:svc-7 level:error")) {
                List<Double> service = new ArrayList<>();
                List<Double> bare = new ArrayList<>();
                List<Double> overHttp = new ArrayList<>();
                LogSearch.Statement statement = LogSearch.statement(LogQuery.parse(q), end.minus(Duration.ofHours(24)), end, null, 100, false);
                for (int i = 0; i < 1200; i++) {
                    long t0 = System.nanoTime();
                    int found = search.search(q, end.minus(Duration.ofHours(24)), end, null, 100).lines().size();
                    long t1 = System.nanoTime();
                    jdbc.sql(statement.sql()).params(statement.params()).query().listOfRows();
                    long t2 = System.nanoTime();
                    send(HttpRequest.newBuilder(URI.create(base + "/api/v1/logs/search?limit=100&range=24h&to="
                            + end + "&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8))).header("Authorization", "Bearer " + TOKEN).build());
                    long t3 = System.nanoTime();
                    if (i >= 200) {
                        service.add((t1 - t0) / 1e6);
                        bare.add((t2 - t1) / 1e6);
                        overHttp.add((t3 - t2) / 1e6);
                    }
                    if (i == 0) {
                        System.out.printf("query %s: %d lines found%n", q, found);
                    }
                }
                double p95 = Benchmarks.percentile(service, .95);
                System.out.printf("%-44s p95 %6.1f ms vs bare SQL %6.1f ms: ratio %.2f (goal <= 1.25: %s; <= 100 ms: %s); over HTTP %6.1f ms%n",
                        "search " + q, p95, Benchmarks.percentile(bare, .95), p95 / Benchmarks.percentile(bare, .95),
                        p95 / Benchmarks.percentile(bare, .95) <= 1.25 ? "met" : "NOT MET", p95 <= 100 ? "met" : "NOT MET",
                        Benchmarks.percentile(overHttp, .95));
            }

            // soak: a steady half of the measured rate, every request timed from when it was due
            double perSecond = httpRate / 2 / BATCH;
            List<Double> latencies = openLoop(perSecond, soak);
            double p50 = Benchmarks.percentile(latencies, .5);
            double p999 = Benchmarks.percentile(latencies, .999);
            System.out.printf("%-44s %d requests of 5,000 lines at %.1f/s: p50 %.0f ms, p99.9 %.0f ms, ratio %.1f (goal <= 10: %s)%n",
                    "soak " + soak.toMinutes() + " min", latencies.size(), perSecond, p50, p999, p999 / p50, p999 / p50 <= 10 ? "met" : "NOT MET");
        }
    }

    /** Lines per second posting {@code batches} batches from {@link #CLIENTS} clients. */
    private double httpIngest(int batches, String tag) throws Exception {
        List<String> bodies = IntStream.range(0, batches).mapToObj(i -> ndjson(tag)).toList();
        AtomicLong next = new AtomicLong();
        long t0 = System.nanoTime();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < CLIENTS; c++) {
                clients.submit(() -> {
                    for (long i = next.getAndIncrement(); i < batches; i = next.getAndIncrement()) {
                        HttpResponse<String> r = send(post(bodies.get((int) i)));
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException(r.body());
                        }
                    }
                    return null;
                });
            }
        }
        return (double) batches * BATCH / ((System.nanoTime() - t0) / 1e9);
    }

    /** Lines per second copying the same kind of lines straight into the table, from as many connections. */
    private double copyIngest(LogIngest ingest, int batches, String tag) throws Exception {
        Instant now = Instant.now();
        List<LogLine> sample = lines(tag, now);
        ingest.store(sample.subList(0, 1), "bench"); // the partitions exist
        List<String> texts = IntStream.range(0, batches).mapToObj(i -> ingest.copyText(lines(tag, now), "bench", now)).toList();
        AtomicLong next = new AtomicLong();
        long t0 = System.nanoTime();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < CLIENTS; c++) {
                clients.submit(() -> {
                    for (long i = next.getAndIncrement(); i < batches; i = next.getAndIncrement()) {
                        ingest.copy(texts.get((int) i));
                    }
                    return null;
                });
            }
        }
        return (double) batches * BATCH / ((System.nanoTime() - t0) / 1e9);
    }

    /** {@code total} lines spread over the range, written by PostgreSQL itself a million at a time. */
    private static void fill(ConfigurableApplicationContext app, JdbcClient jdbc, long total, Instant from, Instant to) {
        LogPartitions partitions = app.getBean(LogPartitions.class);
        partitions.ensure(Set.of(Map.entry(LocalDate.ofInstant(from, ZoneOffset.UTC), "bench"),
                Map.entry(LocalDate.ofInstant(to, ZoneOffset.UTC), "bench")));
        long spreadMicros = Duration.between(from, to).toNanos() / 1000 / total;
        long t0 = System.nanoTime();
        for (long start = 0; start < total; start += 1_000_000) {
            jdbc.sql("""
                    insert into log_line (ts, received_at, environment, service, host, level, message, trace_id, attributes, source)
                    select cast(:from as timestamptz) + g * (:spread * interval '1 microsecond'), now(), 'bench', 'svc-' || (g % 50),
                           'host-' || (g % 20), (array['debug','info','info','info','warn','error'])[1 + (g % 6)::int],
                           'request ' || g || ' ' || (array['GET','POST','PUT'])[1 + (g % 3)::int] || ' /api/v' || (g % 7)
                               || ' took ' || (g % 997) || ' ms'
                               || case when g % 100000 = 0 then ' checksum mismatch for golang.org/x/text' else ' ok' end,
                           case when g % 1000 = 0 then md5(g::text) end, '{}', 'bench'
                    from generate_series(cast(:start as bigint), cast(:end as bigint)) g
                    """)
                    .param("from", Timestamp.from(from)).param("spread", spreadMicros)
                    .param("start", start + 1).param("end", Math.min(total, start + 1_000_000))
                    .update();
            System.out.printf("filled %,d of %,d lines (%.0f s)%n", Math.min(total, start + 1_000_000), total, (System.nanoTime() - t0) / 1e9);
        }
        // as autovacuum does in a running system: the full-text index's pending entries merged, statistics fresh
        jdbc.sql("vacuum analyze log_line").update();
    }

    private List<Double> openLoop(double perSecond, Duration duration) throws Exception {
        long interval = (long) (1e9 / perSecond);
        long count = (long) (perSecond * duration.toSeconds());
        long start = System.nanoTime();
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < count; i++) {
                long planned = start + i * interval;
                long wait = planned - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                String body = ndjson("soak");
                senders.submit(() -> {
                    send(post(body));
                    latencies.add((System.nanoTime() - planned) / 1e6);
                    return null;
                });
            }
        }
        return new ArrayList<>(latencies);
    }

    private String ndjson(String tag) {
        return lines(tag, Instant.now()).stream().map(l -> "{\"timestamp\":\"" + l.ts() + "\",\"level\":\"" + l.level()
                + "\",\"service\":\"" + l.service() + "\",\"host\":\"" + l.host() + "\",\"message\":\"" + l.message()
                + "\",\"trace_id\":\"" + l.traceId() + "\",\"pod\":\"" + l.attributes().get("pod") + "\"}").collect(Collectors.joining("\n"));
    }

    /** A batch of typical lines: a request log with a level, service, host, trace and one attribute. */
    private List<LogLine> lines(String tag, Instant at) {
        List<LogLine> lines = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            long n = sequence.incrementAndGet();
            lines.add(new LogLine(at, "bench", "svc-" + n % 50, "host-" + n % 20, n % 10 == 0 ? "error" : "info",
                    tag + " request " + n + " GET /golang.org/x/text/@v/list took " + n % 997 + " ms", Long.toHexString(n * 7919),
                    null, null, Map.of("pod", "build-" + n % 13)));
        }
        return lines;
    }

    private HttpRequest post(String body) {
        return HttpRequest.newBuilder(URI.create(base + "/api/v1/logs?environment=bench")).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

}
