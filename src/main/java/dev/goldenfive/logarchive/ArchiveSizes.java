package dev.goldenfive.logarchive;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.goldenfive.web.Background;
import dev.goldenfive.web.Worker;

/**
 * What the archive holds, per environment and day (one partition each): lines and bytes (its table, indexes and
 * TOAST). Read from PostgreSQL's statistics, not by counting rows ({@code n_live_tup} moves with every insert and
 * drop), once a minute, for the retention page, the Prometheus metrics and the warning administrators see past
 * {@link LogSettings#warnAt()}.
 */
@Component
class ArchiveSizes extends Background {

    private static final Logger log = LoggerFactory.getLogger(ArchiveSizes.class);
    static final Duration EVERY = Duration.ofMinutes(1);

    private final JdbcClient jdbc;
    private final LogSettings settings;
    private final Worker worker;
    private final MultiGauge lines;
    private final MultiGauge bytes;
    /** Null until first measured: an archive without partitions is measured once a minute too, not at every read. */
    private final AtomicReference<List<Partition>> latest = new AtomicReference<>();

    /** One partition: an environment's lines of one day. */
    record Partition(String environment, LocalDate day, String table, long lines, long bytes) {
    }

    /** An environment's partitions added up; {@code oldest} is its oldest line's time, null when it holds none. */
    record Environment(String environment, int partitions, long lines, long bytes, LocalDate firstDay, Instant oldest) {
    }

    ArchiveSizes(JdbcClient jdbc, LogSettings settings, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.worker = Worker.every(EVERY, "log-archive-sizes", "measuring the log archive", log, this::refresh);
        this.lines = MultiGauge.builder("goldenfive.log.archive.lines")
                .description("Log lines kept, per environment and day (PostgreSQL's live-row statistics)").register(registry);
        this.bytes = MultiGauge.builder("goldenfive.log.archive.bytes").baseUnit("bytes")
                .description("Bytes the log archive takes on disk (tables, indexes, TOAST), per environment and day").register(registry);
        Gauge.builder("goldenfive.log.archive.warn.bytes", settings, s -> s.warnAt().toBytes()).baseUnit("bytes")
                .description("The archive size from which administrators are warned (goldenfive.logs.warn-at); 0: never").register(registry);
    }

    /** The partitions as last measured (measured now when never yet). */
    List<Partition> partitions() {
        List<Partition> measured = latest.get();
        return measured == null ? refresh() : measured;
    }

    /** Bytes of the whole archive as last measured. */
    long totalBytes() {
        return partitions().stream().mapToLong(Partition::bytes).sum();
    }

    /** Whether the archive has grown past the warning size (never when it is 0). */
    boolean overWarning() {
        long warnAt = settings.warnAt().toBytes();
        return warnAt > 0 && totalBytes() >= warnAt;
    }

    /** Every environment that has partitions, with what it holds, by name. */
    List<Environment> environments() {
        Map<String, List<Partition>> byEnvironment = new LinkedHashMap<>();
        partitions().stream().sorted((a, b) -> a.environment().compareTo(b.environment()))
                .forEach(p -> byEnvironment.computeIfAbsent(p.environment(), k -> new ArrayList<>()).add(p));
        List<Environment> environments = new ArrayList<>();
        byEnvironment.forEach((environment, parts) -> {
            Partition first = parts.stream().min((a, b) -> a.day().compareTo(b.day())).orElseThrow();
            // the oldest line is in the oldest partition: its time index answers at once (none when retention just dropped it)
            Instant oldest = null;
            try {
                oldest = jdbc.sql("select min(ts) from " + first.table()).query(Timestamp.class).optional()
                        .map(Timestamp::toInstant).orElse(null);
            }
            catch (DataAccessException gone) {
                log.debug("The partition {} went while the page was made", first.table(), gone);
            }
            environments.add(new Environment(environment, parts.size(), parts.stream().mapToLong(Partition::lines).sum(),
                    parts.stream().mapToLong(Partition::bytes).sum(), first.day(), oldest));
        });
        return environments;
    }

    /** Measures every partition now, and updates the metrics. */
    List<Partition> refresh() {
        List<Partition> measured = jdbc.sql("""
                select p.environment, p.day, p.table_name, coalesce(s.n_live_tup, 0), coalesce(pg_total_relation_size(to_regclass(p.table_name)), 0)
                from log_partition p left join pg_stat_user_tables s on s.relid = to_regclass(p.table_name)
                where to_regclass(p.table_name) is not null
                order by p.environment, p.day
                """)
                .query((rs, n) -> new Partition(rs.getString(1), rs.getObject(2, LocalDate.class), rs.getString(3), rs.getLong(4), rs.getLong(5)))
                .list();
        latest.set(measured);
        lines.register(measured.stream().<MultiGauge.Row<?>>map(p -> MultiGauge.Row.of(tags(p), p.lines())).toList(), true);
        bytes.register(measured.stream().<MultiGauge.Row<?>>map(p -> MultiGauge.Row.of(tags(p), p.bytes())).toList(), true);
        return measured;
    }

    private static Tags tags(Partition p) {
        return Tags.of("environment", p.environment(), "day", p.day().toString());
    }

    @Override
    protected Worker worker() {
        return worker;
    }
}
