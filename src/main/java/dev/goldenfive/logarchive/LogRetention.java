package dev.goldenfive.logarchive;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;
import dev.goldenfive.web.RequestBodies;
import dev.goldenfive.web.Worker;

/**
 * How long each environment's lines are kept, and the job that drops expired partitions at start and then
 * every {@link LogSettings#retentionEvery()}, on every replica.
 */
@Component
class LogRetention implements SmartLifecycle {

    static final String OTHERS = "*";

    private static final Logger log = LoggerFactory.getLogger(LogRetention.class);

    private final LogPartitions partitions;
    private final LogSettings settings;
    private final JdbcClient jdbc;
    private final Worker runner;

    LogRetention(LogPartitions partitions, LogSettings settings, JdbcClient jdbc) {
        this.partitions = partitions;
        this.settings = settings;
        this.jdbc = jdbc;
        this.runner = Worker.every(settings.retentionEvery(), "log-retention", "log retention", log, this::run);
    }

    /** Days kept per environment; {@value #OTHERS} for every environment not named. */
    Map<String, Integer> days() {
        Map<String, Integer> days = new TreeMap<>();
        jdbc.sql("select environment, days from log_retention").query(rs -> {
            days.put(rs.getString(1), rs.getInt(2));
        });
        return days;
    }

    /**
     * How long an environment's lines are kept, and why: its own days ({@code own}), those of the environment it is the
     * same as ({@code sameAs}, such as production as prod), or those of every other environment ({@value #OTHERS}).
     */
    record Rule(String environment, int days, String sameAs, boolean own) {
    }

    /** Days that stand for "kept": no {@value #OTHERS} rule says otherwise (it is seeded, and cannot be forgotten). */
    static final int KEPT = 36_500;

    /**
     * The rule each environment's lines are kept by, read once for every environment asked. Another name of the same
     * environment (production for prod) only ever keeps lines longer than {@value #OTHERS} would: upgrading never
     * drops what was kept.
     */
    Function<String, Rule> rules() {
        Map<String, Integer> days = days();
        Map<String, String> aliases = settings.aliases();
        int others = days.getOrDefault(OTHERS, KEPT);
        return environment -> {
            Integer own = days.get(environment);
            if (own != null) {
                return new Rule(environment, own, null, true);
            }
            String alias = aliases.get(environment.toLowerCase(Locale.ROOT));
            Integer same = alias == null ? null : days.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(alias))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            return same != null && same > others ? new Rule(environment, same, alias, false) : new Rule(environment, others, null, false);
        };
    }

    /** Environments retention may name (the archive keeps one partition per day and environment). */
    static final int MAX_ENVIRONMENTS = 200;

    /**
     * Sets the days of the environments named (a null value forgets an environment, which then keeps
     * {@value #OTHERS}'s days); the next run drops what is now expired. At most {@value #MAX_ENVIRONMENTS}
     * environments are kept.
     */
    @Transactional
    Map<String, Integer> set(Map<String, Integer> changes, String by) {
        if (changes.size() > MAX_ENVIRONMENTS) {
            throw RequestBodies.tooMany(MAX_ENVIRONMENTS, "environments", "A retention change");
        }
        List<FieldProblem> problems = new ArrayList<>();
        changes.forEach((environment, days) -> {
            if (environment == null || environment.isBlank() || environment.length() > 50) {
                problems.add(new FieldProblem(String.valueOf(environment), "an environment is 1–50 characters"));
            }
            else if (days == null ? OTHERS.equals(environment) : days < 1 || days > 3650) {
                problems.add(new FieldProblem(environment, days == null ? "'*' cannot be forgotten" : "must be 1–3650 days"));
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidFields(problems);
        }
        // one change at a time, so that two cannot each stay under the limit and together pass it
        jdbc.sql("lock table log_retention in share row exclusive mode").update();
        int before = days().size();
        changes.forEach((environment, days) -> {
            if (days == null) {
                jdbc.sql("delete from log_retention where environment = :environment").param("environment", environment).update();
            }
            else {
                jdbc.sql("""
                        insert into log_retention (environment, days, updated_at, updated_by) values (:environment, :days, now(), :by)
                        on conflict (environment) do update set days = excluded.days, updated_at = now(), updated_by = excluded.updated_by
                        """).param("environment", environment).param("days", days).param("by", by).update();
            }
        });
        Map<String, Integer> now = days();
        if (now.size() > MAX_ENVIRONMENTS && now.size() > before) {
            throw RequestBodies.tooMany(MAX_ENVIRONMENTS, "environments", "Retention");
        }
        return now;
    }

    void run() {
        partitions.prepareTomorrow();
        Function<String, Rule> rules = rules();
        int dropped = partitions.dropExpired(environment -> rules.apply(environment).days());
        if (dropped > 0) {
            log.info("Dropped {} expired log partitions", dropped);
        }
    }

    @Override
    public void start() {
        runner.start();
    }

    @Override
    public void stop() {
        runner.stop();
    }

    @Override
    public boolean isRunning() {
        return runner.running();
    }
}
