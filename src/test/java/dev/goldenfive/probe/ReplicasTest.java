package dev.goldenfive.probe;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

import dev.goldenfive.Api;
import dev.goldenfive.Replicas;

import static org.assertj.core.api.Assertions.assertThat;

/** Standing agents and monitors as deployed: two replicas on one database, an agent connected to one of them. */
class ReplicasTest {

    private static final String TOKEN = Replicas.TOKEN;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void anAgentOnOneReplicaGetsTheWorkOfTheOtherAndAMonitorFailingOnBothOpensOneIncident() throws Exception {
        try (var first = Replicas.start("--goldenfive.embedded-db.dir=" + dir.resolve("data"))) {
            var database = first.getBean(JdbcConnectionDetails.class);
            try (var second = Replicas.start("--spring.datasource.url=" + database.getJdbcUrl(),
                    "--spring.datasource.username=" + database.getUsername(), "--spring.datasource.password=" + database.getPassword())) {
                Api one = Replicas.api(first);
                Api other = Replicas.api(second);
                anAgentConnectedToOneReplicaIsSentWhatTheOtherAsks(one, other);
                aMonitorFailingOnBothReplicasAtOnceOpensOneIncident(one, other);
            }
        }
    }

    private void anAgentConnectedToOneReplicaIsSentWhatTheOtherAsks(Api one, Api other) throws Exception {
        String service = "replicas-" + UUID.randomUUID().toString().substring(0, 8);
        HttpServer modules = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        modules.createContext("/", exchange -> TestModules.answer(exchange, 200, "a module proxy\n"));
        TestModules.proxy(modules, "");
        modules.start();
        String local = "http://127.0.0.1:" + modules.getAddress().getPort();
        Path script = Files.createTempFile(dir, "goldenfive-probe", ".sh");
        Files.writeString(script, one.get(AgentScript.PATH, null).body());
        try (StandingAgent agent = StandingAgent.start(List.of("sh", script.toString(), "watch", local), Map.of(
                "GOLDENFIVE_URL", "http://127.0.0.1:" + one.port(), "GOLDENFIVE_TOKEN", agentToken(one), "GOLDENFIVE_LABELS", "service=" + service + ",environment=prod",
                "GOPROXY", local, "GOSUMDB", "off", "GOLDENFIVE_MIRROR", local, "GOLDENFIVE_TIMEOUT", "2",
                "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"))) {
            assertThat(agent.awaitSaying("watching for work", Duration.ofSeconds(60))).as(agent.output()).isTrue();

            String key = JSON.readTree(other.post("/api/v1/incidents", TOKEN, "application/json",
                    "{\"title\":\"declared on the other replica\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}")
                    .body()).get("key").asString();
            assertThat(agent.awaitSaying(key + " connectivity (round 0) done", Duration.ofSeconds(60))).as(agent.output()).isTrue();
            assertThat(other.post("/api/v1/incidents/" + key + "/probes/again", TOKEN, "application/json", "").statusCode()).isEqualTo(202);
            assertThat(agent.awaitSaying(key + " connectivity (round 1) done", Duration.ofSeconds(60))).as(agent.output()).isTrue();
        }
        finally {
            modules.stop(0);
        }
    }

    /** Two agents post failing results of one monitor, each to its own replica, many at once: one incident opens. */
    private void aMonitorFailingOnBothReplicasAtOnceOpensOneIncident(Api one, Api other) throws Exception {
        String service = "race-" + UUID.randomUUID().toString().substring(0, 8);
        var created = one.post("/api/v1/monitors", TOKEN, "application/json", """
                {"name":"%s","probe":"http","target":"https://proxy.golang.org","intervalSeconds":5,"service":"%s","environment":"prod",
                 "runbook":"go-module-download","failAfter":2,"minAgents":1}""".formatted(service, service));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        List<Callable<Integer>> posts = new ArrayList<>();
        for (Api replica : List.of(one, other)) {
            String token = agentToken(replica);
            Instant started = Instant.now().minusSeconds(30);
            for (int i = 0; i < 6; i++) {
                String body = """
                        {"id":"%s","labels":{"service":"%s","environment":"prod","monitor":"%s"},"type":"http",
                         "target":"https://proxy.golang.org","startedAt":"%s","durationMs":5000,"success":false,
                         "error":{"class":"timeout","message":"no answer"}}""".formatted(UUID.randomUUID(), service, service, started.plusSeconds(i * 5L));
                posts.add(() -> replica.post("/api/v1/probes", token, "application/json", body).statusCode());
            }
        }
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Integer> posted : clients.invokeAll(posts)) {
                assertThat(posted.get()).isEqualTo(201);
            }
        }

        JsonNode incidents = JSON.readTree(one.get("/api/v1/incidents?service=" + service, TOKEN).body()).get("items");
        assertThat(incidents).as("one incident per monitor at a time, whichever replica evaluated").hasSize(1);
        one.delete("/api/v1/monitors/" + service, TOKEN);
    }


    private static String agentToken(Api api) throws Exception {
        return JSON.readTree(api.post("/api/v1/agents", TOKEN, "application/json",
                "{\"name\":\"replica-" + UUID.randomUUID().toString().substring(0, 8) + "\"}").body()).get("token").asString();
    }
}
