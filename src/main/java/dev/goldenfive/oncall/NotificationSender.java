package dev.goldenfive.oncall;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.mail.MessagingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.util.HtmlUtils;

import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.IncidentStatus;
import dev.goldenfive.incident.IncidentView;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.probe.Diagnosis;
import dev.goldenfive.probe.Evidence;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.web.OutboundAddresses;
import dev.goldenfive.web.WebSettings;
import dev.goldenfive.web.Background;
import dev.goldenfive.web.Worker;

/**
 * Sends due notifications, on every replica, as {@code WebhookSender} sends webhooks: a replica claims a batch by
 * moving their next attempt a lease ahead, sends each on a virtual thread outside any transaction (mail through
 * Spring's {@link JavaMailSender}, chat messages checked by {@link OutboundAddresses} and never redirected), and
 * records the answer; failures are retried after {@link OnCallSettings#retries()}. A message whose incident was
 * acknowledged or resolved meanwhile is not sent. When the last of a person's messages for a page has failed they
 * were not reached: the timeline says so, and when nobody on the level was reached the escalation is due at once.
 */
@Component
class NotificationSender extends Background {

    private static final Logger log = LoggerFactory.getLogger(NotificationSender.class);
    static final int BATCH = 50;

    private final Incidents incidents;
    private final IncidentCommands commands;
    private final Evidence evidence;
    private final AckLinks links;
    private final ObjectProvider<JavaMailSender> mail;
    private final OutboundAddresses outbound;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final OnCallSettings settings;
    private final WebSettings site;
    private final Clock clock;
    private final HttpClient http;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Worker worker;

    NotificationSender(Incidents incidents, IncidentCommands commands, Evidence evidence, AckLinks links,
            ObjectProvider<JavaMailSender> mail, OutboundAddresses outbound, JdbcClient jdbc, TransactionTemplate transactions,
            OnCallSettings settings, WebSettings site, Clock clock) {
        this.incidents = incidents;
        this.commands = commands;
        this.evidence = evidence;
        this.links = links;
        this.mail = mail;
        this.outbound = outbound;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.settings = settings;
        this.site = site;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        this.worker = Worker.every(settings.poll(), "notification-sender", "sending notifications", log, this::sendDue);
    }

    /** {@code reason}: why a reminder is sent; null for a page. */
    private record Due(long id, long incident, String person, int level, int round, NotificationRules.Kind kind,
            String destination, String secret, int attempts, String reason) {
    }

    void sendDue() {
        Instant now = clock.instant();
        List<Due> due = jdbc.sql("""
                update notification n set next_attempt_at = :lease, attempts = n.attempts + 1
                where n.id in (
                    select id from notification where status = 'pending' and kind <> 'browser' and next_attempt_at <= :now
                    order by next_attempt_at limit :batch for update skip locked)
                returning n.id, n.incident_id, n.username, n.level, n.round, n.kind, n.destination, n.secret, n.attempts, n.reason
                """)
                .param("lease", Timestamp.from(now.plus(settings.timeout().multipliedBy(3)))).param("now", Timestamp.from(now))
                .param("batch", BATCH)
                .query((rs, row) -> new Due(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
                        NotificationRules.Kind.valueOf(rs.getString(6).toUpperCase(java.util.Locale.ROOT)), rs.getString(7),
                        rs.getString(8), rs.getInt(9), rs.getString(10)))
                .list();
        due.forEach(d -> senders.execute(() -> send(d)));
        // a browser notification waits a while for one of the person's pages; it is no channel, so nobody escalates for it
        jdbc.sql("""
                update notification set status = 'failed', next_attempt_at = null, last_error = 'no goldenfive page of theirs was open'
                where kind = 'browser' and status = 'pending' and next_attempt_at < :before
                """)
                .param("before", Timestamp.from(now.minus(settings.browserExpiry()))).update();
    }

    private void send(Due due) {
        String error;
        try {
            IncidentRef incident = incidents.ref(due.incident()).orElseThrow();
            if (due.reason() == null && (incident.status() != IncidentStatus.OPEN || incident.acknowledgedAt() != null)) {
                jdbc.sql("update notification set status = 'cancelled', next_attempt_at = null, last_error = :why where id = :id")
                        .param("why", incident.acknowledgedAt() != null ? "acknowledged before it was sent" : "resolved before it was sent")
                        .param("id", due.id()).update();
                return;
            }
            PageMessage message = message(incident, due);
            error = due.kind() == NotificationRules.Kind.EMAIL ? mail(due, message) : chat(due, message);
        }
        catch (RuntimeException ex) {
            error = ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
        }
        record(due, error);
    }

    private PageMessage message(IncidentRef incident, Due due) {
        IncidentView view = incidents.view(incident.key());
        Diagnosis diagnosis = evidence.of(incident).diagnosis();
        String stage = view.stage() == null ? incident.stage() : view.stage().title();
        return new PageMessage(incident.key().toString(), incident.title(), incident.severity().name(), incident.service(),
                incident.environment(), stage, view.stage() == null ? null : view.stage().secondsLeft(),
                diagnosis == null ? null : diagnosis.title(), due.level(), due.level() > 1 || due.round() > 0, due.reason(),
                site.base() + "/incidents/" + incident.key(),
                due.reason() != null ? null : links.link(due.id(), clock.instant().plus(settings.linkTtl())), incident.isDrill());
    }

    private String mail(Due due, PageMessage message) {
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null) {
            return "no SMTP server is configured (spring.mail.host)";
        }
        try {
            var mime = sender.createMimeMessage();
            MimeMessageHelper helper = new MimeMessageHelper(mime, true, "UTF-8");
            helper.setFrom(settings.mailFrom());
            helper.setTo(due.destination());
            helper.setSubject(message.headline() + " — " + message.why());
            helper.setText(message.text(), html(message));
            mime.setHeader("X-Goldenfive-Incident", message.key());
            sender.send(mime);
            return null;
        }
        catch (MessagingException | MailException ex) {
            return "mail: " + ex.getMessage();
        }
    }

    private static String html(PageMessage m) {
        StringBuilder html = new StringBuilder("<h2>").append(HtmlUtils.htmlEscape(m.headline())).append("</h2><p>")
                .append(HtmlUtils.htmlEscape(m.why())).append("</p><table>");
        m.facts().forEach((name, value) -> html.append("<tr><th align=\"left\">").append(HtmlUtils.htmlEscape(name))
                .append("</th><td>").append(HtmlUtils.htmlEscape(value)).append("</td></tr>"));
        html.append("</table><p>");
        if (m.ackUrl() != null) {
            html.append("<a href=\"").append(HtmlUtils.htmlEscape(m.ackUrl())).append("\">Acknowledge</a> · ");
        }
        return html.append("<a href=\"").append(HtmlUtils.htmlEscape(m.incidentUrl())).append("\">Open the incident</a></p>").toString();
    }

    private String chat(Due due, PageMessage message) {
        ChatMessages.Outgoing outgoing = ChatMessages.of(due.kind(), due.destination(), due.secret(), message, clock.instant());
        try {
            outbound.check(outgoing.uri());
            HttpResponse<String> response = http.sendAsync(HttpRequest.newBuilder(outgoing.uri())
                            .timeout(settings.timeout())
                            .header("Content-Type", "application/json; charset=utf-8")
                            .header("User-Agent", "goldenfive-pager")
                            .POST(HttpRequest.BodyPublishers.ofString(outgoing.body())).build(), HttpResponse.BodyHandlers.ofString())
                    .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .get();
            String refusal = ChatMessages.refusal(due.kind(), response.statusCode(), response.body());
            return refusal == null ? null : due.kind().label() + ": " + refusal;
        }
        catch (OutboundAddresses.Refused ex) {
            return due.kind().label() + ": " + ex.getMessage() + "; nothing was sent";
        }
        catch (java.io.IOException ex) {
            return due.kind().label() + ": " + ex.getClass().getSimpleName() + ": " + ex.getMessage();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return due.kind().label() + ": interrupted";
        }
        catch (ExecutionException ex) {
            Throwable cause = ex.getCause() instanceof TimeoutException
                    ? new TimeoutException("no answer within " + settings.timeout().toSeconds() + " s") : ex.getCause();
            return due.kind().label() + ": " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
    }

    private void record(Due due, String error) {
        Instant now = clock.instant();
        if (error == null || due.attempts() <= settings.retries().size()) {
            jdbc.sql("""
                    update notification set last_attempt_at = :now, last_error = :error, status = :status,
                        next_attempt_at = :next, delivered_at = :delivered
                    where id = :id and status = 'pending'
                    """)
                    .param("now", Timestamp.from(now)).param("error", clip(error))
                    .param("status", error == null ? "delivered" : "pending")
                    .param("next", error == null ? null : Timestamp.from(now.plus(settings.retries().get(due.attempts() - 1))))
                    .param("delivered", error == null ? Timestamp.from(now) : null)
                    .param("id", due.id())
                    .update();
            return;
        }
        transactions.executeWithoutResult(status -> failed(due, error, now));
    }

    /**
     * The message failed for good. Under the incident's paging row, so that two of a person's messages failing at
     * once decide once: whether it was the person's last hope, and then (while paging goes on) whether anyone on the
     * level is left.
     */
    private void failed(Due due, String error, Instant now) {
        Boolean pagingOpen = jdbc.sql("select done_at is null from incident_paging where incident_id = :id for update")
                .param("id", due.incident()).query(Boolean.class).optional().orElse(false);
        int changed = jdbc.sql("""
                update notification set last_attempt_at = :now, last_error = :error, status = 'failed', next_attempt_at = null
                where id = :id and status = 'pending'
                """)
                .param("now", Timestamp.from(now)).param("error", clip(error)).param("id", due.id()).update();
        // a reminder that reached nobody is in its log; only a page escalates
        if (changed == 0 || due.reason() != null || hopeLeft(due, due.person())) {
            return;
        }
        boolean escalating = pagingOpen && !hopeLeft(due, null) && jdbc.sql("""
                update incident_paging set next_at = :now
                where incident_id = :id and level = :level and round = :round and done_at is null
                """)
                .param("now", Timestamp.from(now)).param("id", due.incident()).param("level", due.level()).param("round", due.round())
                .update() == 1;
        String why = jdbc.sql("""
                select string_agg(last_error, '; ' order by channel) from notification
                where incident_id = :id and level = :level and round = :round and username = :person and kind <> 'browser'
                """)
                .param("id", due.incident()).param("level", due.level()).param("round", due.round()).param("person", due.person())
                .query(String.class).optional().orElse(error);
        Paging.unreached(commands, incidents.ref(due.incident()).orElseThrow(),
                new Fact.Unreached(due.person(), due.level(), due.round(), clip(why), escalating));
    }

    /** Whether a message of the page (to {@code person}, or to anyone when null) is still to be sent or was delivered. */
    private boolean hopeLeft(Due due, String person) {
        return jdbc.sql("""
                select exists (select 1 from notification where incident_id = :id and level = :level and round = :round
                    and kind <> 'browser' and reason is null and status in ('pending', 'delivered')
                    and (cast(:person as text) is null or username = :person))
                """)
                .param("id", due.incident()).param("level", due.level()).param("round", due.round()).param("person", person)
                .query(Boolean.class).single();
    }

    private static String clip(String text) {
        return text == null || text.length() <= 1000 ? text : text.substring(0, 999) + "…";
    }

    @Override
    protected Worker worker() {
        return worker;
    }
}
