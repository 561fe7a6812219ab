package dev.goldenfive.probe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;

/**
 * How fast the evidence leads to the right answer, per fault of the {@link FaultWorld}: seconds from declaring
 * the incident to the correct diagnosis through the API with a standing agent (goal 15 s), how many other
 * diagnoses were shown on the way (goal 0), and seconds from the fault's onset to the incident a monitor opens
 * at a 10 s interval with two consecutive failures (goal 30 s). Ratios are against the same run's healthy
 * world: declaring to the agent's first round done.
 * <p>
 * Run: {@code ./mvnw test -Pbenchmark -Dtest=FaultMatrixBenchmark} (as root, with the fault matrix's tools).
 */
@GoldenfiveTest
class FaultMatrixBenchmark {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    /** The faults a monitor of the proxy's HTTPS sees: each makes its HTTP probe fail. */
    private static final Set<FaultWorld.Fault> MONITORED = EnumSet.of(FaultWorld.Fault.WORLD_BLACKHOLED, FaultWorld.Fault.RESOLVER_UNREACHABLE,
            FaultWorld.Fault.CERTIFICATE_FROM_AN_UNKNOWN_CA, FaultWorld.Fault.PROXY_PORT_CLOSED, FaultWorld.Fault.PROXY_ANSWERS_503);

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    private Api api;
    private Path script;
    private String token;

    @Test
    void secondsToTheRightDiagnosisAndToTheMonitorsIncidentPerFault() throws Exception {
        var why = FaultWorld.whyNot();
        Assumptions.assumeTrue(why.isEmpty(), () -> "The fault matrix needs network namespaces: " + why.orElse(""));
        api = new Api(port);
        script = Files.createTempFile("goldenfive-probe", ".sh");
        Files.writeString(script, api.get(AgentScript.PATH, null).body());
        token = json.readTree(api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"benchmark-" + UUID.randomUUID().toString().substring(0, 8) + "\"}").body()).get("token").asString();
        try (FaultWorld world = FaultWorld.build()) {
            double baseline = healthyRound(world);
            List<String> rows = new ArrayList<>();
            for (FaultWorld.Fault fault : FaultWorld.Fault.values()) {
                world.heal();
                fault.inject(world);
                Diagnosed diagnosed = diagnose(world, fault);
                String monitor = "—";
                if (MONITORED.contains(fault)) {
                    world.heal();
                    double seconds = monitorOpens(world, fault);
                    monitor = "%.1f s (%.2f×)".formatted(seconds, seconds / baseline);
                }
                rows.add("| %s | %.1f s (%.2f×) | %d | %s |".formatted(fault.name().toLowerCase().replace('_', ' '), diagnosed.seconds(),
                        diagnosed.seconds() / baseline, diagnosed.wrong(), monitor));
            }
            System.out.printf("%nFault matrix: baseline (healthy world, declaring to the agent's first round done) %.1f s%n", baseline);
            System.out.println("| fault | declared → right diagnosis (goal ≤ 15 s) | other diagnoses shown (goal 0) | onset → monitor's incident, 10 s interval, K = 2 (goal ≤ 30 s) |");
            System.out.println("|---|---|---|---|");
            rows.forEach(System.out::println);
        }
        finally {
            Files.deleteIfExists(script);
        }
    }

    private record Diagnosed(double seconds, long wrong) {
    }

    private double healthyRound(FaultWorld world) throws Exception {
        world.heal();
        String service = service();
        try (StandingAgent agent = world.standingAgent(script, port, token, service, null)) {
            agent.awaitSaying("watching for work", PATIENCE);
            long start = System.nanoTime();
            String incident = declare(service, "");
            agent.awaitSaying(incident + " connectivity (round 0) done", PATIENCE);
            double seconds = (System.nanoTime() - start) / 1e9;
            resolve(incident);
            return seconds;
        }
    }

    private Diagnosed diagnose(FaultWorld world, FaultWorld.Fault fault) throws Exception {
        String service = service();
        try (StandingAgent agent = world.standingAgent(script, port, token, service, fault)) {
            agent.awaitSaying("watching for work", PATIENCE);
            long start = System.nanoTime();
            String incident = declare(service, fault.context());
            double seconds = Double.NaN;
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (System.nanoTime() < deadline) {
                JsonNode evidence = json.readTree(api.get("/api/v1/incidents/" + incident + "/evidence", GoldenfiveTest.ADMIN_TOKEN).body());
                if (evidence.path("diagnosis").path("boundary").asString("").equals(fault.boundary)) {
                    seconds = (System.nanoTime() - start) / 1e9;
                    break;
                }
                Thread.sleep(50);
            }
            agent.awaitSaying(incident + " connectivity (round 0) done", PATIENCE);
            long wrong = json.readTree(api.get("/api/v1/incidents/" + incident + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body()).valueStream()
                    .filter(e -> e.get("kind").asString().equals("diagnosis-changed"))
                    .filter(e -> !e.get("details").path("boundary").asString("withdrawn").equals(fault.boundary)).count();
            resolve(incident);
            return new Diagnosed(seconds, wrong);
        }
    }

    /** A monitor of the proxy's HTTPS runs in a healthy world; the fault comes; how long until its incident is open. */
    private double monitorOpens(FaultWorld world, FaultWorld.Fault fault) throws Exception {
        String service = service();
        api.post("/api/v1/monitors", GoldenfiveTest.ADMIN_TOKEN, "application/json", """
                {"name":"%s","probe":"http","target":"https://%s","intervalSeconds":10,"service":"%s","environment":"ci",
                 "runbook":"go-module-download","failAfter":2}""".formatted(service, FaultWorld.PROXY_NAME, service));
        try (StandingAgent agent = world.standingAgent(script, port, token, service, fault)) {
            agent.awaitSaying("monitor " + service + " done", PATIENCE);
            long onset = System.nanoTime();
            fault.inject(world);
            long deadline = onset + PATIENCE.toNanos();
            while (System.nanoTime() < deadline) {
                JsonNode items = json.readTree(api.get("/api/v1/incidents?status=OPEN&service=" + service, GoldenfiveTest.ADMIN_TOKEN).body())
                        .get("items");
                if (!items.isEmpty()) {
                    double seconds = (System.nanoTime() - onset) / 1e9;
                    resolve(items.get(0).get("key").asString());
                    return seconds;
                }
                Thread.sleep(100);
            }
            return Double.NaN;
        }
        finally {
            api.delete("/api/v1/monitors/" + service, GoldenfiveTest.ADMIN_TOKEN);
        }
    }

    private String declare(String service, String context) throws Exception {
        return json.readTree(api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"benchmark\",\"service\":\"" + service + "\",\"environment\":\"ci\",\"severity\":\"SEV2\"" + context + "}").body())
                .get("key").asString();
    }

    private void resolve(String incident) throws Exception {
        api.post("/api/v1/incidents/" + incident + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"summary\":\"done\"}");
    }

    private static String service() {
        return "bench-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
