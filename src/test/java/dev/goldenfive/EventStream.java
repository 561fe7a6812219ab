package dev.goldenfive;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/** A server-sent event stream, read event by event as a browser's {@code EventSource} reads it. */
public final class EventStream implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** One event: its name and its data (the lines of its data joined). */
    public record Event(String name, String data) {
    }

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final AtomicReference<Stream<String>> body = new AtomicReference<>();

    private EventStream() {
    }

    /** Opens the stream at {@code uri} with {@code headers} (name, value, …). */
    public static EventStream open(HttpClient http, URI uri, String... headers) {
        EventStream stream = new EventStream();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (headers.length > 0) {
            request.headers(headers);
        }
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
            stream.body.set(response.body());
            response.body().forEach(stream.lines::add);
        });
        return stream;
    }

    /** The next event (heartbeats and other comments skipped); fails after ten seconds without one. */
    public Event next() throws InterruptedException {
        Instant until = Instant.now().plus(WAIT);
        String name = null;
        StringBuilder data = new StringBuilder();
        while (Instant.now().isBefore(until)) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line == null || line.startsWith(":")) {
                continue;
            }
            if (line.isEmpty() && name != null) {
                return new Event(name, data.toString());
            }
            if (line.startsWith("event:")) {
                name = line.substring("event:".length());
            }
            else if (line.startsWith("data:")) {
                data.append(data.isEmpty() ? "" : "\n").append(line.substring("data:".length()));
            }
        }
        throw new IllegalStateException("no event within " + WAIT.toSeconds() + " s");
    }

    /** The next event, which must be named {@code name}. */
    public Event next(String name) throws InterruptedException {
        Event event = next();
        if (!event.name().equals(name)) {
            throw new IllegalStateException("expected a " + name + " event, got " + event.name());
        }
        return event;
    }

    /** Forgets what arrived and was not read yet. */
    public void skipArrived() {
        lines.clear();
    }

    /** As a client that goes away: the connection is closed. */
    @Override
    public void close() {
        Stream<String> open = body.get();
        if (open != null) {
            open.close();
        }
    }
}
