package dev.goldenfive.incident;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.web.Worker;

/**
 * Tells open pages (and API clients) that an incident changed, on every replica. A change sends a
 * PostgreSQL {@code NOTIFY} in the transaction that makes it, so it is delivered exactly when (and only if)
 * the change commits, to every replica listening; each replica then pushes a server-sent event to its own
 * subscribers. The event carries the id of the incident's newest timeline entry; a client that reconnects
 * with an older {@code Last-Event-ID} hears about the change at once. A page's own stream is sent the page's
 * panels instead, rendered for its reader: an {@code update} event per change (changes that come while one is
 * rendered make one more), so a live page costs no request.
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
    /** A change with no timeline entry of its own (new evidence): the event carries no id. */
    static final long NO_ENTRY = -1;
    /** Changes without an entry are told at most this often per incident and replica, however many arrive. */
    static final Duration TOUCH_INTERVAL = Duration.ofMillis(250);

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Timer pushed;
    private final Duration heartbeat;
    private final ApplicationEventPublisher events;
    private final Map<String, Set<Stream>> subscribers = new ConcurrentHashMap<>();
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService accessChecks = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("stream-access").factory());
    /** A pass over the streams' access is under way (a slow one is not started again on top). */
    private final AtomicBoolean checking = new AtomicBoolean();
    /** What was touched of each incident (by key) since the last notification. */
    private final Map<String, Set<IncidentPanel.Touch>> touched = new ConcurrentHashMap<>();
    private volatile boolean listenedBefore;
    private final Worker listener = new Worker("incident-changes", "listening for incident changes", log,
            Worker.Pace.retryingAfter(Duration.ofSeconds(1)), this::listen);
    private final Worker toucher = Worker.every(TOUCH_INTERVAL, "incident-touches", "telling of touched incidents", log,
            this::tellTouched);

    IncidentChanges(DataSource dataSource, JdbcClient jdbc, JsonMapper json, MeterRegistry meters, IncidentSettings settings,
            ApplicationEventPublisher events) {
        this.events = events;
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.json = json;
        this.pushed = Timer.builder("goldenfive.live.updates")
                .description("Live updates rendered for an open page and sent on its stream")
                .register(meters);
        this.heartbeat = settings.streamHeartbeat();
    }

    /**
     * Renders a page's live update: the panels {@code touches} names, and when {@code entries} (new entries may
     * have come) everything after entry {@code after}.
     */
    interface Renderer {
        Update render(long after, Set<IncidentPanel.Touch> touches, boolean entries);
    }

    /** A rendered live update and the newest entry it brings; {@code more}: there are newer ones to send. */
    record Update(String html, long lastEntry, boolean more) {
    }

    /**
     * An open stream and whether the one who opened it may still read it (asked after each heartbeat); a page's
     * stream has a {@link Pusher} that sends it rendered updates.
     */
    private record Stream(SseEmitter emitter, BooleanSupplier allowed, Pusher pusher) {
    }

    /**
     * Sends one page its updates, one at a time on a virtual thread of its own: what is asked meanwhile (entries,
     * touched panels) is gathered into the next one, so a burst of changes costs a render or two, not one each.
     */
    private final class Pusher {

        private final ReentrantLock lock = new ReentrantLock();
        private final SseEmitter emitter;
        private final Renderer renderer;
        /** The newest entry the page shows. */
        private long shown;
        private final Set<IncidentPanel.Touch> touches = EnumSet.noneOf(IncidentPanel.Touch.class);
        /** Entries newer than {@link #shown} may have come. */
        private boolean entries;
        private boolean due;
        private boolean running;

        Pusher(SseEmitter emitter, Renderer renderer, long shown) {
            this.emitter = emitter;
            this.renderer = renderer;
            this.shown = shown;
        }

        /** A change: a new entry {@code entryId} (or {@link #NO_ENTRY}) and what it touched. */
        void ask(long entryId, Set<IncidentPanel.Touch> touched) {
            lock.lock();
            try {
                boolean newEntries = entryId > shown;
                if (touched.isEmpty() && !newEntries) {
                    return;
                }
                touches.addAll(touched);
                entries |= newEntries;
                due = true;
                if (running) {
                    return;
                }
                running = true;
            }
            finally {
                lock.unlock();
            }
            senders.execute(this::sendWhileDue);
        }

        /** Anything may have changed (changes were missed): every panel, and entries of any id. */
        void askAll() {
            ask(Long.MAX_VALUE, EnumSet.allOf(IncidentPanel.Touch.class));
        }

        private void sendWhileDue() {
            while (true) {
                long after;
                boolean withEntries;
                Set<IncidentPanel.Touch> asked;
                lock.lock();
                try {
                    if (!due) {
                        running = false;
                        return;
                    }
                    due = false;
                    after = shown;
                    withEntries = entries;
                    entries = false;
                    asked = touches.isEmpty() ? Set.of() : EnumSet.copyOf(touches);
                    touches.clear();
                }
                finally {
                    lock.unlock();
                }
                Timer.Sample sample = Timer.start();
                Update update;
                try {
                    update = renderer.render(after, asked, withEntries);
                }
                catch (RuntimeException failed) {
                    // the database away, say: the next change asks again, for this one's panels too
                    log.debug("Could not render a live update", failed);
                    lock.lock();
                    try {
                        touches.addAll(asked);
                        entries |= withEntries;
                        running = false;
                    }
                    finally {
                        lock.unlock();
                    }
                    return;
                }
                write(emitter, SseEmitter.event().name("update").id(Long.toString(update.lastEntry()))
                        .data(json.writeValueAsString(Map.of("html", update.html()))));
                sample.stop(pushed);
                lock.lock();
                try {
                    shown = Math.max(shown, update.lastEntry());
                    entries |= update.more();
                    due |= update.more();
                }
                finally {
                    lock.unlock();
                }
            }
        }
    }

    /** In the transaction of the change: delivered to every replica when it commits. */
    @Transactional(propagation = Propagation.MANDATORY)
    void changed(IncidentKey key, long lastEntryId) {
        jdbc.sql("select pg_notify(:channel, :payload)")
                .param("channel", CHANNEL)
                .param("payload", key + " " + lastEntryId)
                .query().singleRow();
    }

    /**
     * Something an incident's page shows changed without a timeline entry (evidence arrived): told to every
     * replica after the transaction commits, coalesced to one notification per {@link #TOUCH_INTERVAL}, so a
     * stream of probe results does not become a stream of notifications (each NOTIFY serialises commits). The
     * notification names what was touched, so a page renders only the panels that show it.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void touched(IncidentKey key, Set<IncidentPanel.Touch> touches) {
        Set<IncidentPanel.Touch> copy = EnumSet.copyOf(touches);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                touched.merge(key.toString(), copy, IncidentChanges::union);
            }
        });
    }

    private static Set<IncidentPanel.Touch> union(Set<IncidentPanel.Touch> a, Set<IncidentPanel.Touch> b) {
        Set<IncidentPanel.Touch> both = EnumSet.copyOf(a);
        both.addAll(b);
        return both;
    }

    private void tellTouched() {
        Map<String, Set<IncidentPanel.Touch>> taken = new HashMap<>();
        for (String key : List.copyOf(touched.keySet())) {
            Set<IncidentPanel.Touch> touches = touched.remove(key);
            if (touches != null) {
                taken.put(key, touches);
            }
        }
        if (taken.isEmpty()) {
            return;
        }
        List<String> payloads = taken.entrySet().stream().map(e -> e.getKey() + " " + NO_ENTRY + " " + e.getValue().stream()
                .map(IncidentPanel.Touch::label).collect(Collectors.joining(","))).toList();
        try {
            jdbc.sql("select pg_notify(:channel, p) from unnest(:payloads) p")
                    .param("channel", CHANNEL)
                    .param("payloads", SqlArrays.of("text", payloads.toArray()))
                    .query().listOfRows();
        }
        catch (RuntimeException ex) {
            // told at the next round; the worker says why it failed
            taken.forEach((key, touches) -> touched.merge(key, touches, IncidentChanges::union));
            throw ex;
        }
    }

    /**
     * A stream of the changes of one incident ({@code key}) or of all ({@link #ALL}). The stream is registered
     * before the newest entry id is read, so a change in between is heard either way. Refused with 503 when
     * this replica already serves {@link #MAX_STREAMS}. The stream ends (with an {@code ended} event) when
     * {@code allowed}, asked after each heartbeat, says no.
     */
    SseEmitter subscribe(String key, String lastEventId, LongSupplier newestEntryId, BooleanSupplier allowed) {
        SseEmitter emitter = open(key, new Stream(new UnbufferedEmitter(), allowed, null));
        long currentEntryId = newestEntryId.getAsLong();
        send(emitter, "ready", key, currentEntryId);
        // a reconnecting client sends the id of the last event it saw: tell it at once if it missed one
        if (lastEventId != null && currentEntryId > entryId(lastEventId, currentEntryId)) {
            send(emitter, "changed", key, currentEntryId);
        }
        return emitter;
    }

    /**
     * A page's stream, as {@link #subscribe}, sent the page's updates as {@code renderer} renders them: at once
     * the entries after {@code after} (what the page shows) if there are any, and after a reconnect everything
     * that may have changed without an entry too.
     */
    SseEmitter subscribePage(String key, long after, String lastEventId, LongSupplier newestEntryId, BooleanSupplier allowed,
            Renderer renderer) {
        long shown = lastEventId == null ? after : Math.max(after, entryId(lastEventId, after));
        SseEmitter emitter = new UnbufferedEmitter();
        Pusher pusher = new Pusher(emitter, renderer, shown);
        open(key, new Stream(emitter, allowed, pusher));
        write(emitter, SseEmitter.event().name("ready").data("{\"key\":\"" + key + "\"}"));
        if (lastEventId == null) {
            pusher.ask(newestEntryId.getAsLong(), Set.of());
        }
        else {
            pusher.askAll();
        }
        return emitter;
    }

    /** An entry id as a client sends it back; {@code otherwise} when it is none. */
    private static long entryId(String id, long otherwise) {
        return id.matches("\\d{1,18}") ? Long.parseLong(id) : otherwise;
    }

    /** Registers a stream; refused with 503 beyond {@link #MAX_STREAMS}. */
    private SseEmitter open(String key, Stream stream) {
        if (subscriberCount() >= MAX_STREAMS) {
            throw new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, ProblemDetail.forStatusAndDetail(
                    HttpStatus.SERVICE_UNAVAILABLE, "This replica serves " + MAX_STREAMS + " live streams already."), null);
        }
        Set<Stream> set = subscribers.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>());
        set.add(stream);
        Runnable remove = () -> set.remove(stream);
        stream.emitter().onCompletion(remove);
        stream.emitter().onTimeout(remove);
        stream.emitter().onError(error -> remove.run());
        return stream.emitter();
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
    private void deliver(String key, long entryId, Set<IncidentPanel.Touch> touches) {
        if (entryId != NO_ENTRY) {
            senders.execute(() -> events.publishEvent(new IncidentChanged(IncidentKey.of(key))));
        }
        String labels = touches.stream().map(IncidentPanel.Touch::label).collect(Collectors.joining(","));
        // the dashboard shows nothing that changes without a timeline entry
        for (String audience : entryId == NO_ENTRY ? new String[] {key} : new String[] {key, ALL}) {
            for (Stream stream : subscribers.getOrDefault(audience, Set.of())) {
                if (stream.pusher() != null) {
                    stream.pusher().ask(entryId, touches);
                }
                else {
                    senders.execute(() -> send(stream.emitter(), "changed", key, entryId, labels));
                }
            }
        }
    }

    /** After listening again: whatever happened while not listening is unknown, so everyone looks again. */
    private void deliverToAll() {
        senders.execute(() -> events.publishEvent(IncidentChanged.ANY));
        subscribers.forEach((key, set) -> set.forEach(stream -> {
            if (stream.pusher() != null) {
                stream.pusher().askAll();
            }
            else {
                senders.execute(() -> send(stream.emitter(), "changed", key, NO_ENTRY, "all"));
            }
        }));
    }

    private static void send(SseEmitter emitter, String name, String key, long entryId) {
        send(emitter, name, key, entryId, "all");
    }

    /** A change without an entry says what it touched: {@code evidence,trace-ids}, or {@code all} when anything may have changed. */
    private static void send(SseEmitter emitter, String name, String key, long entryId, String touches) {
        if (entryId == NO_ENTRY) {
            String named = Arrays.stream(touches.split(",")).filter(t -> t.matches("[a-z-]+"))
                    .map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
            write(emitter, SseEmitter.event().name(name).data("{\"key\":\"" + key + "\",\"touched\":[" + named + "]}"));
            return;
        }
        write(emitter, SseEmitter.event().name(name).id(Long.toString(entryId))
                .data("{\"key\":\"" + key + "\",\"entry\":" + entryId + "}"));
    }

    /** A client that went away is no error: the stream is simply over (nothing to log, nothing to answer). */
    private static void write(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
        }
        catch (IOException | IllegalStateException gone) {
            emitter.complete();
        }
    }

    /**
     * Asks, stream after stream on one thread, whether each reader may still read; ends the streams of those
     * who may not. One at a time, so that thousands of streams cost one database connection, not the pool.
     */
    private void checkAccess() {
        for (Set<Stream> set : subscribers.values()) {
            for (Stream stream : set) {
                boolean allowed;
                try {
                    allowed = stream.allowed().getAsBoolean();
                }
                catch (RuntimeException unknown) {
                    // the database cannot say right now: keep the stream until it can (it hears of no change meanwhile)
                    log.debug("Could not check access to a stream", unknown);
                    continue;
                }
                if (!allowed) {
                    set.remove(stream);
                    write(stream.emitter(), SseEmitter.event().name("ended").data("{\"reason\":\"access ended\"}"));
                    stream.emitter().complete();
                }
            }
        }
    }

    /**
     * One listening session: LISTEN on a connection of its own and deliver what arrives, with heartbeats,
     * until the application stops or the connection fails (the worker then listens again a second later, and
     * tells every stream to look, since changes may have been missed in between).
     */
    private Duration listen() throws InterruptedException {
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("LISTEN " + CHANNEL);
            if (listenedBefore) {
                deliverToAll();
            }
            listenedBefore = true;
            PGConnection postgres = connection.unwrap(PGConnection.class);
            long nextHeartbeat = System.nanoTime() + heartbeat.toNanos();
            while (listener.running()) {
                PGNotification[] notifications = postgres.getNotifications((int) Duration.ofMillis(500).toMillis());
                if (notifications != null) {
                    for (PGNotification notification : notifications) {
                        String[] parts = notification.getParameter().split(" ");
                        // an entry says by itself what it changed; a change without one names what it touched
                        deliver(parts[0], Long.parseLong(parts[1]),
                                parts.length > 2 ? IncidentPanel.Touch.parse(parts[2]) : Set.of());
                    }
                }
                if (System.nanoTime() > nextHeartbeat) {
                    heartbeat();
                    nextHeartbeat = System.nanoTime() + heartbeat.toNanos();
                }
            }
            return Duration.ZERO;
        }
        catch (SQLException ex) {
            throw new UncategorizedSQLException("listening for incident changes", null, ex);
        }
    }

    private void heartbeat() {
        subscribers.values().forEach(set -> set.forEach(stream ->
                senders.execute(() -> write(stream.emitter(), SseEmitter.event().comment("heartbeat")))));
        if (checking.compareAndSet(false, true)) {
            accessChecks.execute(() -> {
                try {
                    checkAccess();
                }
                finally {
                    checking.set(false);
                }
            });
        }
    }

    @Override
    public void start() {
        listener.start();
        toucher.start();
    }

    @Override
    public void stop() {
        listener.stop();
        toucher.stop();
        tellTouched();
        subscribers.values().forEach(set -> set.forEach(stream -> stream.emitter().complete()));
    }

    @Override
    public boolean isRunning() {
        return listener.running();
    }
}
