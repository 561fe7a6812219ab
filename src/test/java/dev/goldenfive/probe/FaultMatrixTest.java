package dev.goldenfive.probe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** A fault, how it is injected, and the boundary it must be diagnosed as. */
    enum Fault {
        WORLD_BLACKHOLED("local-network", true),
        WORLD_BLACKHOLED_WITHOUT_ICMP("local-network", false),
        RESOLVER_UNREACHABLE("dns", true),
        RESOLVER_UNREACHABLE_WITHOUT_ICMP("dns", false),
        RESOLVER_SERVFAIL("dns", true),
        PROXY_NXDOMAIN("dns", true),
        CERTIFICATE_FROM_AN_UNKNOWN_CA("tls", true),
        PROXY_PORT_CLOSED("remote-service", true),
        PROXY_ANSWERS_503("remote-service", true),
        PROXY_HANGS_AFTER_CONNECT("remote-service", true),
        GOPROXY_NAMES_A_DEAD_PROXY("proxy-configuration", true),
        CHECKSUM_DATABASE_REPORTS_A_MISMATCH("proxy-configuration", true),
        PRIVATE_MODULE_THROUGH_THE_PUBLIC_PROXY("proxy-configuration", true);

        final String boundary;
        final boolean icmp;

        Fault(String boundary, boolean icmp) {
            this.boundary = boundary;
            this.icmp = icmp;
        }

        void inject(FaultWorld world) throws Exception {
            switch (this) {
                case WORLD_BLACKHOLED, WORLD_BLACKHOLED_WITHOUT_ICMP -> world.blackholeTheWorld();
                case RESOLVER_UNREACHABLE, RESOLVER_UNREACHABLE_WITHOUT_ICMP -> world.cutOffTheResolver();
                case RESOLVER_SERVFAIL -> world.resolve(FaultWorld.Resolver.SERVFAIL);
                case PROXY_NXDOMAIN -> world.resolve(FaultWorld.Resolver.NXDOMAIN);
                case CERTIFICATE_FROM_AN_UNKNOWN_CA -> world.proxy(FaultWorld.Proxy.UNKNOWN_CA);
                case PROXY_PORT_CLOSED -> world.proxy(FaultWorld.Proxy.CLOSED);
                case PROXY_ANSWERS_503 -> world.proxy(FaultWorld.Proxy.ERROR_503);
                case PROXY_HANGS_AFTER_CONNECT -> world.proxy(FaultWorld.Proxy.HANGS_AFTER_CONNECT);
                case CHECKSUM_DATABASE_REPORTS_A_MISMATCH -> world.checksums(false);
                case GOPROXY_NAMES_A_DEAD_PROXY, PRIVATE_MODULE_THROUGH_THE_PUBLIC_PROXY -> {
                    // the world is fine: the agent's GOPROXY names a proxy that is gone; no GOPRIVATE names the private module
                }
            }
        }

        /** What the incident says when it is declared. */
        String context() {
            return this == PRIVATE_MODULE_THROUGH_THE_PUBLIC_PROXY
                    ? ",\"context\":{\"module\":\"git.corp.gf5.test/team/lib\",\"goprivate\":\"git.corp.gf5.test\"}" : "";
        }

        /** What the agent's machine has set. */
        Map<String, String> environment() {
            return this == GOPROXY_NAMES_A_DEAD_PROXY ? Map.of("GOPROXY", "https://" + FaultWorld.DEAD_NAME + ",direct") : Map.of();
        }
    }

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
    @EnumSource(Fault.class)
    void aStandingAgentLeadsGoldenfiveToTheSeedsAnswer(Fault fault) throws Exception {
        world.heal();
        fault.inject(world);
        String service = "faults-" + UUID.randomUUID().toString().substring(0, 8);

        try (StandingAgent agent = world.standingAgent(script, environment(fault, service), fault.icmp, "https://" + FaultWorld.PROXY_NAME)) {
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

    /** The boundaries the incident's timeline says were diagnosed, in order. */
    private List<String> diagnosesShown(String incident) throws Exception {
        return json.readTree(api.get("/api/v1/incidents/" + incident + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body()).valueStream()
                .filter(e -> e.get("kind").asString().equals("diagnosis-changed"))
                .map(e -> e.get("details").path("boundary").asString("withdrawn")).toList();
    }

    private Map<String, String> environment(Fault fault, String service) {
        Map<String, String> environment = new HashMap<>(Map.of("GOLDENFIVE_URL", "http://" + FaultWorld.GATEWAY + ":" + port,
                "GOLDENFIVE_TOKEN", token, "GOLDENFIVE_LABELS", "service=" + service + ",environment=ci"));
        environment.putAll(fault.environment());
        return environment;
    }

    private String declare(String service, String context) throws Exception {
        var response = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"go mod download fails\",\"service\":\"" + service + "\",\"environment\":\"ci\",\"severity\":\"SEV2\""
                        + context + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("key").asString();
    }
}
