package dev.goldenfive.runbook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.validation.Validator;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.web.InvalidFields;

/** Publishing and reading runbook versions. */
@Service
@Transactional
public class Runbooks {

    /** The author of the runbooks goldenfive ships. */
    public static final String SYSTEM = "system";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final RunbookDocument documents;
    private final Clock clock;
    private final Map<Long, RunbookVersion> byId = new ConcurrentHashMap<>();

    Runbooks(JdbcClient jdbc, JsonMapper json, Validator validator, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.documents = new RunbookDocument(validator);
        this.clock = clock;
    }

    /** A version just published, or the latest one when it held the same runbook already. */
    public record Published(RunbookVersion version, boolean created) {
    }

    /** A runbook and its newest version, for lists. */
    public record Summary(String key, String title, int latestVersion, int stages, int lastWindowEndsAt,
            Instant updatedAt, String updatedBy) {
    }

    /**
     * Reads, checks and stores {@code source} as the next version of its runbook; the same runbook as the
     * latest version is not stored twice. Throws {@link InvalidFields} naming each problem.
     */
    public Published publish(String source, RunbookFormat format, String by) {
        Runbook runbook = documents.read(source, format);
        // versions of one runbook are numbered one after another, also when replicas publish at once
        jdbc.sql("select 1 from pg_advisory_xact_lock(hashtext('goldenfive.runbook'), hashtext(:key))")
                .param("key", runbook.key()).query(Integer.class).single();
        Optional<RunbookVersion> latest = latest(runbook.key());
        if (latest.isPresent() && latest.get().runbook().equals(runbook)) {
            return new Published(latest.get(), false);
        }
        int version = latest.map(v -> v.version() + 1).orElse(1);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        long id = jdbc.sql("""
                insert into runbook_version (runbook_key, version, title, definition, source, source_format, created_at, created_by)
                values (:key, :version, :title, cast(:definition as jsonb), :source, :format, :now, :by)
                returning id
                """)
                .param("key", runbook.key())
                .param("version", version)
                .param("title", runbook.title())
                .param("definition", json.writeValueAsString(runbook))
                .param("source", source)
                .param("format", format.name())
                .param("now", Timestamp.from(now))
                .param("by", by)
                .query(Long.class)
                .single();
        return new Published(new RunbookVersion(id, runbook.key(), version, runbook, now, by), true);
    }

    @Transactional(readOnly = true)
    public Optional<RunbookVersion> latest(String key) {
        return ids("where runbook_key = :key order by version desc limit 1", Map.of("key", key)).stream()
                .findFirst().flatMap(this::byId);
    }

    @Transactional(readOnly = true)
    public Optional<RunbookVersion> version(String key, int version) {
        return ids("where runbook_key = :key and version = :version", Map.of("key", key, "version", version)).stream()
                .findFirst().flatMap(this::byId);
    }

    /**
     * Versions never change, so each is read and parsed once; every other read finds ids and comes here
     * (the timers and pages ask often).
     */
    @Transactional(readOnly = true)
    public Optional<RunbookVersion> byId(long id) {
        RunbookVersion cached = byId.get(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<RunbookVersion> found = jdbc.sql("""
                select id, runbook_key, version, definition, created_at, created_by from runbook_version where id = :id
                """).param("id", id).query(this::version).optional();
        found.ifPresent(version -> byId.put(id, version));
        return found;
    }

    /** The version an incident follows: it exists (versions are never deleted), so its absence is a fault. */
    @Transactional(readOnly = true)
    public Runbook require(long versionId) {
        return byId(versionId).orElseThrow(() -> new IllegalStateException("Runbook version " + versionId + " is gone"))
                .runbook();
    }

    /** The YAML or JSON a version was published from, as it was sent. */
    @Transactional(readOnly = true)
    public Optional<String> source(String key, int version) {
        return jdbc.sql("select source from runbook_version where runbook_key = :key and version = :version")
                .param("key", key).param("version", version).query(String.class).optional();
    }

    @Transactional(readOnly = true)
    public List<RunbookVersion> versions(String key) {
        return ids("where runbook_key = :key order by version desc", Map.of("key", key)).stream()
                .flatMap(id -> byId(id).stream()).toList();
    }

    @Transactional(readOnly = true)
    public List<Summary> list() {
        return jdbc.sql("select distinct on (runbook_key) id from runbook_version order by runbook_key, version desc")
                .query(Long.class).list().stream()
                .flatMap(id -> byId(id).stream())
                .map(v -> new Summary(v.key(), v.runbook().title(), v.version(), v.runbook().stages().size(),
                        v.runbook().stages().getLast().endSeconds(), v.createdAt(), v.createdBy()))
                .toList();
    }

    private List<Long> ids(String where, Map<String, ?> params) {
        return jdbc.sql("select id from runbook_version " + where).params(params).query(Long.class).list();
    }

    private RunbookVersion version(ResultSet rs, int row) throws SQLException {
        return new RunbookVersion(rs.getLong("id"), rs.getString("runbook_key"), rs.getInt("version"),
                json.readValue(rs.getString("definition"), Runbook.class), rs.getTimestamp("created_at").toInstant(),
                rs.getString("created_by"));
    }
}
