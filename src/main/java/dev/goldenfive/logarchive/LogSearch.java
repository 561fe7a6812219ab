package dev.goldenfive.logarchive;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.web.InvalidField;
import dev.goldenfive.web.PageKey;

/**
 * Finds log lines: a {@link LogQuery} over a time range, newest first, a page at a time (keyset), with the
 * words to highlight; and the lines around one line on the same service and host. Every search runs under
 * a statement timeout.
 */
@Service
public class LogSearch implements AutoCloseable {

    public static final int MAX_LIMIT = 5000;
    public static final Duration MAX_RANGE = Duration.ofDays(31);
    static final int MAX_CONTEXT = 100;
    /** A line's key: its time and id, which say where it is (its partition) and which it is. */
    private static final String KEY_REASON = "must be a line's key, as search answers give it";
    private static final String KEY_CODE = "logs.problem.key";
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Searches one replica runs at once; more wait for a connection. */
    static final int POOL = 4;
    private static final String SELECT = "select id, ts, environment, service, host, level, message, trace_id, span_id, "
            + "incident, attributes from log_line";
    private static final TypeReference<Map<String, Object>> ATTRIBUTES = new TypeReference<>() {
    };

    private final HikariDataSource pool;
    private final JdbcClient jdbc;
    private final ObjectReader attributes;
    private final CjkIndex cjk;

    LogSearch(JdbcConnectionDetails database, JsonMapper json, CjkIndex cjk) {
        this.cjk = cjk;
        // searches have connections of their own: a burst of them cannot take those that ingest, pages and
        // timers need, and every statement on them is stopped by PostgreSQL after the timeout
        HikariConfig config = new HikariConfig();
        config.setPoolName("log-search");
        config.setJdbcUrl(database.getJdbcUrl());
        config.setUsername(database.getUsername());
        config.setPassword(database.getPassword());
        config.setMaximumPoolSize(POOL);
        config.setMinimumIdle(0);
        // a search that cannot get a connection soon says so, rather than holding a page for half a minute
        config.setConnectionTimeout(Duration.ofSeconds(3).toMillis());
        // and they can only read, whatever a search's SQL were to ask
        config.setConnectionInitSql("set statement_timeout = '" + TIMEOUT.toMillis() + "ms'; set default_transaction_read_only = on");
        this.pool = new HikariDataSource(config);
        this.jdbc = JdbcClient.create(pool);
        this.attributes = json.readerFor(ATTRIBUTES);
    }

    /** A setting of the connections searches run on, as PostgreSQL reports it ({@code statement_timeout}). */
    String setting(String name) {
        return jdbc.sql("select current_setting(:name)").param("name", name).query(String.class).single();
    }

    @Override
    public void close() {
        pool.close();
    }

    /** One line found; {@code key} names it for context and pinning. */
    public record Line(String key, Instant ts, String environment, String service, String host, String level,
            String message, String traceId, String spanId, String incident, Map<String, Object> attributes) {
    }

    /** A page of lines, newest first; {@code next} is the cursor of the following page, absent on the last. */
    public record Page(List<Line> lines, String next, List<String> highlight) {
    }

    /** {@code cursor}: the {@code next} of the page before. */
    public Page search(String q, Instant from, Instant to, String cursor, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (!from.isBefore(to)) {
            throw new InvalidField("from", "must be before 'to'", "logs.problem.from.order");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw new InvalidField("from", "the range may be at most " + MAX_RANGE.toDays() + " days", "logs.problem.from.range", MAX_RANGE.toDays());
        }
        LogQuery query = LogQuery.parse(q);
        Statement statement = statement(query, from, to, cursor, limit, cjk.ready());
        List<Line> lines = jdbc.sql(statement.sql()).params(statement.params()).query(this::row).list();
        boolean more = lines.size() > limit;
        List<Line> page = more ? lines.subList(0, limit) : lines;
        return new Page(List.copyOf(page), more ? page.getLast().key() : null, query.terms());
    }

    /** A search as SQL and its bound values: what {@link #search} runs (and a benchmark runs bare). */
    record Statement(String sql, Map<String, Object> params) {
    }

    /** {@code cjkIndex}: whether the index of Chinese, Japanese and Korean words may be used ({@link CjkIndex#ready()}). */
    static Statement statement(LogQuery query, Instant from, Instant to, String cursor, int limit, boolean cjkIndex) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder where = where(query, from, to, params, cjkIndex);
        if (cursor != null && !cursor.isBlank()) {
            PageKey after = PageKey.parse(cursor, "cursor", KEY_REASON, KEY_CODE);
            where.append(" and (ts, id) < (:afterTs, :afterId)");
            params.put("afterTs", Timestamp.from(after.at()));
            params.put("afterId", after.id());
        }
        params.put("limit", limit + 1);
        return new Statement(SELECT + where + " order by ts desc, id desc limit :limit", params);
    }

    /**
     * The newest lines of an incident: those of its service and environment, and those carrying one of
     * {@code traceIds}, between {@code from} and {@code to}.
     */
    public List<Line> forIncident(String service, String environment, Collection<String> traceIds, Instant from,
            Instant to, int limit) {
        // two bounded reads rather than one with OR: the first keeps to the environment's partitions and the
        // service's index, the second to the trace index; the page shows on every live refresh of the incident
        String window = SELECT + " where ts >= :from and ts < :to and ";
        String newest = " order by ts desc, id desc limit :limit";
        return jdbc.sql("select * from ((" + window + "service = :service and environment = :environment" + newest + ")"
                        + " union (" + window + "trace_id = any(:traces)" + newest + ")) l" + newest)
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                .param("service", service).param("environment", environment)
                .param("traces", SqlArrays.of("text", traceIds.toArray()))
                .param("limit", limit)
                .query(this::row).list();
    }

    /** One line by its key, if it is still kept. */
    public Optional<Line> line(String key) {
        return line(PageKey.parse(key, "line", KEY_REASON, KEY_CODE));
    }

    private Optional<Line> line(PageKey key) {
        return jdbc.sql(SELECT + " where ts = :ts and id = :id").param("ts", Timestamp.from(key.at())).param("id", key.id())
                .query(this::row).optional();
    }

    /** How many lines match in each of {@code buckets} equal slices of the range, oldest first. */
    public record Histogram(Instant from, Duration bucket, List<Long> counts) {

        /** A bar of a chart {@code width} by {@code height} (a bar per bucket that has lines). */
        public record Bar(int x, int y, int width, int height, Instant at, long count) {
        }

        public List<Bar> bars(int width, int height) {
            long max = counts.stream().mapToLong(Long::longValue).max().orElse(0);
            int slot = width / Math.max(1, counts.size());
            List<Bar> bars = new ArrayList<>();
            for (int i = 0; i < counts.size(); i++) {
                long count = counts.get(i);
                if (count > 0) {
                    int h = (int) Math.max(2, count * height / max);
                    bars.add(new Bar(i * slot, height - h, Math.max(1, slot - 1), h, from.plus(bucket.multipliedBy(i)), count));
                }
            }
            return bars;
        }
    }

    public Histogram histogram(String q, Instant from, Instant to, int buckets) {
        LogQuery query = LogQuery.parse(q);
        boolean cjkIndex = cjk.ready();
        Duration bucket = Duration.between(from, to).dividedBy(buckets);
        if (bucket.isZero()) {
            bucket = Duration.ofSeconds(1);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder where = where(query, from, to, params, cjkIndex);
        long[] counts = new long[buckets];
        long bucketMillis = Math.max(1, bucket.toMillis());
        jdbc.sql("select floor(extract(epoch from ts - :from) * 1000 / :bucketMillis) as n, count(*) from log_line" + where + " group by n")
                .params(params).param("from", Timestamp.from(from)).param("bucketMillis", bucketMillis)
                .query(rs -> {
                    int n = (int) rs.getLong(1);
                    if (n >= 0 && n < buckets) {
                        counts[n] += rs.getLong(2);
                    }
                });
        return new Histogram(from, bucket, Arrays.stream(counts).boxed().toList());
    }

    /** The lines before and after one line, on its service and host, oldest first (the line among them). */
    public List<Line> context(String lineKey, int before, int after) {
        if (before < 0 || before > MAX_CONTEXT || after < 0 || after > MAX_CONTEXT) {
            throw new InvalidField("before", "before and after must be between 0 and " + MAX_CONTEXT, "logs.problem.context", MAX_CONTEXT);
        }
        PageKey key = PageKey.parse(lineKey, "line", KEY_REASON, KEY_CODE);
        Line line = line(key).orElseThrow(() -> new InvalidField("line", "there is no such line (it may have expired)", "logs.problem.line"));
        // '=' (or 'is null') rather than 'is not distinct from', which no index can serve
        String same = " where " + (line.service() == null ? "service is null" : "service = :service")
                + " and " + (line.host() == null ? "host is null" : "host = :host")
                + " and environment = :environment and ts between :earliest and :latest";
        Map<String, Object> params = new HashMap<>();
        params.put("ts", Timestamp.from(key.at()));
        params.put("id", key.id());
        params.put("earliest", Timestamp.from(key.at().minus(Duration.ofDays(1))));
        params.put("latest", Timestamp.from(key.at().plus(Duration.ofDays(1))));
        params.put("service", line.service());
        params.put("host", line.host());
        params.put("environment", line.environment());
        List<Line> older = jdbc.sql(SELECT + same + " and (ts, id) < (:ts, :id) order by ts desc, id desc limit :n")
                .params(params).param("n", before).query(this::row).list();
        List<Line> newer = jdbc.sql(SELECT + same + " and (ts, id) > (:ts, :id) order by ts, id limit :n")
                .params(params).param("n", after).query(this::row).list();
        List<Line> all = new ArrayList<>(older.reversed());
        all.add(line);
        all.addAll(newer);
        return all;
    }

    /** The time range and the query's conditions, their values put into {@code params}. */
    private static StringBuilder where(LogQuery query, Instant from, Instant to, Map<String, Object> params, boolean cjkIndex) {
        StringBuilder where;
        if (cjkIndex && query.contains().stream().anyMatch(c -> !c.excluded() && !CjkIndex.pairs(c.pattern()).isEmpty())) {
            // a search through the index of character pairs carries its range in the statement, as it does its pairs: a
            // plan made for any value (a prepared statement's, after a few runs) cannot see that a word is rare, and
            // reads the range newest first where the index finds the few lines at once. An instant's text is safe SQL.
            where = new StringBuilder(" where ts >= '" + from + "'::timestamptz and ts < '" + to + "'::timestamptz");
        }
        else {
            where = new StringBuilder(" where ts >= :from and ts < :to");
            params.put("from", Timestamp.from(from));
            params.put("to", Timestamp.from(to));
        }
        conditions(query, where, params, cjkIndex);
        return where;
    }

    private static void conditions(LogQuery query, StringBuilder where, Map<String, Object> params, boolean cjkIndex) {
        for (int i = 0; i < query.fields().size(); i++) {
            LogQuery.FieldCondition c = query.fields().get(i);
            String param = "f" + i;
            // the column comes from a fixed list, the value is bound
            String test = c.exact() != null ? c.column() + " = :" + param : c.column() + " like :" + param + " escape '\\'";
            // an excluded value leaves the lines without that field in
            where.append(c.excluded() ? " and not coalesce(" + test + ", false)" : " and " + test);
            params.put(param, c.exact() != null ? c.exact() : c.pattern());
        }
        if (!query.text().isEmpty()) {
            where.append(" and words @@ websearch_to_tsquery('simple', :text)");
            params.put("text", query.text());
        }
        for (int i = 0; i < query.contains().size(); i++) {
            LogQuery.Contains c = query.contains().get(i);
            // the text as a terminal shows it: words inside colour codes match (see log_plain in the migrations)
            where.append(c.excluded() ? " and log_plain(message) not ilike :c" + i + " escape '\\'"
                    : " and log_plain(message) ilike :c" + i + " escape '\\'");
            params.put("c" + i, c.pattern());
            if (cjkIndex && !c.excluded()) {
                // every pair of characters of the word, each found through the index; the word itself checked above. The
                // pairs are written into the statement, not bound: a plan made for any value (as a prepared statement's
                // may be) cannot see that a pair is rare, and would read the range newest first. A pair holds only the
                // characters CjkIndex.RUN takes, so it needs no escaping.
                List<String> pairs = CjkIndex.pairs(c.pattern());
                for (String pair : pairs) {
                    where.append(" and log_cjk_words(message) like '% ").append(pair).append(" %'");
                }
                if (!pairs.isEmpty()) {
                    // the index holds only the lines that are not plain ASCII: said, so the planner knows it may use it
                    where.append(" and ").append(CjkIndex.NOT_ASCII);
                }
            }
        }
    }


    private Line row(ResultSet rs, int row) throws SQLException {
        Instant ts = rs.getTimestamp("ts").toInstant();
        return new Line(new PageKey(ts, rs.getLong("id")).toString(), ts, rs.getString("environment"), rs.getString("service"),
                rs.getString("host"), rs.getString("level"), rs.getString("message"), rs.getString("trace_id"),
                rs.getString("span_id"), rs.getString("incident"), attributes.readValue(rs.getString("attributes")));
    }
}
