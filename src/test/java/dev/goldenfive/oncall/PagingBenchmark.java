package dev.goldenfive.oncall;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.goldenfive.Benchmarks;
import dev.goldenfive.GoldenfiveApplication;
import dev.goldenfive.TestMail;
import dev.goldenfive.incident.FindingRecorded;
import dev.goldenfive.security.ApiTokens;
import dev.goldenfive.security.UserAccounts;
import dev.goldenfive.timeline.Fact;

/**
 * Paging under load: {@code ./mvnw test -Pbenchmark -Dtest=PagingBenchmark}. Not part of {@code ./mvnw verify}.
 * 1,000 incidents are declared over the API in one minute across 50 services, each paged by its own policy
 * through its own schedule (a person reached by mail through a real SMTP server), level 2 due ten seconds after
 * level 1; every fourth incident is acknowledged at once and must not escalate. Measured when each page became
 * visible (committed): from the moment the declaring request was sent to the first page, and how late level 2
 * came after it was due. Baselines in the same run: a plain authenticated GET of the incident just declared (the
 * cheapest round trip), and an in-JVM scheduler asked to run at each escalation's due instant.
 */
class PagingBenchmark {

    static final int INCIDENTS = 1_000;
    static final int SCHEDULES = 50;
    static final Duration RATE = Duration.ofMillis(60_000 / INCIDENTS);
    static final Duration ESCALATE_AFTER = Duration.ofSeconds(10);

    @Test
    void pagesAThousandIncidentsInAMinuteAcrossFiftySchedules() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GoldenfiveApplication.class).run(
                "--server.port=0", "--management.server.port=", "--goldenfive.embedded-db.ephemeral=true",
                "--goldenfive.security.bcrypt-strength=10", "--goldenfive.security.admin-token=" + Benchmarks.TOKEN,
                "--spring.mail.host=127.0.0.1", "--spring.mail.port=" + TestMail.port(), "--logging.level.root=WARN");
             ScheduledExecutorService baseline = Executors.newSingleThreadScheduledExecutor();
             ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
             var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            JsonMapper json = app.getBean(JsonMapper.class);
            var api = new dev.goldenfive.Api(Benchmarks.port(app));
            Pager pager = new Pager(api, Benchmarks.TOKEN, json, app.getBean(UserAccounts.class), app.getBean(ApiTokens.class));
            for (int i = 0; i < SCHEDULES; i++) {
                String person = pager.person("p" + i, "{\"channels\":[{\"kind\":\"email\",\"to\":\"" + pager.email("p" + i) + "\"}],\"browser\":false}");
                String backup = pager.person("b" + i, "{\"channels\":[{\"kind\":\"email\",\"to\":\"" + pager.email("b" + i) + "\"}],\"browser\":false}");
                api.put("/api/v1/schedules/s" + i, Benchmarks.TOKEN, """
                        {"key":"s%d","name":"S%d","team":"team-%d","timeZone":"Europe/Berlin",
                         "layers":[{"name":"primary","handoff":"2026-01-01T09:00:00","shift":"P7D","members":["%s"]}]}"""
                        .formatted(i, i, i, person));
                pager.policy("policy-" + i, "svc-" + i, """
                        [{"targets":[{"schedule":"s%d"}],"after":"PT%dS"},{"targets":[{"user":"%s"}]}]"""
                        .formatted(i, ESCALATE_AFTER.toSeconds(), backup));
            }

            // when each page became visible to others, by incident and level
            Map<String, Instant> visible = new ConcurrentHashMap<>();
            app.addApplicationListener((PayloadApplicationEvent<?> event) -> {
                if (event.getPayload() instanceof FindingRecorded found && found.entry().fact() instanceof Fact.Paged paged && !paged.ended()) {
                    String id = found.incident().key() + "/" + paged.level() + "/" + paged.round();
                    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            visible.putIfAbsent(id, Instant.now());
                        }
                    });
                }
            });
            HttpClient http = HttpClient.newHttpClient();
            Map<String, Instant> sent = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Double> roundTrips = new ConcurrentLinkedQueue<>();
            List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
            Instant start = Instant.now();
            for (int i = 0; i < INCIDENTS; i++) {
                int n = i;
                pace.schedule(() -> senders.submit(() -> {
                    Instant asked = Instant.now();
                    HttpResponse<String> declared = http.send(HttpRequest.newBuilder(URI.create(api.uri("/api/v1/incidents").toString()))
                            .header("Authorization", "Bearer " + Benchmarks.TOKEN).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"load " + n + "\",\"service\":\"svc-" + (n % SCHEDULES)
                                    + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}")).build(), HttpResponse.BodyHandlers.ofString());
                    String key = json.readTree(declared.body()).get("key").asString();
                    sent.put(key, asked);
                    Instant before = Instant.now();
                    http.send(HttpRequest.newBuilder(URI.create(api.uri("/api/v1/incidents/" + key).toString()))
                            .header("Authorization", "Bearer " + Benchmarks.TOKEN).build(), HttpResponse.BodyHandlers.discarding());
                    roundTrips.add(Duration.between(before, Instant.now()).toNanos() / 1e6);
                    if (n % 4 == 0) {
                        api.post("/api/v1/incidents/" + key + "/actions/acknowledge", Benchmarks.TOKEN, "application/json", "{}");
                        acknowledged.add(key);
                    }
                    return null;
                }), RATE.multipliedBy(i).toNanos(), TimeUnit.NANOSECONDS);
            }
            // the baseline's escalations: due ten seconds after each first page, as goldenfive's are
            ConcurrentLinkedQueue<Double> baselineLateness = new ConcurrentLinkedQueue<>();
            Map<String, Boolean> scheduled = new ConcurrentHashMap<>();
            Instant until = start.plus(Duration.ofSeconds(60)).plus(ESCALATE_AFTER).plusSeconds(30);
            while (Instant.now().isBefore(until) && (sent.size() < INCIDENTS || visible.size() < INCIDENTS + (INCIDENTS - acknowledged.size()))) {
                visible.forEach((id, at) -> {
                    if (id.endsWith("/1/0") && scheduled.putIfAbsent(id, true) == null) {
                        Instant due = at.plus(ESCALATE_AFTER);
                        baseline.schedule(() -> baselineLateness.add(Duration.between(due, Instant.now()).toNanos() / 1e6),
                                Duration.between(Instant.now(), due).toNanos(), TimeUnit.NANOSECONDS);
                    }
                });
                Thread.sleep(100);
            }
            Thread.sleep(2000); // a duplicate, if there were one, would come now
            Duration declaring = Duration.between(start, sent.values().stream().max(Instant::compareTo).orElse(start));

            JdbcClient jdbc = app.getBean(JdbcClient.class);
            record Page(String key, int level, Instant at, Instant due) {
            }
            List<Page> pages = jdbc.sql("""
                    select 'INC-' || i.number, (e.details ->> 'level')::int, e.at from timeline_entry e join incident i on i.id = e.incident_id
                    where e.kind = 'paged' and not (e.details ->> 'ended')::boolean order by e.id
                    """).query((rs, row) -> new Page(rs.getString(1), rs.getInt(2), rs.getTimestamp(3).toInstant(), null)).list();
            Map<String, Instant> firstPageAt = new ConcurrentHashMap<>();
            pages.stream().filter(p -> p.level() == 1).forEach(p -> firstPageAt.put(p.key(), p.at()));
            List<Double> toFirstPage = new ArrayList<>();
            List<Double> lateness = new ArrayList<>();
            sent.forEach((key, asked) -> {
                Instant paged = visible.get(key + "/1/0");
                if (paged != null) {
                    toFirstPage.add(Duration.between(asked, paged).toNanos() / 1e6);
                }
                Instant escalated = visible.get(key + "/2/0");
                if (escalated != null && firstPageAt.containsKey(key)) {
                    lateness.add(Duration.between(firstPageAt.get(key).plus(ESCALATE_AFTER), escalated).toNanos() / 1e6);
                }
            });
            long firstPages = pages.stream().filter(p -> p.level() == 1).count();
            long firstDistinct = pages.stream().filter(p -> p.level() == 1).map(Page::key).distinct().count();
            long escalations = pages.stream().filter(p -> p.level() == 2).count();
            long escalationsDistinct = pages.stream().filter(p -> p.level() == 2).map(Page::key).distinct().count();
            long wronglyEscalated = pages.stream().filter(p -> p.level() == 2 && acknowledged.contains(p.key())).count();
            long expectedEscalations = INCIDENTS - acknowledged.size();
            List<Double> trips = new ArrayList<>(roundTrips);
            List<Double> base = new ArrayList<>(baselineLateness);
            long expectedMails = INCIDENTS + expectedEscalations;
            Instant mailsUntil = Instant.now().plusSeconds(30);
            long mails = 0;
            while ((mails = jdbc.sql("select count(*) from notification where kind = 'email' and status = 'delivered'")
                    .query(Long.class).single()) < expectedMails && Instant.now().isBefore(mailsUntil)) {
                Thread.sleep(200);
            }

            System.out.printf("%nPaging benchmark: %d incidents declared over the API in %.1f s across %d schedules and policies%n",
                    INCIDENTS, declaring.toMillis() / 1000.0, SCHEDULES);
            System.out.printf("first pages: %d of %d (%d incidents, so %d twice); escalations: %d of %d (%d twice); escalated after an acknowledgement: %d%n",
                    firstPages, INCIDENTS, firstDistinct, firstPages - firstDistinct, escalations, expectedEscalations,
                    escalations - escalationsDistinct, wronglyEscalated);
            System.out.printf("mails delivered through SMTP: %d of %d%n", mails, expectedMails);
            System.out.printf("%-34s %10s %10s %10s%n", "", "p50", "p99", "max");
            row("open → first page (ms)", toFirstPage);
            row("baseline: GET round trip (ms)", trips);
            System.out.printf("%-34s %10.1f %10.1f %10.1f%n", "ratio", ratio(toFirstPage, trips, 0.5), ratio(toFirstPage, trips, 0.99),
                    ratio(toFirstPage, trips, 1.0));
            row("escalation lateness (ms)", lateness);
            row("baseline: in-JVM scheduler (ms)", base);
            System.out.printf("%-34s %10.1f %10.1f %10.1f%n", "ratio", ratio(lateness, base, 0.5), ratio(lateness, base, 0.99),
                    ratio(lateness, base, 1.0));
            boolean exact = firstPages == INCIDENTS && firstDistinct == INCIDENTS && escalations == expectedEscalations
                    && escalationsDistinct == expectedEscalations && wronglyEscalated == 0;
            System.out.printf("targets: first page p99 <= 5 s %s, escalation lateness p99 <= 1 s %s, none lost and none twice %s%n%n",
                    Benchmarks.percentile(toFirstPage, 0.99) <= 5000 ? "met" : "NOT MET",
                    Benchmarks.percentile(lateness, 0.99) <= 1000 ? "met" : "NOT MET", exact ? "met" : "NOT MET");
        }
    }

    private static void row(String label, List<Double> values) {
        System.out.printf("%-34s %10.1f %10.1f %10.1f%n", label, Benchmarks.percentile(values, 0.5), Benchmarks.percentile(values, 0.99),
                Benchmarks.percentile(values, 1.0));
    }

    private static double ratio(List<Double> measured, List<Double> baseline, double p) {
        double base = Benchmarks.percentile(baseline, p);
        return base <= 0 ? Double.NaN : Benchmarks.percentile(measured, p) / base;
    }
}
