package dev.goldenfive.webhook;

import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.goldenfive.web.Credentials;
import dev.goldenfive.web.Hmac;
import dev.goldenfive.web.OutboundAddresses;
import dev.goldenfive.web.Worker;

/**
 * Sends due webhook messages, on every replica. A replica claims a batch of due messages (skipping those
 * another replica holds) by moving their next attempt a lease ahead, sends each on a virtual thread outside
 * any transaction, and records the answer: 2xx is delivered; anything else is retried after the next wait
 * of {@link WebhookSettings#retries()}, and after the last one the message has failed. Should a replica die
 * mid-send, its lease runs out and another sends the message again: receivers get each message at least once
 * and can tell a repeat by {@code X-Goldenfive-Delivery}.
 *
 * <p>Before every attempt the receiver's host is resolved and checked by {@link OutboundAddresses}: a refused
 * address fails the attempt with the reason and nothing is sent. It is retried like any other failure, since a
 * name may resolve elsewhere later and an administrator may allow the range meanwhile. Redirects are never
 * followed (a 3xx answer is a failed attempt), so no request goes to an address that was not checked; the
 * error names the redirect's target and whether the guard would refuse it.
 */
@Component
class WebhookSender implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    static final String SIGNATURE = "X-Goldenfive-Signature";
    static final int BATCH = 50;
    static final Duration KEEP = Duration.ofDays(30);

    private final JdbcClient jdbc;
    private final WebhookSettings settings;
    private final Clock clock;
    private final OutboundAddresses outbound;
    private final HttpClient http;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Worker poller;
    private volatile Instant lastCleanup = Instant.EPOCH;

    WebhookSender(JdbcClient jdbc, WebhookSettings settings, Clock clock, OutboundAddresses outbound) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.clock = clock;
        this.outbound = outbound;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        this.poller = Worker.every(settings.poll(), "webhook-sender", "sending webhooks", log, this::sendDue);
    }

    private record Due(long id, String url, String secret, String payload, String event, String eventId, int attempts) {
    }

    void sendDue() {
        Instant now = clock.instant();
        // the lease: as long as a send may take, and then some
        Timestamp leaseEnd = Timestamp.from(now.plus(settings.timeout().multipliedBy(3)));
        // an attempt counts when it is claimed: a message whose sender dies mid-send still runs out of attempts
        List<Due> due = jdbc.sql("""
                update webhook_delivery d set next_attempt_at = :leaseEnd, attempts = d.attempts + 1
                from webhook w
                where w.id = d.webhook_id and w.deleted_at is null and d.id in (
                    select id from webhook_delivery where status = 'pending' and next_attempt_at <= :now
                    order by next_attempt_at limit :batch for update skip locked)
                returning d.id, w.url, w.secret, d.payload, d.event, d.event_id, d.attempts
                """)
                .param("leaseEnd", leaseEnd).param("now", Timestamp.from(now)).param("batch", BATCH)
                .query((rs, row) -> new Due(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getInt(7)))
                .list();
        due.forEach(d -> senders.execute(() -> send(d)));
        if (now.isAfter(lastCleanup.plus(Duration.ofHours(1)))) {
            lastCleanup = now;
            jdbc.sql("delete from webhook_delivery where status <> 'pending' and created_at < :before")
                    .param("before", Timestamp.from(now.minus(KEEP))).update();
        }
    }

    private void send(Due due) {
        Integer status = null;
        String error = null;
        try {
            URI url = URI.create(due.url());
            // right before connecting: the JVM's address cache hands the client the addresses checked here
            outbound.check(url);
            long timestamp = clock.instant().getEpochSecond();
            // the whole exchange within the timeout: a receiver that trickles its answer cannot hold a sender
            HttpResponse<Void> response = http.sendAsync(HttpRequest.newBuilder(url)
                    .timeout(settings.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "goldenfive-webhook")
                    .header("X-Goldenfive-Event", due.event())
                    .header("X-Goldenfive-Delivery", due.eventId())
                    .header(SIGNATURE, signature(due.secret(), timestamp, due.payload()))
                    .POST(HttpRequest.BodyPublishers.ofString(due.payload())).build(), HttpResponse.BodyHandlers.discarding())
                    .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .get();
            status = response.statusCode();
            if (status / 100 == 3) {
                error = "answered " + status + "; redirects are not followed" + redirect(url, response);
            }
            else if (status / 100 != 2) {
                error = "answered " + status;
            }
        }
        catch (OutboundAddresses.Refused ex) {
            error = ex.getMessage() + "; nothing was sent";
        }
        catch (UnknownHostException ex) {
            error = "UnknownHostException: " + ex.getMessage();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        catch (ExecutionException ex) {
            Throwable cause = ex.getCause() instanceof TimeoutException
                    ? new TimeoutException("no answer within " + settings.timeout().toSeconds() + " s") : ex.getCause();
            error = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        catch (RuntimeException ex) {
            error = ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
        }
        record(due, status, error);
    }

    /** Where a redirect pointed, and why the guard would refuse it there (by its address only: no look-up). */
    private String redirect(URI url, HttpResponse<?> response) {
        String location = response.headers().firstValue("Location").orElse(null);
        if (location == null) {
            return "";
        }
        try {
            URI target = url.resolve(location.strip());
            String shown = Credentials.masked(target.toString());
            shown = shown.length() > 200 ? shown.substring(0, 200) + "…" : shown;
            try {
                outbound.checkLiteral(target);
                return " (to " + shown + ")";
            }
            catch (OutboundAddresses.Refused ex) {
                return " (to " + shown + ", which is " + ex.getMessage() + ")";
            }
        }
        catch (IllegalArgumentException ex) {
            return " (to a location that is not a URL)";
        }
    }

    private void record(Due due, Integer status, String error) {
        Instant now = clock.instant();
        int attempts = due.attempts();
        boolean delivered = error == null;
        boolean retry = !delivered && attempts <= settings.retries().size();
        jdbc.sql("""
                update webhook_delivery set last_attempt_at = :now, last_status = :status,
                    last_error = :error, status = :state, next_attempt_at = :next, delivered_at = :delivered
                where id = :id and status = 'pending'
                """)
                .param("now", Timestamp.from(now)).param("status", status)
                .param("error", error == null ? null : error.substring(0, Math.min(error.length(), 1000)))
                .param("state", delivered ? "delivered" : retry ? "pending" : "failed")
                .param("next", retry ? Timestamp.from(now.plus(settings.retries().get(attempts - 1))) : null)
                .param("delivered", delivered ? Timestamp.from(now) : null)
                .param("id", due.id())
                .update();
    }

    /**
     * {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the webhook's secret>}: the receiver
     * recomputes it and refuses old timestamps, so a captured message cannot be replayed later.
     */
    static String signature(String secret, long timestamp, String body) {
        byte[] digest = Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8), (timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(digest);
    }

    @Override
    public void start() {
        // made at every start: a stopped context (a paused test context, say) may be started again
        poller.start();
    }

    @Override
    public void stop() {
        poller.stop();
    }

    @Override
    public boolean isRunning() {
        return poller.running();
    }
}
