package dev.goldenfive.probe;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.Eventually;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drills against faults an agent really injects: the agent runs with the fault flag in the {@link FaultWorld}'s client
 * namespace, is sent the drill's fault with its work, injects it there, and removes it when the drill ends, when it is
 * stopped with Ctrl-C, and at its next start after a crash. What is in place is read from inside the namespace.
 */
@GoldenfiveTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DrillTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    UserAccounts accounts;

    private FaultWorld world;
    private Path script;
    private Path state;
    private String token;
    private String host;
    private String runbook;
    private Api api;

    @BeforeAll
    void buildTheWorld() throws Exception {
        var why = FaultWorld.whyNot();
        Assumptions.assumeTrue(why.isEmpty(), () -> "Drills with injected faults need network namespaces: " + why.orElse(""));
        Assumptions.assumeTrue(FaultWorld.onPath("iptables"), "iptables is not installed (.ci/run installs it)");
        api = new Api(port);
        world = FaultWorld.build();
        script = Files.createTempFile("goldenfive-probe", ".sh");
        Files.writeString(script, api.get(AgentScript.PATH, null).body());
        state = Files.createTempDirectory("goldenfive-probe-state");
        var agent = api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"drill-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        token = json.readTree(agent.body()).get("token").asString();
        Process hostname = new ProcessBuilder("hostname").start();
        host = new String(hostname.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (host.length() > 40) {
            host = host.substring(0, 40);
        }
        // the shipped runbook with its windows 12 s long: the drill walks every stage on the real timers in 36 s
        runbook = "drill-" + UUID.randomUUID().toString().substring(0, 8);
        String source;
        try (InputStream in = getClass().getResourceAsStream("/runbooks/go-module-download.yaml")) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        source = source.replace("key: go-module-download", "key: " + runbook).replace("Seconds: 300", "Seconds: 36")
                .replace("Seconds: 180", "Seconds: 24").replace("Seconds: 60", "Seconds: 12");
        var published = api.post("/api/v1/runbooks", GoldenfiveTest.ADMIN_TOKEN, "application/yaml", source);
        assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
    }

    @BeforeEach
    void heal() throws Exception {
        world.heal();
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

    @Test
    void aDrillWithTheWorldBlackholedRunsItsStagesLeadsToTheLocalNetworkAndTheAgentRemovesTheFaultAtTheEnd() throws Exception {
        String service = "drill-" + UUID.randomUUID().toString().substring(0, 8);
        String participant = "p" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(participant, null, "correct horse battery", EnumSet.of(Role.RESPONDER));

        try (StandingAgent agent = world.drillAgent(script, port, token, service, state)) {
            assertThat(agent.awaitSaying("watching for work", PATIENCE)).as(agent.output()).isTrue();
            String drill = declare(service, "{\"scenario\":\"CI cannot reach anything outside\",\"fault\":\"blackhole\",\"targets\":[\""
                    + FaultWorld.WORLD + "\"],\"agents\":[\"" + host + "\"],\"participants\":[\"" + participant + "\"],\"faultMinutes\":5}");

            assertThat(agent.awaitSaying(drill + ": injected blackhole on " + FaultWorld.WORLD, PATIENCE)).as(agent.output()).isTrue();
            assertThat(world.inside("ip", "route", "show")).contains("blackhole " + FaultWorld.WORLD);
            JsonNode injected = report(drill).get("faults").get(0);
            assertThat(injected.get("state").asString()).isEqualTo("injected");
            assertThat(injected.get("where").asString()).contains(FaultWorld.WORLD);
            assertThat(injected.get("until").asString()).isNotBlank();

            // the stages pass on the real timers; the evidence the agent posts on the way names the local network
            assertThat(Eventually.holds(() -> "follow-up".equals(incident(drill).path("stage").path("key").asString("")), PATIENCE))
                    .as("the drill reached follow-up on its timers").isTrue();
            assertThat(Eventually.holds(() -> "local-network".equals(evidence(drill).path("diagnosis").path("boundary").asString("")), PATIENCE))
                    .as(agent.output()).isTrue();

            resolve(drill);
            assertThat(agent.awaitSaying(drill + ": removed blackhole on " + FaultWorld.WORLD, PATIENCE)).as(agent.output()).isTrue();
            assertThat(world.inside("ip", "route", "show")).doesNotContain("blackhole");

            JsonNode report = report(drill);
            assertThat(report.get("stages").valueStream().map(s -> s.get("key").asString() + "=" + s.get("outcome").asString()).toList())
                    .startsWith("connectivity=over", "proxy-switch=over", "offline-fallback=over");
            assertThat(report.get("secondsToDiagnosis").asLong()).isBetween(0L, 60L);
            assertThat(report.get("score").get("diagnosis").asInt()).isPositive();
            assertThat(report.get("faults").get(0).get("state").asString()).isEqualTo("removed");
            assertThat(report.get("participants").valueStream().map(p -> p.get("who").asString()).toList()).contains("timer", "pager");
            assertThat(paged(drill)).as("only the drill's participant is paged").containsExactly(participant);
            assertThat(inTheRealReports(service)).as("a drill stays out of the real reports").isZero();
        }
    }

    @Test
    void aRefusedPortIsTakenBackOnCtrlCAndAfterACrashAtTheAgentsNextStart() throws Exception {
        String service = "drill-" + UUID.randomUUID().toString().substring(0, 8);
        String scenario = "{\"scenario\":\"the proxy refuses connections\",\"fault\":\"refuse\",\"targets\":[\"" + FaultWorld.PROXY
                + "\"],\"port\":443,\"agents\":[\"" + host + "\"],\"faultMinutes\":5}";
        String rule = "-d " + FaultWorld.PROXY + "/32 -p tcp -m tcp --dport 443 -j REJECT --reject-with tcp-reset";

        StandingAgent first = world.drillAgent(script, port, token, service, state);
        String drill;
        try {
            assertThat(first.awaitSaying("watching for work", PATIENCE)).as(first.output()).isTrue();
            drill = declare(service, scenario);
            assertThat(first.awaitSaying(drill + ": injected refuse on " + FaultWorld.PROXY, PATIENCE)).as(first.output()).isTrue();
            assertThat(world.inside("iptables", "-S", "OUTPUT")).contains(rule);
            assertThat(world.inside("curl", "-sS", "-k", "--connect-timeout", "2", "https://" + FaultWorld.PROXY + "/"))
                    .as("the port really refuses (curl 8 says a refused port \"couldn't connect\")").containsAnyOf("refused", "Couldn't connect to server");

            assertThat(first.interrupt(PATIENCE)).as(first.output()).isTrue();
            assertThat(first.output()).contains(drill + ": removed refuse on " + FaultWorld.PROXY);
            assertThat(world.inside("iptables", "-S", "OUTPUT")).doesNotContain(rule);
        }
        finally {
            first.close();
        }

        try (StandingAgent second = world.drillAgent(script, port, token, service, state)) {
            assertThat(second.awaitSaying(drill + ": injected refuse on " + FaultWorld.PROXY, PATIENCE)).as(second.output()).isTrue();
            second.crash();
        }
        assertThat(world.inside("iptables", "-S", "OUTPUT")).as("a crash leaves the fault in place").contains(rule);
        resolve(drill);

        try (StandingAgent third = world.drillAgent(script, port, token, service, state)) {
            assertThat(third.awaitSaying("watching for work", PATIENCE)).as(third.output()).isTrue();
            assertThat(third.output()).contains("left by a run that ended without removing them", drill + ": removed refuse on " + FaultWorld.PROXY);
            assertThat(world.inside("iptables", "-S", "OUTPUT")).doesNotContain(rule);
        }
        assertThat(report(drill).get("faults").get(0).get("state").asString()).isEqualTo("removed");
    }

    @Test
    void aDnsFaultDropsTheQueriesForTheProxysNameAloneUntilTheDrillEnds() throws Exception {
        String service = "drill-" + UUID.randomUUID().toString().substring(0, 8);
        try (StandingAgent agent = world.drillAgent(script, port, token, service, state)) {
            assertThat(agent.awaitSaying("watching for work", PATIENCE)).as(agent.output()).isTrue();
            String drill = declare(service, "{\"scenario\":\"the proxy's name does not resolve\",\"fault\":\"dns\",\"targets\":[\""
                    + FaultWorld.PROXY_NAME + "\"],\"agents\":[\"" + host + "\"]}");
            assertThat(agent.awaitSaying(drill + ": injected dns on " + FaultWorld.PROXY_NAME, PATIENCE)).as(agent.output()).isTrue();
            assertThat(world.inside("dig", "+time=1", "+tries=1", FaultWorld.PROXY_NAME)).as("the proxy's name").contains("timed out");
            assertThat(world.inside("dig", "+time=1", "+tries=1", FaultWorld.MIRROR_NAME)).as("another name").contains("status: NOERROR");

            resolve(drill);
            assertThat(agent.awaitSaying(drill + ": removed dns on " + FaultWorld.PROXY_NAME, PATIENCE)).as(agent.output()).isTrue();
            assertThat(world.inside("dig", "+time=1", "+tries=1", FaultWorld.PROXY_NAME)).contains("status: NOERROR");
            assertThat(world.inside("iptables", "-S", "OUTPUT")).doesNotContain("string");
        }
    }

    @Test
    void latencyIsInjectedWhereTheKernelHasNetemAndOtherwiseRefusedOnceSayingWhy() throws Exception {
        String service = "drill-" + UUID.randomUUID().toString().substring(0, 8);
        try (StandingAgent agent = world.drillAgent(script, port, token, service, state)) {
            assertThat(agent.awaitSaying("watching for work", PATIENCE)).as(agent.output()).isTrue();
            String drill = declare(service, "{\"scenario\":\"the proxy is slow\",\"fault\":\"latency\",\"targets\":[\""
                    + FaultWorld.PROXY + "\"],\"agents\":[\"" + host + "\"]}");
            assertThat(Eventually.holds(() -> agent.output().contains(drill + ": injected latency") || agent.output().contains(drill + ": could not inject latency"),
                    PATIENCE)).as(agent.output()).isTrue();
            if (agent.output().contains(drill + ": injected latency")) {
                assertThat(world.inside("tc", "qdisc", "show")).contains("netem");
                resolve(drill);
                assertThat(agent.awaitSaying(drill + ": removed latency", PATIENCE)).as(agent.output()).isTrue();
                assertThat(world.inside("tc", "qdisc", "show")).doesNotContain("netem");
            }
            else {
                Thread.sleep(3000);
                JsonNode faults = report(drill).get("faults");
                assertThat(faults.get(0).get("state").asString()).isEqualTo("refused");
                assertThat(faults.get(0).get("detail").asString()).as("tc's own answer").contains("tc qdisc add");
                assertThat(agent.output().split("could not inject latency", -1)).as("refused once, not again every second").hasSize(2);
                resolve(drill);
            }
        }
    }

    @Test
    void anAgentWithoutTheFaultFlagInjectsNothing() throws Exception {
        String service = "drill-" + UUID.randomUUID().toString().substring(0, 8);
        try (StandingAgent agent = world.standingAgent(script, port, token, service, null)) {
            assertThat(agent.awaitSaying("watching for work", PATIENCE)).as(agent.output()).isTrue();
            String drill = declare(service, "{\"scenario\":\"no flag, no fault\",\"fault\":\"blackhole\",\"targets\":[\"" + FaultWorld.WORLD
                    + "\"],\"agents\":[\"" + host + "\"]}");
            assertThat(agent.awaitSaying(drill + " connectivity (round 0) done", PATIENCE)).as(agent.output()).isTrue();
            assertThat(world.inside("ip", "route", "show")).doesNotContain("blackhole");
            assertThat(report(drill).get("faults").isEmpty()).isTrue();
            resolve(drill);
        }
    }

    private String declare(String service, String drill) throws Exception {
        var response = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"drill: go mod download fails\",\"service\":\"" + service + "\",\"environment\":\"ci\",\"severity\":\"SEV2\","
                        + "\"runbook\":\"" + runbook + "\",\"drill\":" + drill + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("key").asString();
    }

    private void resolve(String drill) throws Exception {
        var resolved = api.post("/api/v1/incidents/" + drill + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"summary\":\"drill over\"}");
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
    }

    private JsonNode report(String drill) throws Exception {
        var response = api.get("/api/v1/drills/" + drill, GoldenfiveTest.ADMIN_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private JsonNode incident(String drill) {
        return read("/api/v1/incidents/" + drill);
    }

    private JsonNode evidence(String drill) {
        return read("/api/v1/incidents/" + drill + "/evidence");
    }

    private JsonNode read(String path) {
        try {
            return json.readTree(api.get(path, GoldenfiveTest.ADMIN_TOKEN).body());
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The people the timeline says were paged. */
    private List<String> paged(String drill) throws Exception {
        return json.readTree(api.get("/api/v1/incidents/" + drill + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body()).valueStream()
                .filter(e -> e.get("kind").asString().equals("paged"))
                .flatMap(e -> e.get("details").get("people").valueStream()).map(JsonNode::asString).toList();
    }

    /**
     * The incidents of the service in the real reports, once a real incident of the same service is there: the reports
     * are computed a moment after a change, so the real one shows that they caught up.
     */
    private long inTheRealReports(String service) throws Exception {
        var real = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"a real one\",\"service\":\"" + service + "\",\"environment\":\"ci\",\"severity\":\"SEV2\",\"runbook\":\"" + runbook + "\"}");
        String key = json.readTree(real.body()).get("key").asString();
        resolve(key);
        BooleanSupplier counted = () -> read("/api/v1/reports/summary?service=" + service).path("incidents").asLong() >= 1;
        assertThat(Eventually.holds(counted, PATIENCE)).isTrue();
        return read("/api/v1/reports/summary?service=" + service).get("incidents").asLong() - 1;
    }
}
