package dev.goldenfive.oncall;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveApplication;
import dev.goldenfive.Replicas;
import dev.goldenfive.TestMail;
import dev.goldenfive.security.ApiTokens;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;

/** Paging as deployed: two replicas on one database, one of them killed with kill -9 while incidents escalate. */
class PagingReplicasTest {

    @TempDir
    Path dir;

    @Test
    void eachPageAndEscalationHappensOnceWhenAReplicaIsKilledMidEscalation() throws Exception {
        String[] mail = {"--spring.mail.host=127.0.0.1", "--spring.mail.port=" + TestMail.port(), "--goldenfive.oncall.timeout=2s",
                "--goldenfive.oncall.retries=200ms"};
        try (var survivor = Replicas.start(concat(mail, "--goldenfive.embedded-db.dir=" + dir.resolve("data")))) {
            var database = survivor.getBean(JdbcConnectionDetails.class);
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), GoldenfiveApplication.class.getName(),
                    "--server.port=" + port, "--management.server.port=", "--goldenfive.security.admin-token=" + Replicas.TOKEN,
                    "--goldenfive.security.bcrypt-strength=10", "--spring.datasource.url=" + database.getJdbcUrl(),
                    "--spring.datasource.username=" + database.getUsername(), "--spring.datasource.password=" + database.getPassword()));
            command.addAll(List.of(mail));
            Process killed = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
            try {
                Api first = Replicas.api(survivor);
                Api second = new Api(port);
                await(() -> ready(port), Duration.ofSeconds(90));
                assertThat(ready(port)).as("the replica to be killed is ready; its log ends:%n%s", tail(dir.resolve("killed.log"))).isTrue();
                Pager pager = new Pager(first, Replicas.TOKEN, survivor.getBean(JsonMapper.class), survivor.getBean(UserAccounts.class),
                        survivor.getBean(ApiTokens.class));
                List<String> people = new ArrayList<>();
                for (String name : List.of("one", "two", "three")) {
                    people.add(pager.person(name, "{\"channels\":[{\"kind\":\"email\",\"to\":\"" + pager.email(name) + "\"}]}"));
                }
                String service = "replicated-" + pager.suffix;
                assertThat(first.put("/api/v1/escalation-policies/replicated-" + pager.suffix, Replicas.TOKEN, """
                        {"key":"replicated-%s","name":"Replicated","services":["%s"],"repeat":1,
                         "levels":[{"targets":[{"user":"%s"}],"after":"PT2S"},{"targets":[{"user":"%s"}],"after":"PT2S"},
                                   {"targets":[{"user":"%s"}],"after":"PT2S"}]}"""
                        .formatted(pager.suffix, service, people.get(0), people.get(1), people.get(2))).statusCode()).isEqualTo(200);

                List<String> keys = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    Api replica = i % 2 == 0 ? first : second;
                    var declared = replica.post("/api/v1/incidents", Replicas.TOKEN, "application/json",
                            "{\"title\":\"nobody answers " + i + "\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
                    assertThat(declared.statusCode()).as(declared.body()).isEqualTo(201);
                    keys.add(declared.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", ""));
                    Thread.sleep(100);
                }
                Thread.sleep(2500); // the first escalations are being taken by both replicas
                JdbcClient jdbc = survivor.getBean(JdbcClient.class);
                assertThat(pages(jdbc, service).values().stream().mapToInt(List::size).sum()).as("escalations under way").isGreaterThan(20);
                killed.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, its transactions and connections cut off

                // 20 incidents × 3 levels × 2 rounds, and the end of paging
                await(() -> pages(jdbc, service).values().stream().allMatch(p -> p.size() >= 7), Duration.ofSeconds(60));
                Thread.sleep(1000); // a duplicate, if there were one, would come now
                Map<String, List<String>> pages = pages(jdbc, service);
                assertThat(pages.keySet()).containsExactlyInAnyOrderElementsOf(keys);
                assertThat(pages.values()).allSatisfy(p -> assertThat(p).containsExactly(
                        "1/0", "2/0", "3/0", "1/1", "2/1", "3/1", "ended"));
                assertThat(jdbc.sql("""
                        select count(*) from notification n join incident i on i.id = n.incident_id
                        where i.service = :service and n.kind = 'email'
                        group by n.incident_id, n.level, n.round having count(*) <> 1
                        """).param("service", service).query(Long.class).list()).as("one message per person and page").isEmpty();
                await(() -> jdbc.sql("select count(*) from notification n join incident i on i.id = n.incident_id"
                        + " where i.service = :service and n.kind = 'email' and n.status = 'delivered'").param("service", service)
                        .query(Long.class).single() == 120, Duration.ofSeconds(30));
                assertThat(jdbc.sql("select n.status, count(*) from notification n join incident i on i.id = n.incident_id"
                                + " where i.service = :service and n.kind = 'email' group by n.status").param("service", service)
                        .query((rs, row) -> rs.getString(1) + "=" + rs.getLong(2)).list())
                        .as("every mail sent, those a dead replica held sent again by the other").containsExactly("delivered=120");
            }
            finally {
                killed.destroyForcibly().waitFor();
            }
        }
    }

    /** Each incident of the service's pages, in order: level/round, or "ended". */
    private static Map<String, List<String>> pages(JdbcClient jdbc, String service) {
        Map<String, List<String>> pages = new TreeMap<>();
        jdbc.sql("""
                select 'INC-' || i.number as key, e.details ->> 'level' as level, e.details ->> 'round' as round,
                       (e.details ->> 'ended')::boolean as ended
                from timeline_entry e join incident i on i.id = e.incident_id
                where e.kind = 'paged' and i.service = :service order by e.id
                """).param("service", service)
                .query((rs, row) -> pages.computeIfAbsent(rs.getString("key"), k -> new ArrayList<>())
                        .add(rs.getBoolean("ended") ? "ended" : rs.getString("level") + "/" + rs.getString("round")))
                .list();
        return pages;
    }

    private static boolean ready(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }
        catch (Exception notYet) {
            return false;
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private static String tail(Path log) throws java.io.IOException {
        List<String> lines = java.nio.file.Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
