package dev.goldenfive.logarchive;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.goldenfive.web.LogMarkers;
import dev.goldenfive.web.Worker;

/**
 * goldenfive's own logs, shipped to its own archive ({@code goldenfive.logs.ship-own=true}): every line its
 * loggers write at INFO and above goes, with its logger, thread and MDC as attributes, into the archive as
 * service {@code goldenfive} in {@code goldenfive.logs.own-environment}, a second at a time. The lines of
 * the thread that stores them are left out (storing them would make more), and so are lines marked
 * {@link LogMarkers#CONFIDENTIAL} (the generated admin password); when the archive cannot keep up the
 * queue's overflow is counted and told in the next line stored.
 */
@Component
@ConditionalOnProperty(name = "goldenfive.logs.ship-own", havingValue = "true")
class OwnLogs implements SmartLifecycle {

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(OwnLogs.class);

    static final String SERVICE = "goldenfive";
    static final int QUEUE = 10_000;
    static final String THREAD = "own-log-shipper";

    private final LogIngest ingest;
    private final String environment;
    private final String host;
    private final int maxLineChars;
    private final BlockingQueue<LogLine> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong overflow = new AtomicLong();
    private final Appender appender = new Appender();
    // lines that could not be stored are counted as lost (ship() says how many); the archive's appender leaves out
    // whatever this thread logs, so nothing it says comes back to it
    private final Worker shipper = Worker.every(Duration.ofSeconds(1), THREAD, "shipping goldenfive's own logs", log, this::ship);

    OwnLogs(LogIngest ingest, LogSettings settings) {
        this.ingest = ingest;
        this.environment = settings.ownEnvironment();
        this.maxLineChars = settings.maxLineBytes();
        this.host = hostName();
    }

    /** Takes the log events of the application's loggers. */
    private final class Appender extends AppenderBase<ILoggingEvent> {

        @Override
        protected void append(ILoggingEvent event) {
            if (Thread.currentThread().getName().equals(THREAD) || !event.getLevel().isGreaterOrEqual(Level.INFO)
                    || event.getMarkerList() != null && event.getMarkerList().contains(LogMarkers.CONFIDENTIAL)) {
                return;
            }
            if (!queue.offer(line(event))) {
                overflow.incrementAndGet();
            }
        }
    }

    LogLine line(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            message = message + "\n" + ThrowableProxyUtil.asString(thrown);
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("logger", event.getLoggerName());
        attributes.put("thread", event.getThreadName());
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null && !mdc.isEmpty()) {
            attributes.put("mdc", mdc);
        }
        String trace = mdc == null ? null : mdc.getOrDefault("traceId", mdc.get("trace_id"));
        return new LogLine(Instant.ofEpochMilli(event.getTimeStamp()), environment, SERVICE, host,
                event.getLevel().toString(), message.length() > maxLineChars ? message.substring(0, maxLineChars) : message, trace,
                mdc == null ? null : mdc.get("spanId"), null, attributes);
    }

    /** Stores what the loggers wrote since the last time. */
    void ship() {
        List<LogLine> lines = new ArrayList<>();
        queue.drainTo(lines, 5_000);
        long lost = overflow.getAndSet(0);
        if (lost > 0) {
            lines.add(new LogLine(Instant.now(), environment, SERVICE, host, "warn",
                    lost + " of goldenfive's own log lines were not shipped: the archive did not keep up", null, null, null, Map.of()));
        }
        if (lines.isEmpty()) {
            return;
        }
        try {
            ingest.store(lines, SERVICE);
        }
        catch (RuntimeException ex) {
            overflow.addAndGet(lines.size());
        }
    }

    @Override
    public void start() {
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appender.setContext(root.getLoggerContext());
        appender.setName("goldenfive-archive");
        appender.start();
        root.addAppender(appender);
        shipper.start();
    }

    @Override
    public void stop() {
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(appender);
        appender.stop();
        shipper.stop();
        // the last lines, from the thread that stops (not the shipper's)
        ship();
    }

    @Override
    public boolean isRunning() {
        return shipper.running();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException ex) {
            return "unknown";
        }
    }
}
