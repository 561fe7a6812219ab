package dev.goldenfive.probe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The diagnosis against faults really injected: for each, a standing agent runs in a client network namespace
 * against a module proxy, a mirror, a checksum database and a resolver of the {@link FaultWorld}. An incident of
 * its service is declared; the agent is sent the connectivity stage's probes, posts each result as it has it,
 * and goldenfive must name the boundary the runbook's seed document names, and no other on the way.
 */
@GoldenfiveTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultMatrixTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    private FaultWorld world;
    private Path script;
    private String token;
    private Api api;

    @BeforeAll
    void buildTheWorld() throws Exception {
        var why = FaultWorld.whyNot();
        Assumptions.assumeTrue(why.isEmpty(), () -> "The fault matrix needs network namespaces: " + why.orElse(""));
        api = new Api(port);
        world = FaultWorld.build();
        script = Files.createTempFile("goldenfive-probe", ".sh");
        Files.writeString(script, api.get(AgentScript.PATH, null).body());
        var agent = api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"fault-matrix-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        token = json.readTree(agent.body()).get("token").asString();
    }

    @AfterAll
    void tearTheWorldDown() throws Exception {
        if (world != null) {
            world.close();
        }
        if (script != null) {
            Files.deleteIfExists(script);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(FaultWorld.Fault.class)
    void aStandingAgentLeadsGoldenfiveToTheSeedsAnswer(FaultWorld.Fault fault) throws Exception {
        world.heal();
        fault.inject(world);
        String service = "faults-" + UUID.randomUUID().toString().substring(0, 8);

        try (StandingAgent agent = world.standingAgent(script, port, token, service, fault)) {
            assertThat(agent.awaitSaying("watching for work", PATIENCE)).as(agent.output()).isTrue();
            String incident = declare(service, fault.context());
            assertThat(agent.awaitSaying(incident + " connectivity (round 0) done", PATIENCE)).as(agent.output()).isTrue();

            JsonNode evidence = json.readTree(api.get("/api/v1/incidents/" + incident + "/evidence", GoldenfiveTest.ADMIN_TOKEN).body());
            String checks = evidence.get("checks").valueStream()
                    .map(c -> c.get("key").asString() + "=" + c.get("state").asString()).collect(Collectors.joining(", "));
            assertThat(evidence.path("diagnosis").path("boundary").asString(""))
                    .as("%s with checks %s%nand the agent's report:%n%s", fault, checks, agent.output())
                    .isEqualTo(fault.boundary);
            assertThat(diagnosesShown(incident)).as("no other diagnosis was shown on the way, as results came one by one")
                    .containsOnly(fault.boundary);
            if (!fault.icmp) {
                assertThat(checks).as("ping could not run, and says so").contains("ping-replies=not-measured");
            }
            api.post("/api/v1/incidents/" + incident + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                    "{\"summary\":\"fault removed\"}");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"HEALTHY", "CLOSED"})
    void goItselfDownloadsTheModuleThroughTheProxyAndTheBuildCheckSaysWhetherItCould(FaultWorld.Proxy proxy) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/go")), "Go is not installed (.ci/run installs golang-go)");
        world.heal();
        world.proxy(proxy);
        String service = "build-" + UUID.randomUUID().toString().substring(0, 8);

        try (StandingAgent agent = world.standingAgent(script, port, token, service, null)) {
            assertThat(agent.awaitSaying("watching for work", PATIENCE)).as(agent.output()).isTrue();
            // begun four minutes ago: the incident is in its offline fallback at once, whose checks include the build
            var declared = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                    "{\"title\":\"builds fail\",\"service\":\"" + service + "\",\"environment\":\"ci\",\"severity\":\"SEV2\",\"startedAt\":\""
                            + Instant.now().minusSeconds(200) + "\"}");
            String incident = json.readTree(declared.body()).get("key").asString();
            assertThat(agent.awaitSaying(incident + " offline-fallback (round 0) done", PATIENCE)).as(agent.output()).isTrue();

            JsonNode build = json.readTree(api.get("/api/v1/incidents/" + incident + "/evidence", GoldenfiveTest.ADMIN_TOKEN).body())
                    .get("checks").valueStream().filter(c -> c.get("key").asString().equals("build-succeeds")).findFirst().orElseThrow();
            assertThat(build.get("state").asString()).as(agent.output()).isEqualTo(proxy == FaultWorld.Proxy.HEALTHY ? "passed" : "failed");
            assertThat(build.get("decidedBy").get("target").asString()).isEqualTo("go mod download");
            api.post("/api/v1/incidents/" + incident + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                    "{\"summary\":\"done\"}");
        }
    }

    /** The boundaries the incident's timeline says were diagnosed, in order. */
    private List<String> diagnosesShown(String incident) throws Exception {
        return json.readTree(api.get("/api/v1/incidents/" + incident + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body()).valueStream()
                .filter(e -> e.get("kind").asString().equals("diagnosis-changed"))
                .map(e -> e.get("details").path("boundary").asString("withdrawn")).toList();
    }


    private String declare(String service, String context) throws Exception {
        var response = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"go mod download fails\",\"service\":\"" + service + "\",\"environment\":\"ci\",\"severity\":\"SEV2\""
                        + context + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("key").asString();
    }
}
