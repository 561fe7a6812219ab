package dev.goldenfive.oncall;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.incident.IncidentAction;
import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.IncidentStatus;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.timeline.Actor;

/**
 * The messages that tell paged people: written in the transaction of the page, one per channel of each person
 * (their browser too), each due when the person's rules say; {@link NotificationSender} sends them. The
 * delivery log reads from here.
 */
@Service
@Transactional
public class Notifications {

    /** Log rows a page shows at most. */
    static final int MAX_LOG = 200;
    private static final String LOG = """
            select n.id, i.number, n.username, n.level, n.round, n.kind, n.destination, n.status, n.attempts, n.created_at,
                   n.held_until, n.last_attempt_at, n.last_error, n.delivered_at, n.link_used_at
            from notification n join incident i on i.id = n.incident_id""";

    private final NotificationPreferences preferences;
    private final Incidents incidents;
    private final IncidentCommands commands;
    private final JdbcClient jdbc;
    private final Clock clock;

    Notifications(NotificationPreferences preferences, Incidents incidents, IncidentCommands commands, JdbcClient jdbc, Clock clock) {
        this.preferences = preferences;
        this.incidents = incidents;
        this.commands = commands;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** One message to one person and how sending it went; {@code destination} shows no secret. */
    public record Delivery(long id, String incident, String person, int level, int round, String kind, String destination,
            String status, int attempts, Instant createdAt, Instant heldUntil, Instant lastAttemptAt, String lastError,
            Instant deliveredAt, Instant linkUsedAt) {
    }

    /**
     * Writes the messages of a page, in its transaction, and returns the people who have no channel to reach them
     * by (a browser is no channel: nobody may have a page open). Quiet hours hold a person's messages for the
     * incident's severity until they end.
     */
    List<String> page(IncidentRef incident, int level, int round, List<String> people, Instant now) {
        return tell(incident, level, round, people, null, now);
    }

    /**
     * Reminds {@code person} of something about the incident that is no page ({@code reason}: a workaround is
     * overdue), through their channels as their rules say; there is nothing to acknowledge and nobody escalates.
     */
    public void remind(IncidentRef incident, String person, String reason) {
        tell(incident, 0, 0, List.of(person), reason.length() <= 500 ? reason : reason.substring(0, 499) + "…", clock.instant());
    }

    private List<String> tell(IncidentRef incident, int level, int round, List<String> people, String reason, Instant now) {
        List<String> unreachable = new ArrayList<>();
        for (String person : people) {
            NotificationRules rules = preferences.find(person).orElse(NotificationRules.NONE);
            Instant at = rules.quiet() == null ? now : rules.quiet().sendAt(incident.severity(), now);
            Instant held = at.isAfter(now) ? at : null;
            for (int i = 0; i < rules.channels().size(); i++) {
                NotificationRules.Channel channel = rules.channels().get(i);
                insert(incident, person, level, round, i, channel.kind().label(), channel.to(), channel.secret(),
                        at.plus(Duration.parse(channel.after())), held, reason, now);
            }
            if (rules.browser()) {
                insert(incident, person, level, round, -1, "browser", "", null, at, held, reason, now);
            }
            if (rules.channels().isEmpty()) {
                unreachable.add(person);
            }
        }
        return unreachable;
    }

    private void insert(IncidentRef incident, String person, int level, int round, int channel, String kind, String destination,
            String secret, Instant due, Instant held, String reason, Instant now) {
        jdbc.sql("""
                insert into notification (incident_id, username, level, round, channel, kind, destination, secret, status,
                    next_attempt_at, held_until, reason, created_at)
                values (:incident, :person, :level, :round, :channel, :kind, :destination, :secret, 'pending', :due, :held, :reason, :now)
                """)
                .param("incident", incident.id()).param("person", person).param("level", level).param("round", round)
                .param("channel", channel).param("kind", kind).param("destination", destination).param("secret", secret)
                .param("due", Timestamp.from(due)).param("held", held == null ? null : Timestamp.from(held)).param("reason", reason)
                .param("now", Timestamp.from(now))
                .update();
    }

    /** The incident was acknowledged or resolved: what was not sent yet is not sent. */
    void cancel(IncidentKey key, String why) {
        jdbc.sql("""
                update notification set status = 'cancelled', next_attempt_at = null, last_error = :why
                where status = 'pending' and reason is null and incident_id = (select id from incident where number = :number)
                """)
                .param("why", why).param("number", key.number()).update();
    }

    /** A browser notification for one of the person's open pages. */
    public record BrowserNotice(long id, String incident, String title, String body) {
    }

    /** The person's browser notifications that are due, taken by the page that asks first (each is shown once). */
    public List<BrowserNotice> takeBrowser(String username) {
        Instant now = clock.instant();
        return jdbc.sql("""
                update notification n set status = 'delivered', delivered_at = :now, last_attempt_at = :now, attempts = n.attempts + 1
                from incident i
                where i.id = n.incident_id and n.id in (
                    select id from notification where username = :user and kind = 'browser' and status = 'pending'
                    and next_attempt_at <= :now order by id limit 20 for update skip locked)
                returning n.id, i.number, i.severity, i.title, n.level, n.round, n.reason, i.drill is not null
                """)
                .param("now", Timestamp.from(now)).param("user", username)
                .query((rs, row) -> {
                    String key = new IncidentKey(rs.getLong(2)).toString();
                    int level = rs.getInt(5);
                    return new BrowserNotice(rs.getLong(1), key, (rs.getBoolean(8) ? "[DRILL] " : "") + "[" + rs.getString(3) + "] " + key + " " + rs.getString(4),
                            rs.getString(7) != null ? rs.getString(7) : PageMessage.why(level, level > 1 || rs.getInt(6) > 0));
                })
                .list();
    }

    /** The newest messages: of one incident, of one person, or all (null for both). */
    @Transactional(readOnly = true)
    public List<Delivery> log(IncidentKey incident, String person) {
        String where = incident != null ? " where i.number = :number" : person != null ? " where n.username = :person" : "";
        var query = jdbc.sql(LOG + where + " order by n.id desc limit " + MAX_LOG);
        if (incident != null) {
            query = query.param("number", incident.number());
        }
        if (person != null) {
            query = query.param("person", person);
        }
        return query.query(this::delivery).list();
    }

    /** What following an acknowledge link did. */
    enum LinkOutcome { ACKNOWLEDGED, USED, ALREADY_ACKNOWLEDGED, NOT_OPEN }

    record LinkUse(LinkOutcome outcome, Delivery notification) {
    }

    /**
     * Acknowledges the notification's incident as the person it was sent to, if its link was not used before and
     * the incident is open and not acknowledged yet; the link is used up in the same transaction.
     */
    LinkUse acknowledge(long notification) {
        Delivery sent = find(notification).orElseThrow();
        IncidentRef incident = incidents.ref(IncidentKey.of(sent.incident())).orElseThrow();
        if (sent.linkUsedAt() != null) {
            return new LinkUse(LinkOutcome.USED, sent);
        }
        if (incident.acknowledgedAt() != null) {
            return new LinkUse(LinkOutcome.ALREADY_ACKNOWLEDGED, sent);
        }
        if (incident.status() != IncidentStatus.OPEN) {
            return new LinkUse(LinkOutcome.NOT_OPEN, sent);
        }
        // the row lock of this update makes a second use of the same link wait, then find it used
        int used = jdbc.sql("update notification set link_used_at = :now where id = :id and link_used_at is null")
                .param("now", Timestamp.from(clock.instant())).param("id", notification).update();
        if (used == 0) {
            return new LinkUse(LinkOutcome.USED, sent);
        }
        commands.act(incident.key(), IncidentAction.ACKNOWLEDGE, IncidentCommands.ActionInput.NONE, Actor.user(sent.person()));
        return new LinkUse(LinkOutcome.ACKNOWLEDGED, sent);
    }

    @Transactional(readOnly = true)
    Optional<Delivery> find(long notification) {
        return jdbc.sql(LOG + " where n.id = :id").param("id", notification).query(this::delivery).optional();
    }

    private Delivery delivery(ResultSet rs, int row) throws SQLException {
        return new Delivery(rs.getLong(1), new IncidentKey(rs.getLong(2)).toString(), rs.getString(3), rs.getInt(4), rs.getInt(5),
                rs.getString(6), shown(rs.getString(6), rs.getString(7)), rs.getString(8), rs.getInt(9), instant(rs, 10),
                instant(rs, 11), instant(rs, 12), rs.getString(13), instant(rs, 14), instant(rs, 15));
    }

    /** An email address as it is; of a webhook URL only its scheme and host (the path and query are its secret). */
    static String shown(String kind, String destination) {
        if ("email".equals(kind) || "browser".equals(kind)) {
            return destination;
        }
        try {
            URI uri = URI.create(destination);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + "/…";
        }
        catch (IllegalArgumentException ex) {
            return "(not a URL)";
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
