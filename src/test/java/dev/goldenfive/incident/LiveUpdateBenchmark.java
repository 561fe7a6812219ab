package dev.goldenfive.incident;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Collection;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.goldenfive.Api;
import dev.goldenfive.Benchmarks;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.TimelineEntry;

/**
 * What one live update of the incident page costs: {@code ./mvnw test -Pbenchmark -Dtest=LiveUpdateBenchmark}.
 * Not part of {@code ./mvnw verify}. An incident with 500 timeline entries and 50 probe results; measured in the
 * same run, the whole page (what every update fetched before panels) against the panel updates a note, a stage
 * change and new evidence (without and with trace ids, which the logs panel looks for) cause, and two floors: an
 * update that brings nothing, and a static file (what any request costs). Goal: at most 0.1× the bytes and 0.25× the server time of the whole page.
 */
class LiveUpdateBenchmark {

    @Test
    void panelUpdatesAgainstTheWholePage() throws Exception {
        try (ConfigurableApplicationContext app = Benchmarks.application()) {
            String base = Benchmarks.base(app);
            IncidentCommands incidents = app.getBean(IncidentCommands.class);
            Actor admin = Actor.user("admin");
            IncidentKey key = incidents.declare(new IncidentCommands.Declaration("Module downloads time out", "ci", "prod",
                    Severity.SEV2, null, null, null, null), admin).key();
            postProbes(new Api(Benchmarks.port(app)), key);
            for (int i = 0; i < 490; i++) {
                incidents.addNote(key, "note " + i + ": checked the mirror, the proxy and the resolver once more", admin);
            }
            long beforeStage = newest(app.getBean(Incidents.class), key);
            incidents.act(key, IncidentAction.ADVANCE, new IncidentCommands.ActionInput(null, null, "the mirror works", null), admin);
            long beforeNote = newest(app.getBean(Incidents.class), key);
            incidents.addNote(key, "GOPROXY switched on the CI runners", admin);
            long last = newest(app.getBean(Incidents.class), key);
            long entries = app.getBean(Incidents.class).timeline(key, 0, 1000).size();

            HttpClient http = Benchmarks.signedIn(base, "admin", Benchmarks.PASSWORD);
            String page = base + "/incidents/" + key;
            String live = page + "/live?after=";
            record Case(String name, String url) {
            }
            List<Case> cases = List.of(new Case("whole page (before)", page), new Case("a note", live + beforeNote),
                    new Case("a stage change", live + beforeStage), new Case("new evidence", live + last + "&touched=evidence"),
                    new Case("evidence, trace ids", live + last + "&touched=evidence,trace-ids"),
                    new Case("nothing new", live + last), new Case("a static file", base + "/assets/css/app.css"));
            ServerTime server = new ServerTime(app.getBean(MeterRegistry.class));
            // the cases take turns, so that the machine's noise falls on all of them alike
            List<List<Double>> times = cases.stream().map(c -> (List<Double>) new ArrayList<Double>()).toList();
            List<List<Double>> serverTimes = cases.stream().map(c -> (List<Double>) new ArrayList<Double>()).toList();
            for (int round = 0; round < 250; round++) {
                for (int i = 0; i < cases.size(); i++) {
                    ServerTime.Mark mark = server.mark();
                    List<Double> one = Benchmarks.timeGets(http, cases.get(i).url(), 0, 1);
                    double serverMs = server.since(mark);
                    if (round >= 50) {
                        times.get(i).addAll(one);
                        serverTimes.get(i).add(serverMs);
                    }
                }
            }
            StringJoiner report = new StringJoiner("\n", "\nLive update of an incident with " + entries
                    + " timeline entries and 50 probe results (p50 and p95 of 200 after 50 warm-up, the cases taking turns;"
                    + " ratios against the whole page). Server: the time goldenfive's own request timer measured (filters,"
                    + " controller, rendering, session save); round trip: as the client saw it.\n", "\n");
            double pageBytes = 0;
            double pageServer = 0;
            double pageMs = 0;
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                int bytes = http.send(HttpRequest.newBuilder(URI.create(c.url())).build(), HttpResponse.BodyHandlers.ofByteArray())
                        .body().length;
                double serverMs = Benchmarks.percentile(serverTimes.get(i), 0.5);
                double ms = Benchmarks.percentile(times.get(i), 0.5);
                if (i == 0) {
                    pageBytes = bytes;
                    pageServer = serverMs;
                    pageMs = ms;
                }
                report.add("%-20s %7d bytes (%.3f×)  server p50 %6.2f ms (%.3f×) p95 %6.2f ms  round trip p50 %6.2f ms (%.3f×)"
                        .formatted(c.name(), bytes, bytes / pageBytes, serverMs, serverMs / pageServer,
                                Benchmarks.percentile(serverTimes.get(i), 0.95), ms, ms / pageMs));
            }
            System.out.println(report);
        }
    }

    /** The time the server's own request timer ({@code http.server.requests}) adds up, read around one request. */
    private record ServerTime(MeterRegistry registry) {

        record Mark(long count, double totalMs) {
        }

        Mark mark() {
            Collection<Timer> timers = registry.find("http.server.requests").timers();
            return new Mark(timers.stream().mapToLong(Timer::count).sum(),
                    timers.stream().mapToDouble(t -> t.totalTime(TimeUnit.MILLISECONDS)).sum());
        }

        /** The server time of the one request since {@code before}; the timer stops a moment after the answer is sent. */
        double since(Mark before) throws InterruptedException {
            Mark now = mark();
            for (int wait = 0; now.count() == before.count() && wait < 1000; wait++) {
                Thread.sleep(1);
                now = mark();
            }
            if (now.count() != before.count() + 1) {
                throw new IllegalStateException("expected one request, the timer counted " + (now.count() - before.count()));
            }
            return now.totalMs() - before.totalMs();
        }
    }

    private static long newest(Incidents incidents, IncidentKey key) {
        List<TimelineEntry> all = incidents.timeline(key, 0, 1000);
        return all.getLast().id();
    }

    /** 50 results of five probe types from two senders, as agents post them. */
    private static void postProbes(Api api, IncidentKey key) throws Exception {
        StringJoiner results = new StringJoiner(",", "[", "]");
        String[] types = {"icmp", "tcp", "http", "dns", "tls"};
        for (int i = 0; i < 50; i++) {
            String type = types[i % types.length];
            results.add("""
                    {"id": "bench-%d", "incident": "%s", "labels": {"site": "site-%d"}, "type": "%s", "target": "%s",
                     "startedAt": "%s", "durationMs": %d, "success": %b}"""
                    .formatted(i, key, i % 2, type, type.equals("tcp") || type.equals("tls") ? "proxy.golang.org:443"
                            : type.equals("http") ? "https://proxy.golang.org" : "proxy.golang.org",
                            Instant.now().minusSeconds(50 - i), 10 + i, i % 3 != 0));
        }
        HttpResponse<String> answer = api.post("/api/v1/probes", Benchmarks.TOKEN, "application/json", results.toString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("probes answered " + answer.statusCode() + ": " + answer.body());
        }
    }
}
