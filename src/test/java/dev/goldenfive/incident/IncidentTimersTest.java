package dev.goldenfive.incident;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Replicas;
import dev.goldenfive.GoldenfiveApplication;
import dev.goldenfive.runbook.RunbookFormat;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.timeline.Actor;

import static org.assertj.core.api.Assertions.assertThat;

/** The timers as deployed: several replicas on one database, and a replica killed with deadlines pending. */
class IncidentTimersTest {

    static final Actor RESPONDER = Actor.user("admin");
    static final String TOKEN = Replicas.TOKEN;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void twoReplicasFireEveryDeadlineOfManyIncidentsExactlyOnce() throws Exception {
        try (var first = start("--goldenfive.embedded-db.dir=" + dir.resolve("data"))) {
            var database = first.getBean(JdbcConnectionDetails.class);
            try (var second = start("--spring.datasource.url=" + database.getJdbcUrl(),
                    "--spring.datasource.username=" + database.getUsername(),
                    "--spring.datasource.password=" + database.getPassword())) {
                String runbook = publishShortRunbook(first);
                changesMadeOnOneReplicaReachSubscribersOfTheOther(first, second);
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    var replica = i % 2 == 0 ? first : second;
                    keys.add(replica.getBean(IncidentCommands.class).declare(declaration(runbook), RESPONDER).key().toString());
                    Thread.sleep(25);
                }

                JdbcClient jdbc = first.getBean(JdbcClient.class);
                waitUntil(() -> timerEntries(jdbc).size() >= 180, Duration.ofSeconds(15));
                Thread.sleep(500); // a duplicate, if there were one, would come now

                Map<String, List<String>> entered = new TreeMap<>();
                for (var entry : timerEntries(jdbc)) {
                    entered.computeIfAbsent(entry.get("key").toString(), k -> new ArrayList<>()).add(entry.get("to").toString());
                }
                assertThat(entered.keySet()).containsExactlyInAnyOrderElementsOf(keys);
                assertThat(entered.values()).allSatisfy(stages -> assertThat(stages).containsExactly("two", "three", "follow-up"));
                long firstFired = firings(first);
                long secondFired = firings(second);
                assertThat(firstFired + secondFired).isEqualTo(180);
                assertThat(firstFired).as("firings by the first replica").isPositive();
                assertThat(secondFired).as("firings by the second replica").isPositive();
            }
        }
    }

    private static void changesMadeOnOneReplicaReachSubscribersOfTheOther(ConfigurableApplicationContext first,
            ConfigurableApplicationContext second) throws Exception {
        IncidentKey key = first.getBean(IncidentCommands.class).declare(declaration(IncidentCommands.DEFAULT_RUNBOOK),
                RESPONDER).key();
        int port = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        var stream = HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/incidents/" + key + "/events"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().filter(line -> line.startsWith("event:")).forEach(events::add));
        try {
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("event:ready");

            first.getBean(IncidentCommands.class).addNote(key, "written on the first replica", RESPONDER);

            assertThat(events.poll(2, TimeUnit.SECONDS)).as("pushed by the second replica").isEqualTo("event:changed");
        }
        finally {
            stream.cancel(true);
        }
    }

    @Test
    void deadlinesThatPassWhileTheOnlyReplicaIsKilledFireRightAfterTheRestartMarkedLate() throws Exception {
        Path data = dir.resolve("data");
        int port = freePort();
        Process killed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GoldenfiveApplication.class.getName(),
                "--server.port=" + port, "--management.server.port=", "--goldenfive.embedded-db.dir=" + data,
                "--goldenfive.security.admin-token=" + TOKEN, "--goldenfive.security.bcrypt-strength=10")
                .redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        String key;
        try {
            waitUntil(() -> ready(port), Duration.ofSeconds(90));
            assertThat(ready(port)).as("the replica to be killed is ready").isTrue();
            String runbook = "short-" + UUID.randomUUID().toString().substring(0, 8);
            assertThat(call(port, "/api/v1/runbooks", "application/yaml", IncidentApiTest.SHORT_RUNBOOK.formatted(runbook))
                    .statusCode()).isEqualTo(201);
            var declared = call(port, "/api/v1/incidents", "application/json", """
                    {"title":"Module downloads time out","service":"build","environment":"prod","severity":"SEV2","runbook":"%s"}"""
                    .formatted(runbook));
            assertThat(declared.statusCode()).isEqualTo(201);
            key = declared.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");
        }
        finally {
            killed.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs, its PostgreSQL is left behind
        }
        Thread.sleep(4500); // the windows ending at 2 s and 4 s pass with no replica running

        try (var restarted = start("--goldenfive.embedded-db.dir=" + data)) {
            Instant ready = Instant.now();
            JdbcClient jdbc = restarted.getBean(JdbcClient.class);
            waitUntil(() -> timerEntries(jdbc).size() >= 2, Duration.ofSeconds(2));

            var fired = timerEntries(jdbc);
            assertThat(fired).extracting(e -> e.get("to")).startsWith("two", "three");
            Thread.sleep(500); // a second firing of the same deadline, if there were one, would come now
            assertThat(timerEntries(jdbc)).extracting(e -> e.get("key") + "→" + e.get("to")).as("each once").doesNotHaveDuplicates();
            assertThat(fired.subList(0, 2)).allSatisfy(entry -> {
                assertThat(entry.get("key")).isEqualTo(key);
                assertThat(((Number) entry.get("latenessMs")).longValue()).as("marked late").isGreaterThan(500);
                assertThat((Instant) entry.get("at")).as("fired within 2 s of readiness").isBefore(ready.plusSeconds(2));
            });
        }
    }

    private static boolean ready(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("UP");
        }
        catch (Exception notYet) {
            return false;
        }
    }

    private static HttpResponse<String> call(int port, String path, String type, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static ConfigurableApplicationContext start(String... args) {
        return Replicas.start(args);
    }

    static String publishShortRunbook(ConfigurableApplicationContext context) {
        String key = "short-" + UUID.randomUUID().toString().substring(0, 8);
        context.getBean(Runbooks.class).publish(IncidentApiTest.SHORT_RUNBOOK.formatted(key), RunbookFormat.YAML, "admin");
        return key;
    }

    static IncidentCommands.Declaration declaration(String runbook) {
        return new IncidentCommands.Declaration("Module downloads time out", "build", "prod", Severity.SEV2, runbook,
                null, null, null);
    }

    /** Stage changes the timers made, oldest first: which, the deadline, when it fired and how late. */
    static List<Map<String, Object>> timerEntries(JdbcClient jdbc) {
        return jdbc.sql("""
                select 'INC-' || i.number as key, e.details ->> 'to' as to, (e.details ->> 'latenessMs')::bigint as lateness,
                       e.details ->> 'deadline' as deadline, e.at from timeline_entry e join incident i on i.id = e.incident_id
                where e.kind = 'stage-entered' and e.details ->> 'cause' = 'timer' order by e.id
                """)
                .query((rs, row) -> Map.<String, Object>of("key", rs.getString("key"), "to", rs.getString("to"),
                        "latenessMs", rs.getLong("lateness"), "deadline", Instant.parse(rs.getString("deadline")),
                        "at", rs.getTimestamp("at").toInstant()))
                .list();
    }

    private static long firings(ConfigurableApplicationContext context) {
        return context.getBean(MeterRegistry.class).get("goldenfive.incident.deadline.lateness").timer().count();
    }

    static void waitUntil(BooleanSupplier condition, Duration within) throws InterruptedException {
        Instant until = Instant.now().plus(within);
        while (!condition.getAsBoolean() && Instant.now().isBefore(until)) {
            Thread.sleep(50);
        }
    }
}
