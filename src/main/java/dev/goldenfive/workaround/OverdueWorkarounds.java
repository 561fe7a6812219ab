package dev.goldenfive.workaround;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.oncall.Notifications;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.web.Background;
import dev.goldenfive.web.Worker;

/**
 * Reminds the owner of each workaround still in place after its revert-by time, once, through their paging
 * channels; the timeline entry it writes goes to the signed webhooks as {@code incident.workaround-overdue}. Each
 * is taken under its row lock ({@code SKIP LOCKED}), so one replica reminds, once.
 */
@Component
class OverdueWorkarounds extends Background {

    private static final Logger log = LoggerFactory.getLogger(OverdueWorkarounds.class);
    static final Actor LEDGER = new Actor(Actor.Kind.SYSTEM, "ledger");

    private final Incidents incidents;
    private final IncidentCommands commands;
    private final Notifications notifications;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Worker worker;

    OverdueWorkarounds(Incidents incidents, IncidentCommands commands, Notifications notifications, JdbcClient jdbc,
            TransactionTemplate transactions, WorkaroundSettings settings, Clock clock) {
        this.incidents = incidents;
        this.commands = commands;
        this.notifications = notifications;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.worker = Worker.every(settings.overduePoll(), "workaround-overdue", "reminding owners of overdue workarounds", log,
                this::remindDue);
    }

    private record Due(long id, long incident, String what, String owner, Instant revertBy) {
    }

    void remindDue() {
        boolean more = true;
        while (more && worker.running()) {
            more = Boolean.TRUE.equals(transactions.execute(status -> {
                Instant now = clock.instant();
                Optional<Due> due = jdbc.sql("""
                        select id, incident_id, what, owner, revert_by from workaround
                        where status = 'open' and overdue_notified_at is null and revert_by <= :now
                        order by revert_by limit 1 for update skip locked
                        """)
                        .param("now", Timestamp.from(now))
                        .query((rs, n) -> new Due(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                                rs.getTimestamp(5).toInstant()))
                        .optional();
                if (due.isEmpty()) {
                    return false;
                }
                Due overdue = due.get();
                jdbc.sql("update workaround set overdue_notified_at = :now where id = :id")
                        .param("now", Timestamp.from(now)).param("id", overdue.id()).update();
                IncidentRef incident = incidents.ref(overdue.incident()).orElseThrow();
                notifications.remind(incident, overdue.owner(), "Workaround overdue: " + overdue.what()
                        + " was to be undone by " + overdue.revertBy());
                commands.record(incident, new Fact.WorkaroundOverdue(overdue.id(), overdue.what(), overdue.owner(), overdue.revertBy()),
                        "Workaround overdue: " + overdue.what() + "; " + overdue.owner() + " was told", LEDGER);
                return true;
            }));
        }
    }

    @Override
    protected Worker worker() {
        return worker;
    }
}
