package dev.goldenfive.probe;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * The diagnosis against faults really injected: for each, the agent runs in a client network namespace
 * against a module proxy, a mirror, a checksum database and a resolver of the {@link FaultWorld}, posts what
 * it measured to goldenfive, and goldenfive must name the boundary the runbook's seed document names.
 */
@GoldenfiveTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultMatrixTest {

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
        GOPROXY_NAMES_A_DEAD_PROXY("proxy-configuration", true);

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
                case GOPROXY_NAMES_A_DEAD_PROXY -> {
                    // the world is fine: the agent's GOPROXY names a proxy that is gone
                }
            }
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
        String incident = declare();

        var agent = world.agent(script, environment(fault, incident), fault.icmp, "https://" + FaultWorld.PROXY_NAME);

        assertThat(agent.exitStatus()).as("the agent posted and saw failures:\n" + agent.output()).isEqualTo(1);
        JsonNode evidence = json.readTree(api.get("/api/v1/incidents/" + incident + "/evidence", GoldenfiveTest.ADMIN_TOKEN).body());
        String checks = evidence.get("checks").valueStream()
                .map(c -> c.get("key").asString() + "=" + c.get("state").asString()).collect(Collectors.joining(", "));
        assertThat(evidence.path("diagnosis").path("boundary").asString(""))
                .as("%s with checks %s%nand the agent's report:%n%s", fault, checks, agent.output())
                .isEqualTo(fault.boundary);
        if (!fault.icmp) {
            assertThat(checks).as("ping could not run, and says so").contains("ping-replies=not-measured");
        }
    }

    private Map<String, String> environment(Fault fault, String incident) {
        Map<String, String> environment = new java.util.HashMap<>(Map.of("GOLDENFIVE_URL", "http://" + FaultWorld.GATEWAY + ":" + port,
                "GOLDENFIVE_TOKEN", token, "GOLDENFIVE_INCIDENT", incident));
        environment.putAll(fault.environment());
        return environment;
    }

    private String declare() throws Exception {
        var response = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"go mod download fails\",\"service\":\"faults-" + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"environment\":\"ci\",\"severity\":\"SEV2\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("key").asString();
    }
}
