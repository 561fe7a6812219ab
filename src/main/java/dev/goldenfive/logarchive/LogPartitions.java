package dev.goldenfive.logarchive;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The day and environment partitions of {@code log_line}: made when a batch first needs them (by any
 * replica, one at a time), and dropped whole when their environment's retention is over.
 */
@Component
class LogPartitions {

    private static final Logger log = LoggerFactory.getLogger(LogPartitions.class);
    private static final int LOCK_NAMESPACE = 0x67663567;
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    private final JdbcClient jdbc;
    private final TransactionTemplate separately;
    private final Clock clock;
    /** Partitions known to exist, by day and environment. */
    private final Set<Map.Entry<LocalDate, String>> known = ConcurrentHashMap.newKeySet();

    LogPartitions(JdbcClient jdbc, PlatformTransactionManager transactions, Clock clock) {
        this.jdbc = jdbc;
        this.separately = new TransactionTemplate(transactions);
        this.separately.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
    }

    /** Makes the partitions these lines go to, each in a transaction of its own, before they are stored. */
    void ensure(Set<Map.Entry<LocalDate, String>> needed) {
        for (Map.Entry<LocalDate, String> part : needed) {
            if (!known.contains(part)) {
                separately.executeWithoutResult(status -> create(part.getKey(), part.getValue()));
                known.add(part);
            }
        }
    }

    /**
     * Makes tomorrow's partitions of every environment that has lines today, so that the first lines after
     * midnight do not wait for them (making one briefly locks the tables that searches read).
     */
    void prepareTomorrow() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Set<Map.Entry<LocalDate, String>> tomorrow = new LinkedHashSet<>();
        jdbc.sql("select environment from log_partition where day = :today").param("today", today).query(String.class).list()
                .forEach(environment -> tomorrow.add(Map.entry(today.plusDays(1), environment)));
        ensure(tomorrow);
    }

    /** Forgets that these partitions exist, so that the next {@link #ensure} looks again. */
    void forget(Set<Map.Entry<LocalDate, String>> parts) {
        known.removeAll(parts);
    }

    private void create(LocalDate day, String environment) {
        jdbc.sql("select pg_advisory_xact_lock(:namespace, 0)").param("namespace", LOCK_NAMESPACE).query().singleRow();
        // making a partition locks its parent: wait a little for searches and copies, then give up and retry later
        jdbc.sql("set local lock_timeout = '5s'").update();
        boolean exists = jdbc.sql("select count(*) from log_partition where day = :day and environment = :environment")
                .param("day", day).param("environment", environment).query(Long.class).single() > 0;
        if (exists) {
            return;
        }
        // a day expired for every environment has no table left: lines that old for another one make it again
        String dayTable = "log_" + DAY.format(day);
        // bounds with their offset: a bare date would be read in the session's time zone, which is the JVM's
        jdbc.sql("create table if not exists " + dayTable + " partition of log_line for values from ('" + day
                + " 00:00:00+00') to ('" + day.plusDays(1) + " 00:00:00+00') partition by list (environment)").update();
        String table = dayTable + "_" + hash(environment);
        // the environment is a bound value, not SQL: quoted as a literal by PostgreSQL itself
        String literal = jdbc.sql("select quote_literal(:environment)").param("environment", environment).query(String.class).single();
        jdbc.sql("create table " + table + " partition of " + dayTable + " for values in (" + literal + ")").update();
        jdbc.sql("insert into log_partition (table_name, day, environment, created_at) values (:table, :day, :environment, :now)")
                .param("table", table).param("day", day).param("environment", environment)
                .param("now", Timestamp.from(clock.instant())).update();
    }

    /**
     * Drops every partition whose environment's retention ({@code daysKept}) is over (a day is dropped once the
     * whole day is older than the retention), and then the day tables left empty. Partitions that stay locked by readers
     * for more than a few seconds are left for the next run. The number of partitions dropped.
     */
    int dropExpired(ToIntFunction<String> daysKept) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        record Partition(String table, LocalDate day, String environment) {
        }
        List<Map.Entry<String, LocalDate>> expired = jdbc.sql("select table_name, day, environment from log_partition order by day")
                .query((rs, row) -> new Partition(rs.getString(1), rs.getObject(2, LocalDate.class), rs.getString(3)))
                .list().stream()
                .filter(p -> p.day().plusDays(daysKept.applyAsInt(p.environment())).isBefore(today))
                .map(p -> Map.entry(p.table(), p.day()))
                .toList();
        int dropped = 0;
        for (Map.Entry<String, LocalDate> partition : expired) {
            try {
                separately.executeWithoutResult(status -> {
                    jdbc.sql("set local lock_timeout = '5s'").update();
                    jdbc.sql("drop table if exists " + partition.getKey()).update();
                    jdbc.sql("delete from log_partition where table_name = :table").param("table", partition.getKey()).update();
                    if (jdbc.sql("select count(*) from log_partition where day = :day").param("day", partition.getValue())
                            .query(Long.class).single() == 0) {
                        jdbc.sql("drop table if exists log_" + DAY.format(partition.getValue())).update();
                    }
                });
                known.removeIf(part -> part.getKey().equals(partition.getValue()));
                dropped++;
            }
            catch (RuntimeException busy) {
                log.warn("Could not drop the expired log partition {} now; trying again at the next run", partition.getKey(), busy);
            }
        }
        return dropped;
    }

    /** A name part for an environment: any text becomes 12 hex digits. */
    private static String hash(String environment) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(environment.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is part of every JDK", ex);
        }
    }
}
