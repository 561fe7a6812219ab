package dev.goldenfive.logarchive;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.goldenfive.web.Background;
import dev.goldenfive.web.Worker;

/**
 * The index that finds Chinese, Japanese and Korean words: pg_trgm's over each line's pairs of such characters
 * ({@code log_cjk_words}, see the migrations). pg_trgm is an extension: goldenfive creates it where it may (the
 * embedded server; on PostgreSQL 13 and later any database owner may, it is trusted), and otherwise says once what a
 * superuser should run, and searches those words by reading the lines, as before. The index is built partition by
 * partition without blocking writes ({@code CREATE INDEX CONCURRENTLY}, then attached), by one replica at a time,
 * and searches use it once it is whole.
 */
@Component
class CjkIndex extends Background {

    private static final Logger log = LoggerFactory.getLogger(CjkIndex.class);
    static final String INDEX = "log_line_cjk_idx";
    /**
     * Over the lines that are not plain ASCII alone, told by two built-in lengths: most lines cost an insert nothing in
     * this index, not even the function's call.
     */
    static final String NOT_ASCII = "octet_length(message) <> char_length(message)";
    private static final String METHOD = " using gin (log_cjk_words(message) gin_trgm_ops) where " + NOT_ASCII;
    /** The characters whose runs are indexed as pairs, as log_cjk_words reads them. */
    static final Pattern RUN = Pattern.compile("[\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff]+");
    /** One replica builds: the others see the index when it is done. */
    private static final long LOCK = 0x676f6c64636a6bL;

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final Worker worker;
    private volatile boolean ready;
    private volatile boolean told;

    CjkIndex(JdbcClient jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.worker = new Worker("log-cjk-index", "indexing Chinese, Japanese and Korean words", log,
                Worker.Pace.retryingAfter(Duration.ofMinutes(1)), () -> ensure() ? Duration.ofMinutes(10) : Duration.ofMinutes(1));
    }

    /** Whether searches may use the index: it exists and is whole. */
    boolean ready() {
        return ready;
    }

    /**
     * The pairs of characters {@code text}'s runs of such characters hold, as the index holds them; none when a run is a
     * single character (such a word is searched by reading the lines).
     */
    static List<String> pairs(String text) {
        List<String> pairs = new ArrayList<>();
        Matcher run = RUN.matcher(text);
        while (run.find()) {
            String r = run.group();
            for (int i = 0; i + 2 <= r.length(); i++) {
                pairs.add(r.substring(i, i + 2));
            }
        }
        return pairs;
    }

    /** One round: the extension, then the index where it is missing; whether searches may use it now. */
    private boolean ensure() {
        if (!extension()) {
            return ready = false;
        }
        if (!whole()) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                if (locked(connection)) {
                    try {
                        long t0 = System.nanoTime();
                        build(connection, "log_line", null);
                        log.info("Chinese, Japanese and Korean words are now searched through an index (built in {} s)",
                                (System.nanoTime() - t0) / 1_000_000_000);
                    }
                    finally {
                        execute(connection, "select pg_advisory_unlock(" + LOCK + ")");
                    }
                }
            }
            catch (SQLException ex) {
                throw new IllegalStateException("Could not build the index of Chinese, Japanese and Korean words", ex);
            }
        }
        return ready = whole();
    }

    /**
     * pg_trgm, created when it is missing and may be; said once when it may not, or when the database's locale hides
     * these characters from it (LC_CTYPE C: they are no letters to it, and it would index nothing).
     */
    private boolean extension() {
        try {
            if (!Boolean.TRUE.equals(jdbc.sql("select exists (select 1 from pg_extension where extname = 'pg_trgm')").query(Boolean.class).single())) {
                jdbc.sql("create extension if not exists pg_trgm").update();
            }
            if (Boolean.TRUE.equals(jdbc.sql("select coalesce(array_length(show_trgm('构建'), 1), 0) > 0").query(Boolean.class).single())) {
                return true;
            }
            tell("pg_trgm finds no letters in Chinese, Japanese or Korean text under this database's LC_CTYPE ("
                    + jdbc.sql("show lc_ctype").query(String.class).single() + "); a database made with a UTF-8 locale (such as C.UTF-8) would");
            return false;
        }
        catch (RuntimeException notAllowed) {
            tell("the PostgreSQL extension pg_trgm is not installed and this user may not install it (" + notAllowed.getMessage()
                    + "). As a superuser, run in the database " + jdbc.sql("select current_database()").query(String.class).single()
                    + ": CREATE EXTENSION pg_trgm; goldenfive builds the index within a minute after");
            return false;
        }
    }

    /** Says once, in the log, why these words are found by reading lines. */
    private void tell(String why) {
        if (!told) {
            told = true;
            log.warn("Chinese, Japanese and Korean words are searched by reading every line of the range: {}.", why);
        }
    }

    private boolean whole() {
        return Boolean.TRUE.equals(jdbc.sql("select coalesce((select indisvalid from pg_index where indexrelid = to_regclass(:index)), false)")
                .param("index", INDEX).query(Boolean.class).single());
    }

    private static boolean locked(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); var rs = statement.executeQuery("select pg_try_advisory_lock(" + LOCK + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * The index of {@code table} and of its partitions below it, attached to {@code parentIndex}: a partitioned table's
     * own index is made on it alone, a leaf's concurrently, so writes go on meanwhile.
     */
    private void build(Connection connection, String table, String parentIndex) throws SQLException {
        // a partition made after the parent index (a new day) got its own copy from PostgreSQL, already attached
        String copy = parentIndex == null ? null : jdbc.sql("select c.relname from pg_index x join pg_class c on c.oid = x.indexrelid"
                        + " join pg_inherits h on h.inhrelid = x.indexrelid where x.indrelid = to_regclass(:table) and h.inhparent = to_regclass(:parent)")
                .param("table", table).param("parent", parentIndex).query(String.class).optional().orElse(null);
        String index = parentIndex == null ? INDEX : copy != null ? copy : name(table);
        boolean partitioned = "p".equals(jdbc.sql("select relkind::text from pg_class where oid = to_regclass(:table)")
                .param("table", table).query(String.class).single());
        if (partitioned) {
            if (copy == null) {
                execute(connection, "create index if not exists " + index + " on only " + table + METHOD);
            }
            for (String child : jdbc.sql("select inhrelid::regclass::text from pg_inherits where inhparent = to_regclass(:table)")
                    .param("table", table).query(String.class).list()) {
                build(connection, child, index);
            }
        }
        else if (copy == null) {
            // a concurrent build cut off (a restart) leaves an invalid index behind: made again
            if (Boolean.FALSE.equals(jdbc.sql("select indisvalid from pg_index where indexrelid = to_regclass(:index)")
                    .param("index", index).query(Boolean.class).optional().orElse(null))) {
                execute(connection, "drop index concurrently if exists " + index);
            }
            execute(connection, "create index concurrently if not exists " + index + " on " + table + METHOD);
        }
        if (parentIndex != null && copy == null) {
            execute(connection, "alter index " + parentIndex + " attach partition " + index);
        }
    }

    /** The index's name for a partition: its table's, with a suffix, within PostgreSQL's 63 characters. */
    private static String name(String table) {
        String name = table + "_cjk";
        return name.length() <= 63 ? name : name.substring(0, 63);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Override
    protected Worker worker() {
        return worker;
    }
}
