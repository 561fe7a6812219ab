package dev.goldenfive.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent as a standing agent (watch mode): started before anyone declares, it is sent the work of its
 * service's incidents by goldenfive and posts each result as it has it, against a module proxy, a mirror and
 * a checksum database served here.
 */
@GoldenfiveTest
class AgentWatchTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    private HttpServer modules;
    private Api api;
    private Path script;

    @BeforeEach
    void serveModules() throws Exception {
        api = new Api(port);
        modules = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        modules.createContext("/", exchange -> TestModules.answer(exchange, 200, "a module proxy\n"));
        TestModules.proxy(modules, "");
        TestModules.checksumDatabase(modules, "/sumdb", true);
        modules.start();
        script = Files.createTempFile("goldenfive-probe", ".sh");
        Files.writeString(script, api.get(AgentScript.PATH, null).body());
    }

    @AfterEach
    void stop() throws IOException {
        modules.stop(0);
        Files.deleteIfExists(script);
    }

    @Test
    void aStandingAgentProbesItsServicesIncidentAtOnceAtEachStageAndWhenAskedAgain() throws Exception {
        String service = "watch-" + UUID.randomUUID().toString().substring(0, 8);
        String local = "http://127.0.0.1:" + modules.getAddress().getPort();
        try (StandingAgent agent = StandingAgent.start(List.of("sh", script.toString(), "watch", local), Map.of(
                "GOLDENFIVE_URL", "http://127.0.0.1:" + port, "GOLDENFIVE_TOKEN", agentToken(service),
                "GOPROXY", local + ",direct", "GOSUMDB", "sum.example " + local + "/sumdb", "GOLDENFIVE_MIRROR", local,
                "GOLDENFIVE_TIMEOUT", "2", "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"))) {
            assertThat(agent.awaitSaying("watching for work", PATIENCE)).as(agent.output()).isTrue();

            String other = declare("other-" + service);
            String key = declare(service);
            assertThat(agent.awaitSaying(key + " connectivity (round 0) done", PATIENCE)).as(agent.output()).isTrue();
            assertThat(states(key)).containsEntry("tcp-connects", "passed").containsEntry("http-responds", "passed")
                    .as("and what the diagnosis needs from later stages").containsEntry("proxy-module-fetch", "passed")
                    .as("but no other later stage's probe").containsEntry("mirror-module-fetch", "pending");
            long first = evidence(key).get("total").asLong();

            var again = api.post("/api/v1/incidents/" + key + "/probes/again", GoldenfiveTest.ADMIN_TOKEN, "application/json", "");
            assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
            assertThat(json.readTree(again.body()).get("round").asInt()).isEqualTo(1);
            assertThat(agent.awaitSaying(key + " connectivity (round 1) done", PATIENCE)).as(agent.output()).isTrue();
            assertThat(evidence(key).get("total").asLong()).as("fresh results").isEqualTo(2 * first);

            advance(key);
            assertThat(agent.awaitSaying(key + " proxy-switch (round 1) done", PATIENCE)).as(agent.output()).isTrue();
            advance(key);
            assertThat(agent.awaitSaying(key + " offline-fallback (round 1) done", PATIENCE)).as(agent.output()).isTrue();
            assertThat(states(key)).containsEntry("mirror-module-fetch", "passed");

            assertThat(agent.output()).as("another service's incident is no work of this agent").doesNotContain(other);
        }
    }

    @Test
    void anAgentThatNamesNoServiceIsToldWhyItGetsNoWork() throws Exception {
        var response = api.get("/api/v1/probes/work", agentToken(null));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("service");
    }

    @Test
    void anIncidentsContextIsRefusedWhenATargetCouldPassForAnOption() throws Exception {
        var refused = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"x\",\"service\":\"ci\",\"environment\":\"prod\",\"severity\":\"SEV2\",\"context\":{\"goproxy\":\"-f.netrc\"}}");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("context.goproxy").contains("must be a URL of a host");
    }

    @Test
    void probesAreAskedForAgainOnlyWhileTheIncidentIsOpen() throws Exception {
        String key = declare("resolved-" + UUID.randomUUID().toString().substring(0, 8));
        api.post("/api/v1/incidents/" + key + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"summary\":\"fixed\"}");

        var again = api.post("/api/v1/incidents/" + key + "/probes/again", GoldenfiveTest.ADMIN_TOKEN, "application/json", "");

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("not open");
    }

    private void advance(String key) throws Exception {
        var advance = api.post("/api/v1/incidents/" + key + "/actions/advance", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"reason\":\"seen enough\"}");
        assertThat(advance.statusCode()).as(advance.body()).isEqualTo(200);
    }

    private Map<String, String> states(String key) throws Exception {
        return evidence(key).get("checks").valueStream()
                .collect(Collectors.toMap(c -> c.get("key").asString(), c -> c.get("state").asString()));
    }

    private JsonNode evidence(String key) throws Exception {
        return json.readTree(api.get("/api/v1/incidents/" + key + "/evidence", GoldenfiveTest.ADMIN_TOKEN).body());
    }

    private String agentToken(String service) throws Exception {
        String labels = service == null ? "" : ",\"labels\":{\"service\":\"" + service + "\",\"environment\":\"prod\"}";
        var response = api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"watch-" + UUID.randomUUID().toString().substring(0, 8) + "\"" + labels + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("token").asString();
    }

    private String declare(String service) throws Exception {
        var response = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"go mod download fails\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("key").asString();
    }

}
