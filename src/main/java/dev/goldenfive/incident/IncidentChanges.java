package dev.goldenfive.incident;

import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Tells open pages (and API clients) that an incident changed, on every replica. A change sends a
 * PostgreSQL {@code NOTIFY} in the transaction that makes it, so it is delivered exactly when (and only if)
 * the change commits, to every replica listening; each replica then pushes a server-sent event to its own
 * subscribers. The event carries the id of the incident's newest timeline entry; a client that reconnects
 * with an older {@code Last-Event-ID} hears about the change at once.
 */
@Component
class IncidentChanges implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IncidentChanges.class);
    static final String CHANNEL = "goldenfive_incident";
    /** Subscribers to every incident (the dashboard). */
    static final String ALL = "*";
    /** An idle stream is closed after this long; the browser reconnects by itself. */
    static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);
    /** Live streams one replica serves at most (each is an open connection). */
    static final int MAX_STREAMS = 2000;
    /** Keeps proxies from closing an idle stream. */
    static final Duration HEARTBEAT = Duration.ofSeconds(20);

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final Map<String, Set<SseEmitter>> subscribers = new ConcurrentHashMap<>();
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean running;
    private volatile boolean listenedBefore;
    private volatile Thread listener;

    IncidentChanges(DataSource dataSource, JdbcClient jdbc) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
    }

    /** In the transaction of the change: delivered to every replica when it commits. */
    @Transactional(propagation = Propagation.MANDATORY)
    void changed(String key, long lastEntryId) {
        jdbc.sql("select pg_notify(:channel, :payload)")
                .param("channel", CHANNEL)
                .param("payload", key + " " + lastEntryId)
                .query().singleRow();
    }

    /**
     * A stream of the changes of one incident ({@code key}) or of all ({@link #ALL}). The stream is registered
     * before the newest entry id is read, so a change in between is heard either way. Refused with 503 when
     * this replica already serves {@link #MAX_STREAMS}.
     */
    SseEmitter subscribe(String key, String lastEventId, LongSupplier newestEntryId) {
        if (subscriberCount() >= MAX_STREAMS) {
            throw new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, ProblemDetail.forStatusAndDetail(
                    HttpStatus.SERVICE_UNAVAILABLE, "This replica serves " + MAX_STREAMS + " live streams already."), null);
        }
        SseEmitter emitter = new UnbufferedEmitter();
        Set<SseEmitter> set = subscribers.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>());
        set.add(emitter);
        Runnable remove = () -> set.remove(emitter);
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(error -> remove.run());
        long currentEntryId = newestEntryId.getAsLong();
        send(emitter, "ready", key, currentEntryId);
        // a reconnecting client sends the id of the last event it saw: tell it at once if it missed one
        if (lastEventId != null && lastEventId.matches("\\d{1,18}") && currentEntryId > Long.parseLong(lastEventId)) {
            send(emitter, "changed", key, currentEntryId);
        }
        return emitter;
    }

    /** A stream that tells reverse proxies (nginx, the nginx ingress) not to hold events back in a buffer. */
    private static final class UnbufferedEmitter extends SseEmitter {

        UnbufferedEmitter() {
            super(STREAM_TIMEOUT.toMillis());
        }

        @Override
        protected void extendResponse(ServerHttpResponse response) {
            super.extendResponse(response);
            response.getHeaders().set("X-Accel-Buffering", "no");
        }
    }

    int subscriberCount() {
        return subscribers.values().stream().mapToInt(Set::size).sum();
    }

    /** Each write on its own virtual thread: a client that stops reading holds up nobody else. */
    private void deliver(String key, long entryId) {
        for (String audience : new String[] {key, ALL}) {
            for (SseEmitter emitter : subscribers.getOrDefault(audience, Set.of())) {
                senders.execute(() -> send(emitter, "changed", key, entryId));
            }
        }
    }

    /** After listening again: whatever happened while not listening is unknown, so everyone looks again. */
    private void deliverToAll() {
        subscribers.forEach((key, set) -> set.forEach(emitter -> senders.execute(() -> write(emitter,
                SseEmitter.event().name("changed").data("{\"key\":\"" + key + "\"}")))));
    }

    private static void send(SseEmitter emitter, String name, String key, long entryId) {
        write(emitter, SseEmitter.event().name(name).id(Long.toString(entryId))
                .data("{\"key\":\"" + key + "\",\"entry\":" + entryId + "}"));
    }

    private static void write(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
        }
        catch (IOException | IllegalStateException gone) {
            emitter.completeWithError(gone);
        }
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
                sql.execute("LISTEN " + CHANNEL);
                if (listenedBefore) {
                    deliverToAll();
                }
                listenedBefore = true;
                PGConnection postgres = connection.unwrap(PGConnection.class);
                long nextHeartbeat = System.nanoTime() + HEARTBEAT.toNanos();
                while (running) {
                    PGNotification[] notifications = postgres.getNotifications((int) Duration.ofMillis(500).toMillis());
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            String[] parts = notification.getParameter().split(" ");
                            deliver(parts[0], Long.parseLong(parts[1]));
                        }
                    }
                    if (System.nanoTime() > nextHeartbeat) {
                        heartbeat();
                        nextHeartbeat = System.nanoTime() + HEARTBEAT.toNanos();
                    }
                }
            }
            catch (Exception ex) {
                if (running) {
                    log.warn("Listening for incident changes failed; listening again in a second", ex);
                    try {
                        Thread.sleep(1000);
                    }
                    catch (InterruptedException stopping) {
                        return;
                    }
                }
            }
        }
    }

    private void heartbeat() {
        subscribers.values().forEach(set -> set.forEach(emitter ->
                senders.execute(() -> write(emitter, SseEmitter.event().comment("heartbeat")))));
    }

    @Override
    public void start() {
        running = true;
        listener = Thread.ofPlatform().name("incident-changes").daemon().start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        subscribers.values().forEach(set -> set.forEach(SseEmitter::complete));
        Thread current = listener;
        if (current != null) {
            current.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
