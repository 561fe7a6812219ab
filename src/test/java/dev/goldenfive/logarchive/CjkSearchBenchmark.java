package dev.goldenfive.logarchive;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Benchmarks;
import dev.goldenfive.GoldenfiveApplication;

/**
 * A two-character Chinese word over {@code -Dlines} lines (default 10 million) of 24 hours: through pg_trgm's index of
 * character pairs, as searches run it, next to the same query without the index (reading the lines, as before it),
 * in the same run. One line in ten holds Chinese; the word stands in one in ten thousand, in the middle of a run.
 * Goal: p95 ≤ 100 ms through the index. {@code ./mvnw test -Pbenchmark -Dtest=CjkSearchBenchmark}.
 */
class CjkSearchBenchmark {

    private static final String WORD = "镜像";

    @Test
    void aTwoCharacterChineseWordThroughTheIndexAndWithout() throws Exception {
        long total = Long.getLong("lines", 10_000_000L);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GoldenfiveApplication.class).run(
                "--server.port=0", "--management.server.port=", "--goldenfive.embedded-db.ephemeral=true", "--logging.level.root=WARN")) {
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            CjkIndex index = app.getBean(CjkIndex.class);
            LogSearch search = app.getBean(LogSearch.class);
            for (int i = 0; i < 600 && !index.ready(); i++) {
                Thread.sleep(100);
            }
            if (!index.ready()) {
                throw new IllegalStateException("the index of Chinese, Japanese and Korean words was not built");
            }
            Instant end = Instant.now();
            Instant start = end.minus(Duration.ofHours(24));
            long t0 = System.nanoTime();
            fill(app, jdbc, total, start, end);
            System.out.printf("filled %,d lines in %.0f s (the index kept up to date as they were written)%n", total, (System.nanoTime() - t0) / 1e9);

            String q = WORD;
            LogQuery query = LogQuery.parse(q);
            LogSearch.Statement with = LogSearch.statement(query, start, end, null, 100, true);
            System.out.println(String.join("\n", jdbc.sql("explain (analyze, buffers) " + with.sql()).params(with.params()).query(String.class).list()));
            LogSearch.Statement without = LogSearch.statement(query, start, end, null, 100, false);
            List<Double> indexed = new ArrayList<>();
            List<Double> scanned = new ArrayList<>();
            int found = 0;
            for (int i = 0; i < 220; i++) {
                long a = System.nanoTime();
                found = search.search(q, start, end, null, 100).lines().size();
                if (i >= 20) {
                    indexed.add((System.nanoTime() - a) / 1e6);
                }
            }
            List<Double> bare = new ArrayList<>();
            for (int i = 0; i < 220; i++) {
                long a = System.nanoTime();
                jdbc.sql(with.sql()).params(with.params()).query().listOfRows();
                if (i >= 20) {
                    bare.add((System.nanoTime() - a) / 1e6);
                }
            }
            int foundWithout = 0;
            for (int i = 0; i < 6; i++) {
                long a = System.nanoTime();
                foundWithout = jdbc.sql(without.sql()).params(without.params()).query().listOfRows().size();
                if (i >= 1) {
                    scanned.add((System.nanoTime() - a) / 1e6);
                }
            }
            double p95 = Benchmarks.percentile(indexed, .95);
            double p95Without = Benchmarks.percentile(scanned, .95);
            System.out.printf("%nCJK search benchmark: %,d lines over 24 h, \"%s\" in %,d of them%n", total, WORD, total / 10_000);
            System.out.printf("%-48s p50 %8.1f ms  p95 %8.1f ms  (%d lines a page; goal p95 <= 100 ms: %s)%n", "through the index (as searches run)",
                    Benchmarks.percentile(indexed, .5), p95, found, p95 <= 100 ? "met" : "NOT MET");
            System.out.printf("%-48s p50 %8.1f ms  p95 %8.1f ms%n", "its SQL, server-side prepared (another pool)", Benchmarks.percentile(bare, .5),
                    Benchmarks.percentile(bare, .95));
            System.out.printf("%-48s p50 %8.1f ms  p95 %8.1f ms  (%d lines a page)%n", "the same query without the index (baseline)",
                    Benchmarks.percentile(scanned, .5), p95Without, foundWithout);
            System.out.printf("%-48s %.3f (%.0f× faster)%n", "ratio, p95 with / without", p95 / p95Without, p95Without / p95);
        }
    }

    /** {@code total} lines over the range, written by PostgreSQL itself a million at a time. */
    private static void fill(ConfigurableApplicationContext app, JdbcClient jdbc, long total, Instant from, Instant to) {
        app.getBean(LogPartitions.class).ensure(Set.of(Map.entry(LocalDate.ofInstant(from, ZoneOffset.UTC), "bench"),
                Map.entry(LocalDate.ofInstant(to, ZoneOffset.UTC), "bench")));
        long spreadMicros = Duration.between(from, to).toNanos() / 1000 / total;
        for (long start = 0; start < total; start += 1_000_000) {
            jdbc.sql("""
                    insert into log_line (ts, received_at, environment, service, host, level, message, attributes, source)
                    select cast(:from as timestamptz) + g * (:spread * interval '1 microsecond'), now(), 'bench', 'svc-' || (g % 50),
                           'host-' || (g % 20), 'info',
                           case when g % 10000 = 0 then '开始镜像同步 第' || g || '次'
                                when g % 10 = 0 then (array['构建失败：连接超时', '模块下载失败，请检查代理', '校验和不匹配', '代理返回错误 502'])[1 + (g / 10 % 4)::int] || ' ' || g
                                else 'request ' || g || ' GET /api/v' || (g % 7) || ' took ' || (g % 997) || ' ms' end,
                           '{}', 'bench'
                    from generate_series(cast(:start as bigint), cast(:end as bigint)) g
                    """)
                    .param("from", Timestamp.from(from)).param("spread", spreadMicros)
                    .param("start", start + 1).param("end", Math.min(total, start + 1_000_000))
                    .update();
            System.out.printf("filled %,d of %,d lines%n", Math.min(total, start + 1_000_000), total);
        }
        // as autovacuum does in a running system: the indexes' pending entries merged, statistics fresh
        jdbc.sql("vacuum analyze log_line").update();
    }
}
