package dev.goldenfive.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.goldenfive.security.AuditEvent.Outcome;
import dev.goldenfive.web.Worker;

/**
 * The audit of who signed in, whose roles changed and which tokens came and went. A change and its line are
 * written in the same transaction, so neither is kept without the other; lines older than
 * {@code goldenfive.security.audit.keep} are deleted.
 */
@Service
@Transactional
public class Audit implements SmartLifecycle {

    /** At most this many lines per page of the API and the admin page. */
    static final int MAX_PAGE = 500;
    private static final Logger log = LoggerFactory.getLogger(Audit.class);
    private static final TypeReference<Map<String, Object>> DETAIL = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final SecuritySettings.AuditSettings settings;
    private final Worker purge;

    Audit(JdbcClient jdbc, JsonMapper json, Clock clock, SecuritySettings settings) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.settings = settings.audit();
        this.purge = Worker.every(this.settings.purgeEvery(), "audit-purge", "deleting audit lines past their time", log,
                this::purge);
    }

    /** A line by whoever is signed in on this thread (a person, or a token), from the current request's address. */
    public void record(String action, Outcome outcome, String subject, Map<String, ?> detail) {
        Actor actor = currentActor();
        record(action, outcome, actor.name(), subject, actor.method(), currentAddress(), detail);
    }

    void record(String action, Outcome outcome, String actor, String subject, String method, String address,
            Map<String, ?> detail) {
        jdbc.sql("""
                insert into audit_event (at, action, outcome, actor, subject, method, address, detail)
                values (:at, :action, :outcome, :actor, :subject, :method, :address, cast(:detail as jsonb))
                """)
                .param("at", Timestamp.from(clock.instant()))
                .param("action", action)
                .param("outcome", outcome.name())
                .param("actor", clip(actor, 64))
                .param("subject", clip(subject, 200))
                .param("method", method)
                .param("address", clip(address, 64))
                .param("detail", json.writeValueAsString(detail == null ? Map.of() : detail))
                .update();
    }

    /** The detail of a change: {@code {"from": …, "to": …}} (either may be null). */
    static Map<String, Object> change(Object from, Object to) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("from", from);
        detail.put("to", to);
        return detail;
    }

    /**
     * What to look for: lines of {@code person} (as actor or subject), whose action starts with {@code action},
     * with {@code outcome}, in {@code [from, to)}, older than line {@code before} (for the next page).
     */
    public record Query(String person, String action, Outcome outcome, Instant from, Instant to, Long before) {

        public static Query all() {
            return new Query(null, null, null, null, null, null);
        }
    }

    /** Newest first, at most {@code limit} (1–{@value #MAX_PAGE}). */
    @Transactional(readOnly = true)
    public List<AuditEvent> search(Query query, int limit) {
        return select(query, " order by id desc limit " + Math.clamp(limit, 1, MAX_PAGE), 0).list();
    }

    /** Every matching line, oldest first, handed to {@code sink} one by one (for an export of any length). */
    @Transactional(readOnly = true)
    public void export(Query query, Consumer<AuditEvent> sink) {
        // read a thousand rows at a time (a cursor, in this read-only transaction), not the whole result at once
        try (Stream<AuditEvent> lines = select(query, " order by id", 1000).stream()) {
            lines.forEach(sink);
        }
    }

    private JdbcClient.MappedQuerySpec<AuditEvent> select(Query query, String order, int fetchSize) {
        StringBuilder sql = new StringBuilder("select * from audit_event where true");
        Map<String, Object> params = new LinkedHashMap<>();
        if (query.person() != null && !query.person().isBlank()) {
            sql.append(" and (lower(actor) = lower(:person) or lower(subject) = lower(:person))");
            params.put("person", query.person().strip());
        }
        if (query.action() != null && !query.action().isBlank()) {
            sql.append(" and action like :action");
            params.put("action", query.action().strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (query.outcome() != null) {
            sql.append(" and outcome = :outcome");
            params.put("outcome", query.outcome().name());
        }
        if (query.from() != null) {
            sql.append(" and at >= :from");
            params.put("from", Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            sql.append(" and at < :to");
            params.put("to", Timestamp.from(query.to()));
        }
        if (query.before() != null) {
            sql.append(" and id < :before");
            params.put("before", query.before());
        }
        return jdbc.sql(sql + order).params(params).withFetchSize(fetchSize).query(this::event);
    }

    private AuditEvent event(ResultSet rs, int row) throws SQLException {
        return new AuditEvent(rs.getLong("id"), rs.getTimestamp("at").toInstant(), rs.getString("action"),
                Outcome.valueOf(rs.getString("outcome")), rs.getString("actor"), rs.getString("subject"),
                rs.getString("method"), rs.getString("address"), json.readValue(rs.getString("detail"), DETAIL));
    }

    /** Deletes lines past their time, a batch at a time so a long backlog never holds one long transaction. */
    void purge() {
        Instant cutoff = clock.instant().minus(settings.keep());
        int deleted;
        do {
            deleted = jdbc.sql("delete from audit_event where id in (select id from audit_event where at < :cutoff limit 10000)")
                    .param("cutoff", Timestamp.from(cutoff)).update();
        }
        while (deleted == 10000);
    }

    private record Actor(String name, String method) {
    }

    private static Actor currentActor() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null) {
            return new Actor(null, null);
        }
        return switch (auth.getPrincipal()) {
            case SignedInUser user -> new Actor(user.getUsername(), "page");
            case TokenPrincipal token -> new Actor(token.getName(), "token");
            default -> new Actor(auth.getName(), null);
        };
    }

    static String currentAddress() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? addressOf(attributes.getRequest()) : null;
    }

    static String addressOf(HttpServletRequest request) {
        return request == null ? null : request.getRemoteAddr();
    }

    private static String clip(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    @Override
    public void start() {
        purge.start();
    }

    @Override
    public void stop() {
        purge.stop();
    }

    @Override
    public boolean isRunning() {
        return purge.running();
    }
}
