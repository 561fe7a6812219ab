package dev.goldenfive.incident;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

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
 * change and new evidence cause, and two floors: an update that brings nothing, and a static file (what any request
 * costs). Goal: at most 0.1× the bytes and 0.25× the time of the whole page.
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
                    new Case("a stage change", live + beforeStage), new Case("new evidence", live + last + "&touched=true"),
                    new Case("nothing new", live + last), new Case("a static file", base + "/assets/css/app.css"));
            // the cases take turns, so that the machine's noise falls on all of them alike
            List<List<Double>> times = cases.stream().map(c -> (List<Double>) new ArrayList<Double>()).toList();
            for (int round = 0; round < 250; round++) {
                for (int i = 0; i < cases.size(); i++) {
                    List<Double> one = Benchmarks.timeGets(http, cases.get(i).url(), 0, 1);
                    if (round >= 50) {
                        times.get(i).addAll(one);
                    }
                }
            }
            StringJoiner report = new StringJoiner("\n", "\nLive update of an incident with " + entries
                    + " timeline entries and 50 probe results (p50 and p95 of 200 after 50 warm-up, the cases taking turns;"
                    + " ratios against the whole page)\n", "\n");
            double pageBytes = 0;
            double pageMs = 0;
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                int bytes = http.send(HttpRequest.newBuilder(URI.create(c.url())).build(), HttpResponse.BodyHandlers.ofByteArray())
                        .body().length;
                double ms = Benchmarks.percentile(times.get(i), 0.5);
                if (i == 0) {
                    pageBytes = bytes;
                    pageMs = ms;
                }
                report.add("%-20s %8d bytes (%.3f×)  p50 %6.2f ms (%.3f×)  p95 %6.2f ms".formatted(c.name(), bytes, bytes / pageBytes,
                        ms, ms / pageMs, Benchmarks.percentile(times.get(i), 0.95)));
            }
            System.out.println(report);
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
