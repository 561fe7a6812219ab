package dev.goldenfive.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.support.DefaultMessageSourceResolvable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.incident.FindingRecorded;
import dev.goldenfive.incident.IncidentEvent;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.web.Credentials;
import dev.goldenfive.web.InvalidField;
import dev.goldenfive.web.OutboundAddresses;
import dev.goldenfive.web.StrictStrings;
import dev.goldenfive.web.VisibleText;

/**
 * Webhooks that administrators register, and the messages for them. A message is written for every webhook
 * that wants it in the transaction of the incident change (stage entered, golden window missed, resolved),
 * so it is sent exactly when the change commits; {@link WebhookSender} sends it.
 */
@Service
public class Webhooks {

    /** The events a webhook can ask for, by the name they carry in {@code type}. */
    public static final List<String> EVENTS = List.of("incident.acknowledged", "incident.deadline-missed", "incident.escalated",
            "incident.paged", "incident.resolved", "incident.stage-entered", "incident.workaround-overdue");
    static final int MAX_LOG = 200;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Webhooks with how many of their messages are pending and failed, in one query (the page lists them all). */
    private static final String SELECT = """
            select w.id, w.name, w.url, w.events, w.created_at, w.created_by,
                   count(d.id) filter (where d.status = 'pending') as pending,
                   count(d.id) filter (where d.status = 'failed') as failed
            from webhook w left join webhook_delivery d on d.webhook_id = w.id""";
    private static final String GROUPED = " group by w.id";

    private final Incidents incidents;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final OutboundAddresses outbound;

    Webhooks(Incidents incidents, JdbcClient jdbc, JsonMapper json, Clock clock, OutboundAddresses outbound) {
        this.incidents = incidents;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.outbound = outbound;
    }

    /** A webhook as listed, without its secret and with any credentials in its URL masked, with how its latest deliveries went. */
    public record WebhookView(long id, String name, String url, List<String> events, Instant createdAt, String createdBy,
            long pending, long failed) {
    }

    /** A new webhook with its secret, shown this once. */
    public record Created(WebhookView webhook, String secret) {
    }

    /** One message to a webhook and how sending it went. */
    public record Delivery(long id, UUID eventId, String event, String incident, String status, int attempts,
            Instant createdAt, Instant lastAttemptAt, Integer lastStatus, String lastError, Instant nextAttemptAt,
            Instant deliveredAt) {
    }

    @Transactional
    public Created create(String name, String url, List<String> events, String by) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > 100) {
            throw new InvalidField("name", "must be 1–100 characters", "webhooks.problem.name");
        }
        if (VisibleText.needed(trimmed)) {
            throw new InvalidField("name", StrictStrings.PRINTABLE_MESSAGE, "problem.printable");
        }
        checkUrl(url);
        List<String> wanted = events == null || events.isEmpty() ? EVENTS : events;
        for (String event : wanted) {
            if (event == null || !EVENTS.contains(event)) {
                throw new InvalidField("events", "'" + event + "' is not one of " + EVENTS, "webhooks.problem.event", event,
                        String.join(", ", EVENTS));
            }
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        long id = jdbc.sql("""
                insert into webhook (name, url, secret, events, created_at, created_by)
                values (:name, :url, :secret, :events, :now, :by) returning id
                """)
                .param("name", trimmed).param("url", url.strip()).param("secret", secret)
                .param("events", SqlArrays.of("text", wanted.stream().distinct().sorted().toArray()))
                .param("now", Timestamp.from(clock.instant())).param("by", by)
                .query(Long.class).single();
        return new Created(get(id), secret);
    }

    @Transactional(readOnly = true)
    public List<WebhookView> list() {
        return jdbc.sql(SELECT + " where w.deleted_at is null" + GROUPED + " order by w.id").query(this::view).list();
    }

    @Transactional(readOnly = true)
    public WebhookView get(long id) {
        return jdbc.sql(SELECT + " where w.id = :id and w.deleted_at is null" + GROUPED).param("id", id).query(this::view).optional()
                .orElseThrow(() -> new WebhookNotFound(id));
    }

    /** No further messages; those not yet sent are dropped (failed), the log stays. */
    @Transactional
    public void delete(long id) {
        if (jdbc.sql("update webhook set deleted_at = :now where id = :id and deleted_at is null")
                .param("now", Timestamp.from(clock.instant())).param("id", id).update() == 0) {
            throw new WebhookNotFound(id);
        }
        jdbc.sql("update webhook_delivery set status = 'failed', next_attempt_at = null, last_error = 'webhook deleted' "
                + "where webhook_id = :id and status = 'pending'").param("id", id).update();
    }

    /** The newest deliveries of a webhook first. */
    @Transactional(readOnly = true)
    public List<Delivery> deliveries(long id) {
        return log(id).deliveries();
    }

    /** A webhook and its newest deliveries, for its page. */
    public record Log(WebhookView webhook, List<Delivery> deliveries) {
    }

    @Transactional(readOnly = true)
    public Log log(long id) {
        return new Log(get(id), jdbc.sql("""
                select id, event_id, event, incident_key, status, attempts, created_at, last_attempt_at, last_status,
                       last_error, next_attempt_at, delivered_at
                from webhook_delivery where webhook_id = :id order by id desc limit :limit
                """)
                .param("id", id).param("limit", MAX_LOG)
                .query((rs, row) -> new Delivery(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)),
                        (Integer) rs.getObject(9), rs.getString(10), instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12))))
                .list());
    }

    /** In the transaction of the change: a message for every webhook that asked for this event. */
    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    void on(IncidentEvent event) {
        String type = switch (event) {
            case IncidentEvent.StageEntered e -> "incident.stage-entered";
            case IncidentEvent.DeadlineMissed e -> "incident.deadline-missed";
            case IncidentEvent.IncidentResolved e -> "incident.resolved";
            case IncidentEvent.IncidentAcknowledged e -> "incident.acknowledged";
            default -> null;
        };
        if (type != null) {
            enqueue(type, () -> incidents.ref(event.incidentKey()).orElseThrow(), event.at(), event.summary(), event.actor(), event.fact());
        }
    }

    /** What other modules record as findings: the first page and each escalation, and a workaround overdue. */
    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    void on(FindingRecorded finding) {
        String type = switch (finding.entry().fact()) {
            case Fact.Paged paged when !paged.ended() -> paged.level() == 1 && paged.round() == 0 ? "incident.paged" : "incident.escalated";
            case Fact.WorkaroundOverdue overdue -> "incident.workaround-overdue";
            default -> null;
        };
        if (type != null) {
            enqueue(type, finding::incident, finding.entry().at(), finding.entry().summary(), finding.entry().actor(), finding.entry().fact());
        }
    }

    private void enqueue(String type, Supplier<IncidentRef> about, Instant at, String summary, Actor actor, Fact fact) {
        List<Long> targets = jdbc.sql("select id from webhook where deleted_at is null and :type = any(events)")
                .param("type", type).query(Long.class).list();
        if (targets.isEmpty()) {
            return;
        }
        IncidentRef incident = about.get();
        UUID eventId = UUID.randomUUID();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("key", incident.key().toString());
        facts.put("title", incident.title());
        facts.put("service", incident.service());
        facts.put("environment", incident.environment());
        facts.put("status", incident.status().name());
        facts.put("startedAt", incident.startedAt().toString());
        if (incident.isDrill()) {
            facts.put("drill", true);
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", eventId.toString());
        payload.put("type", type);
        payload.put("occurredAt", at.toString());
        payload.put("summary", summary);
        payload.put("actor", Map.of("kind", actor.kind().name().toLowerCase(Locale.ROOT), "id", actor.id()));
        payload.put("incident", facts);
        payload.put("details", fact);
        String body = json.writeValueAsString(payload);
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("""
                insert into webhook_delivery (webhook_id, event_id, event, incident_key, payload, status, next_attempt_at, created_at)
                select w, :eventId, :type, :key, :payload, 'pending', :now, :now from unnest(:targets) w
                """)
                .param("eventId", eventId).param("type", type).param("key", incident.key().toString()).param("payload", body)
                .param("now", now).param("targets", SqlArrays.of("int8", targets.toArray()))
                .update();
    }

    /**
     * An http(s) URL with a host. A host written as an address the outbound guard refuses is refused here; a host
     * name is not looked up now (what it resolves to may change): the sender checks it before every attempt.
     */
    private void checkUrl(String url) {
        try {
            URI uri = new URI(url == null ? "" : url.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new InvalidField("url", "must be an http or https URL with a host", "webhooks.problem.url.form");
            }
            if (url.length() > 2000) {
                throw new InvalidField("url", "must be at most 2,000 characters", "webhooks.problem.url.length");
            }
            outbound.checkLiteral(uri);
        }
        catch (OutboundAddresses.Refused ex) {
            // the address and why it is refused; the setting that lets it through only where it can
            throw new InvalidField("url", "is " + ex.getMessage(), ex.kind() == OutboundAddresses.Kind.DENIED
                    ? "webhooks.problem.url.denied" : "webhooks.problem.url.refused", ex.address().getHostAddress(),
                    new DefaultMessageSourceResolvable(new String[] {"outbound.kind." + ex.kind().name()}, ex.kind().description()));
        }
        catch (URISyntaxException ex) {
            throw new InvalidField("url", "is not a URL: " + ex.getReason(), "webhooks.problem.url.syntax", ex.getReason());
        }
    }

    private WebhookView view(ResultSet rs, int row) throws SQLException {
        Array events = rs.getArray("events");
        return new WebhookView(rs.getLong("id"), rs.getString("name"), Credentials.masked(rs.getString("url")),
                Arrays.asList((String[]) events.getArray()), rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"),
                rs.getLong("pending"), rs.getLong("failed"));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    static class WebhookNotFound extends org.springframework.web.ErrorResponseException {
        WebhookNotFound(long id) {
            super(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(
                    HttpStatus.NOT_FOUND, "No webhook " + id + "."), null);
        }
    }
}
