package dev.goldenfive.probe;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.security.ApiTokens;
import dev.goldenfive.security.IssuedToken;
import dev.goldenfive.security.TokenView;
import dev.goldenfive.security.UserAccounts;
import dev.goldenfive.web.InvalidField;

/**
 * Machines that post probes, logs and alerts. An administrator registers an agent with a name and labels
 * (environment, site, network…) and gets its token once; the labels go with every result it posts.
 * Rotating gives the agent a new token and revokes the old one at once; revoking retires the agent.
 */
@Service
@Transactional
public class Agents {

    static final int MAX_LABELS = 20;
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
    };
    private static final String SELECT = "select id, name, labels, token_id, created_at, created_by, revoked_at from agent";

    private final ApiTokens tokens;
    private final UserAccounts accounts;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    /** Agents by their current token: read on every post, changed only by rotate and revoke. */
    private final Map<Long, Optional<Agent>> byToken = new ConcurrentHashMap<>();

    Agents(ApiTokens tokens, UserAccounts accounts, JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** An agent as stored. */
    public record Agent(long id, String name, Map<String, String> labels, long tokenId, Instant createdAt,
            String createdBy, Instant revokedAt) {
    }

    /** An agent as administrators see it: with its token's prefix, when it last posted and how many results it sent. */
    public record AgentView(long id, String name, Map<String, String> labels, String tokenPrefix, Instant createdAt,
            String createdBy, Instant lastSeenAt, long results, Instant revokedAt, boolean active) {
    }

    /** A new or rotated agent with its token, shown this once. */
    public record Registered(AgentView agent, String token) {
    }

    public Registered register(String name, Map<String, String> labels, String admin) {
        String trimmed = name == null ? "" : name.strip();
        if (!trimmed.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new InvalidField("name", "must be 1–100 letters, digits, '.', '_' or '-', starting with a letter or digit", "agents.problem.name");
        }
        Map<String, String> checked = checkLabels(labels);
        if (jdbc.sql("select count(*) from agent where lower(name) = lower(:name) and revoked_at is null")
                .param("name", trimmed).query(Long.class).single() > 0) {
            throw new InvalidField("name", "an agent named '" + trimmed + "' exists already", "agents.problem.taken", trimmed);
        }
        IssuedToken issued = tokens.issueAgent(trimmed, userId(admin));
        long id;
        try {
            id = jdbc.sql("""
                insert into agent (name, labels, token_id, created_at, created_by)
                values (:name, cast(:labels as jsonb), :token, :now, :by) returning id
                """)
                .param("name", trimmed)
                .param("labels", json.writeValueAsString(checked))
                .param("token", issued.details().id())
                .param("now", Timestamp.from(now()))
                .param("by", admin)
                .query(Long.class).single();
        }
        catch (DuplicateKeyException registeredMeanwhile) {
            throw new InvalidField("name", "an agent named '" + trimmed + "' exists already", "agents.problem.taken", trimmed);
        }
        return new Registered(view(find(id)), issued.token());
    }

    @Transactional(readOnly = true)
    public List<AgentView> list() {
        return views(jdbc.sql(SELECT + " order by revoked_at is not null, lower(name)").query(this::agent).list());
    }

    @Transactional(readOnly = true)
    public AgentView get(long id) {
        return view(find(id));
    }

    /** A new token for the agent; the old one stops working now. */
    public Registered rotate(long id, String admin) {
        Agent agent = lockActive(id);
        IssuedToken issued = tokens.issueAgent(agent.name(), userId(admin));
        jdbc.sql("update agent set token_id = :token where id = :id")
                .param("token", issued.details().id()).param("id", id).update();
        tokens.revoke(agent.tokenId());
        byToken.remove(agent.tokenId());
        return new Registered(view(find(id)), issued.token());
    }

    /** The agent stops: its token is revoked; its results stay. */
    public AgentView revoke(long id) {
        Agent agent = lockActive(id);
        jdbc.sql("update agent set revoked_at = :now where id = :id").param("now", Timestamp.from(now())).param("id", id).update();
        tokens.revoke(agent.tokenId());
        byToken.remove(agent.tokenId());
        return view(find(id));
    }

    /** The agent posting with this token, if the token belongs to a registered agent. */
    @Transactional(readOnly = true)
    public Optional<Agent> byToken(long tokenId) {
        Optional<Agent> known = byToken.get(tokenId);
        if (known != null) {
            return known;
        }
        // asked outside the map: computeIfAbsent would hold a lock of the map through the query, and on Java 21
        // a virtual thread holding a monitor keeps its carrier thread for as long as the database takes
        Optional<Agent> agent = jdbc.sql(SELECT + " where token_id = :token").param("token", tokenId).query(this::agent).optional();
        byToken.putIfAbsent(tokenId, agent);
        return agent;
    }

    static Map<String, String> checkLabels(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        if (labels.size() > MAX_LABELS) {
            throw new InvalidField("labels", "at most " + MAX_LABELS + " labels", "agents.problem.labels.many", MAX_LABELS);
        }
        Map<String, String> sorted = new TreeMap<>();
        labels.forEach((key, value) -> {
            if (key == null || !key.matches(ProbeResult.LABEL)) {
                throw new InvalidField("labels", "'" + key + "': " + ProbeResult.LABEL_MESSAGE, "agents.problem.labels.name", key);
            }
            if (value == null || value.isBlank() || value.length() > 200) {
                throw new InvalidField("labels." + key, "must be 1–200 characters", "agents.problem.labels.value", key);
            }
            sorted.put(key, value.strip());
        });
        return sorted;
    }

    private long userId(String username) {
        return accounts.findByUsername(username).orElseThrow(() -> new IllegalStateException("No user " + username)).id();
    }

    private Agent lockActive(long id) {
        Agent agent = jdbc.sql(SELECT + " where id = :id for update").param("id", id).query(this::agent).optional()
                .orElseThrow(() -> new ProbeProblems.AgentNotFound(id));
        if (agent.revokedAt() != null) {
            throw new ProbeProblems.AgentRevoked(agent.name());
        }
        return agent;
    }

    private Agent find(long id) {
        return jdbc.sql(SELECT + " where id = :id").param("id", id).query(this::agent).optional()
                .orElseThrow(() -> new ProbeProblems.AgentNotFound(id));
    }

    private AgentView view(Agent agent) {
        return views(List.of(agent)).getFirst();
    }

    private List<AgentView> views(List<Agent> agents) {
        Map<Long, TokenView> tokenViews = tokens.find(agents.stream().map(Agent::tokenId).toList()).stream()
                .collect(Collectors.toMap(TokenView::id, Function.identity()));
        Map<Long, Long> counts = new HashMap<>();
        jdbc.sql("select agent_id, count(*) from probe_result where agent_id = any(:ids) group by agent_id")
                .param("ids", SqlArrays.of("int8", agents.stream().map(Agent::id).toArray()))
                .query(rs -> {
                    counts.put(rs.getLong(1), rs.getLong(2));
                });
        return agents.stream().map(a -> {
            TokenView token = tokenViews.get(a.tokenId());
            return new AgentView(a.id(), a.name(), a.labels(), token == null ? null : token.prefix(), a.createdAt(),
                    a.createdBy(), token == null ? null : token.lastUsedAt(), counts.getOrDefault(a.id(), 0L), a.revokedAt(),
                    a.revokedAt() == null && token != null && token.active());
        }).toList();
    }

    private Agent agent(ResultSet rs, int row) throws SQLException {
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new Agent(rs.getLong("id"), rs.getString("name"), json.readValue(rs.getString("labels"), LABELS),
                rs.getLong("token_id"), rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"),
                revoked == null ? null : revoked.toInstant());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
