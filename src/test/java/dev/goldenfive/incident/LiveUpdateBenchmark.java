package dev.goldenfive.incident;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import tools.jackson.databind.json.JsonMapper;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.goldenfive.Api;
import dev.goldenfive.Benchmarks;
import dev.goldenfive.EventStream;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.TimelineEntry;

/**
 * What one live update of the incident page costs: {@code ./mvnw test -Pbenchmark -Dtest=LiveUpdateBenchmark}.
 * Not part of {@code ./mvnw verify}. Incidents with 500 timeline entries and 50 probe results; measured in the
 * same run, the whole page (what every update fetched before panels) against the updates the page's stream is
 * sent for a note, new evidence (without and with trace ids, which the logs panel looks for) and a stage change,
 * and, for comparison, what a request for an update costs (a page asking when a deadline passed) and a static
 * file. Server time: for a request, goldenfive's request timer ({@code http.server.requests}); for an update sent
 * on the stream, its own timer ({@code goldenfive.live.updates}: reading, rendering and sending — no request is
 * made). Goal: at most 0.1× the bytes and 0.25× the server time of the whole page.
 */
class LiveUpdateBenchmark {

    private static final int ROUNDS = 250;
    private static final int WARM_UP = 50;

    @Test
    void pushedUpdatesAgainstTheWholePage() throws Exception {
        try (ConfigurableApplicationContext app = Benchmarks.application()) {
            String base = Benchmarks.base(app);
            IncidentCommands commands = app.getBean(IncidentCommands.class);
            Incidents incidents = app.getBean(Incidents.class);
            Api api = new Api(Benchmarks.port(app));
            Actor admin = Actor.user("admin");
            // one incident that takes the notes and evidence of the rounds (begun ten minutes ago: no deadline of its
            // own makes an update meanwhile), and one that stays as it is, in its last stage (its deadline minutes away)
            IncidentKey busy = incident(commands, api, admin, Instant.now().minusSeconds(600));
            IncidentKey still = incident(commands, api, admin, null);
            commands.act(still, IncidentAction.ADVANCE, new IncidentCommands.ActionInput(null, null, "the mirror works", null), admin);
            long beforeStage = newest(incidents, still);
            commands.act(still, IncidentAction.ADVANCE, new IncidentCommands.ActionInput(null, null, "the mirror is slow", null), admin);
            long last = newest(incidents, still);
            long entries = incidents.timeline(still, 0, 1000).size();

            HttpClient http = Benchmarks.signedIn(base, "admin", Benchmarks.PASSWORD);
            JsonMapper json = app.getBean(JsonMapper.class);
            MeterRegistry meters = app.getBean(MeterRegistry.class);
            TimerReading requests = new TimerReading(meters, "http.server.requests");
            TimerReading pushes = new TimerReading(meters, "goldenfive.live.updates");
            String page = base + "/incidents/" + still;
            EventStream busyPage = EventStream.open(http, URI.create(base + "/incidents/" + busy + "/events?after=" + newest(incidents, busy)));
            busyPage.next("ready");

            List<Case> cases = List.of(
                    new Case("whole page (before)", () -> requests.of(() -> bytes(http, page))),
                    new Case("a note", () -> pushes.of(() -> {
                        commands.addNote(busy, "GOPROXY switched on the CI runners", admin);
                        return nextUpdateBytes(busyPage, json);
                    })),
                    new Case("new evidence", () -> pushes.of(() -> {
                        postProbe(api, busy, null);
                        return nextUpdateBytes(busyPage, json);
                    })),
                    new Case("evidence, trace ids", () -> pushes.of(() -> {
                        postProbe(api, busy, "4bf92f3577b34da6a3ce929d0e0e4736");
                        return nextUpdateBytes(busyPage, json);
                    })),
                    new Case("a stage change", () -> pushes.of(() -> {
                        // a page that shows the incident as it was before the stage change: its stream sends the change at once
                        try (EventStream stale = EventStream.open(http, URI.create(page + "/events?after=" + beforeStage))) {
                            stale.next("ready");
                            return nextUpdateBytes(stale, json);
                        }
                    })),
                    new Case("requested update", () -> requests.of(() -> bytes(http, page + "/live?after=" + last))),
                    new Case("a static file", () -> requests.of(() -> bytes(http, base + "/assets/css/app.css"))));

            // the cases take turns, so that the machine's noise falls on all of them alike
            List<List<Double>> times = cases.stream().map(c -> (List<Double>) new ArrayList<Double>()).toList();
            int[] sizes = new int[cases.size()];
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < cases.size(); i++) {
                    Measured one = cases.get(i).measure().run();
                    if (round < 3) {
                        // the first results change checks, which is an update of its own: let those pass
                        Thread.sleep(400);
                        busyPage.skipArrived();
                    }
                    sizes[i] = one.bytes();
                    if (round >= WARM_UP) {
                        times.get(i).add(one.serverMs());
                    }
                }
            }
            busyPage.close();

            StringJoiner report = new StringJoiner("\n", "\nLive update of an incident with " + entries
                    + " timeline entries and 50 probe results (p50 and p95 of " + (ROUNDS - WARM_UP) + " after " + WARM_UP
                    + " warm-up, the cases taking turns; ratios against the whole page). Server: for a request, goldenfive's"
                    + " request timer; for an update sent on the page's stream, the time to read, render and send it.\n", "\n");
            double pageServer = Benchmarks.percentile(times.getFirst(), 0.5);
            for (int i = 0; i < cases.size(); i++) {
                double serverMs = Benchmarks.percentile(times.get(i), 0.5);
                report.add("%-20s %7d bytes (%.3f×)  server p50 %6.2f ms (%.3f×) p95 %6.2f ms".formatted(cases.get(i).name(),
                        sizes[i], (double) sizes[i] / sizes[0], serverMs, serverMs / pageServer,
                        Benchmarks.percentile(times.get(i), 0.95)));
            }
            System.out.println(report);
        }
    }

    /** An incident with 500 timeline entries and 50 probe results, begun at {@code startedAt} (null: now). */
    private static IncidentKey incident(IncidentCommands commands, Api api, Actor admin, Instant startedAt) throws Exception {
        IncidentKey key = commands.declare(new IncidentCommands.Declaration("Module downloads time out", "ci", "prod",
                Severity.SEV2, null, null, startedAt, null), admin).key();
        postProbes(api, key);
        for (int i = 0; i < 490; i++) {
            commands.addNote(key, "note " + i + ": checked the mirror, the proxy and the resolver once more", admin);
        }
        return key;
    }

    private record Case(String name, Measurement measure) {
    }

    @FunctionalInterface
    private interface Measurement {
        Measured run() throws Exception;
    }

    private record Measured(int bytes, double serverMs) {
    }

    @FunctionalInterface
    private interface Sized {
        int bytes() throws Exception;
    }

    private static int bytes(HttpClient http, String url) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
        return response.body().length;
    }

    /** What one timer adds up, read around one measured thing that makes it count (once, but for the first rounds). */
    private record TimerReading(MeterRegistry registry, String name) {

        Measured of(Sized thing) throws Exception {
            long count = count();
            double total = total();
            int bytes = thing.bytes();
            // the timer stops a moment after the answer or update is sent
            for (int wait = 0; count() == count && wait < 1000; wait++) {
                Thread.sleep(1);
            }
            if (count() == count) {
                throw new IllegalStateException(name + " did not count");
            }
            return new Measured(bytes, (total() - total) / (count() - count));
        }

        private long count() {
            return timers().stream().mapToLong(Timer::count).sum();
        }

        private double total() {
            return timers().stream().mapToDouble(t -> t.totalTime(TimeUnit.MILLISECONDS)).sum();
        }

        private Collection<Timer> timers() {
            return registry.find(name).timers();
        }
    }

    /** The size of the stream's next update, as the page takes it in (its HTML). */
    private static int nextUpdateBytes(EventStream stream, JsonMapper json) throws InterruptedException {
        return json.readTree(stream.next("update").data()).get("html").asString().getBytes(StandardCharsets.UTF_8).length;
    }

    private static long newest(Incidents incidents, IncidentKey key) {
        List<TimelineEntry> all = incidents.timeline(key, 0, 1000);
        return all.getLast().id();
    }

    /** One result, as an agent posts it: with a trace id or without. */
    private static void postProbe(Api api, IncidentKey key, String traceId) throws Exception {
        HttpResponse<String> answer = api.post("/api/v1/probes", Benchmarks.TOKEN, "application/json", """
                [{"id": "%s", "incident": "%s", "type": "tcp", "target": "proxy.golang.org:443", "startedAt": "%s", "durationMs": 12,
                  "success": true%s}]""".formatted(UUID.randomUUID(), key, Instant.now(), traceId == null ? "" : ", \"traceId\": \"" + traceId + "\""));
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("probes answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** 50 results of five probe types from two senders, as agents post them. */
    private static void postProbes(Api api, IncidentKey key) throws Exception {
        StringJoiner results = new StringJoiner(",", "[", "]");
        String[] types = {"icmp", "tcp", "http", "dns", "tls"};
        for (int i = 0; i < 50; i++) {
            String type = types[i % types.length];
            results.add("""
                    {"id": "bench-%s-%d", "incident": "%s", "labels": {"site": "site-%d"}, "type": "%s", "target": "%s",
                     "startedAt": "%s", "durationMs": %d, "success": %b}"""
                    .formatted(key, i, key, i % 2, type, type.equals("tcp") || type.equals("tls") ? "proxy.golang.org:443"
                            : type.equals("http") ? "https://proxy.golang.org" : "proxy.golang.org",
                            Instant.now().minusSeconds(50 - i), 10 + i, i % 3 != 0));
        }
        HttpResponse<String> answer = api.post("/api/v1/probes", Benchmarks.TOKEN, "application/json", results.toString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("probes answered " + answer.statusCode() + ": " + answer.body());
        }
    }
}
