package dev.goldenfive.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
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
 * The reference agent as a user runs it: fetched from goldenfive without signing in, run with sh against
 * local targets (a module proxy, a mirror and a checksum database served by a small HTTP server), and its
 * results ticking the incident's checks.
 */
@GoldenfiveTest
class AgentScriptTest {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    private HttpServer modules;
    private Api api;

    @BeforeEach
    void serveModules() throws IOException {
        api = new Api(port);
        modules = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        modules.createContext("/", exchange -> TestModules.answer(exchange, 200, "a module proxy\n"));
        TestModules.proxy(modules, "");
        modules.createContext("/mirror/golang.org/x/text/@v/list", exchange -> TestModules.answer(exchange, 404, "not found\n"));
        TestModules.checksumDatabase(modules, "/sumdb", true);
        modules.start();
    }

    @AfterEach
    void stop() {
        modules.stop(0);
    }

    @Test
    void theScriptProbesDirectlyAndThroughTheProxyAndTheMirrorAndPostsWhatItFound() throws Exception {
        String key = declare();
        String local = "http://127.0.0.1:" + modules.getAddress().getPort();
        var script = api.get(AgentScript.PATH, null);
        assertThat(script.statusCode()).as("served without signing in").isEqualTo(200);
        Path file = Files.createTempFile("goldenfive-probe", ".sh");
        Files.writeString(file, script.body());

        ProcessBuilder run = new ProcessBuilder("sh", file.toString(), local).redirectErrorStream(true);
        run.environment().putAll(Map.of("GOLDENFIVE_URL", "http://127.0.0.1:" + port, "GOLDENFIVE_TOKEN", agentToken(),
                "GOLDENFIVE_INCIDENT", key, "GOLDENFIVE_MIRROR", local + "/mirror", "GOPROXY", local + ",direct",
                "GOSUMDB", "sum.example " + local + "/sumdb", "PATH", path()));
        Process process = run.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as("posted, and some failed: " + output).isEqualTo(1);
        assertThat(output).contains("FAIL goproxy  mirror").contains("posted");
        JsonNode evidence = json.readTree(api.get("/api/v1/incidents/" + key + "/evidence", GoldenfiveTest.ADMIN_TOKEN).body());
        Map<String, String> states = evidence.get("checks").valueStream()
                .collect(Collectors.toMap(c -> c.get("key").asString(), c -> c.get("state").asString()));
        assertThat(states).as("an address needs no name resolution").containsEntry("dns-resolves", "pending")
                .containsEntry("tcp-connects", "passed")
                .containsEntry("http-responds", "passed").containsEntry("proxy-module-fetch", "passed")
                .containsEntry("checksum-db", "passed").containsEntry("mirror-module-fetch", "failed");
        JsonNode mirror = evidence.get("results").valueStream()
                .filter(r -> r.get("type").asString().equals("goproxy") && r.get("path").asString().equals("mirror"))
                .findFirst().orElseThrow();
        assertThat(mirror.get("http").get("status").asInt()).isEqualTo(404);
        assertThat(mirror.get("env").get("GOPROXY").asString()).isEqualTo(local + ",direct");
    }

    @Test
    void withoutAUrlTheScriptOnlyPrintsWhatItFound() throws Exception {
        Path file = Files.createTempFile("goldenfive-probe", ".sh");
        Files.writeString(file, api.get(AgentScript.PATH, null).body());
        String local = "http://127.0.0.1:" + modules.getAddress().getPort();

        String closed = "http://127.0.0.1:" + BlackboxExporterTest.freePort();
        String refusedTls = "https://127.0.0.1:" + BlackboxExporterTest.freePort();
        // a port that accepts connections but speaks no TLS: the handshake fails, and there is no certificate
        String plainAsTls = "https://127.0.0.1:" + modules.getAddress().getPort();
        ProcessBuilder run = new ProcessBuilder("sh", file.toString(), "-n", local, closed, refusedTls, plainAsTls)
                .redirectErrorStream(true);
        run.environment().putAll(Map.of("GOPROXY", local, "GOSUMDB", "off", "GOLDENFIVE_MIRROR", local, "PATH", path()));
        Process process = run.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as("some probes failed: " + output).isEqualTo(1);
        JsonNode printed = json.readTree(output.substring(output.indexOf("\n[") + 1, output.lastIndexOf("\n]") + 2));
        assertThat(output.substring(output.lastIndexOf("\n]"))).as("said after the results").contains("probes failed");
        assertThat(printed.valueStream().map(r -> r.get("type").asString())).contains("tcp", "http", "goproxy")
                .as("addresses need no name resolution").doesNotContain("dns");
        assertThat(printed.valueStream().filter(r -> r.get("type").asString().equals("gosumdb")))
                .as("with GOSUMDB=off no checksum database is asked, and the result says so")
                .singleElement().satisfies(r -> assertThat(r.get("notMeasured").asString()).contains("GOSUMDB is off"));
        String report = output.substring(0, output.indexOf("\n["));
        assertThat(report).contains("FAIL http     direct  " + closed).doesNotContain("\"error\"");
        JsonNode refused = printed.valueStream().filter(r -> r.get("target").asString().equals(closed)).findFirst().orElseThrow();
        assertThat(refused.get("success").asBoolean()).isFalse();
        assertThat(refused.get("error").get("message").asString()).contains("onnect");

        String refusedHost = refusedTls.substring("https://".length());
        assertThat(printed.valueStream().filter(r -> r.get("target").asString().equals(refusedHost)))
                .as("a refused port is a TCP failure, and no TLS was measured over it")
                .extracting(r -> r.get("type").asString() + " " + r.get("success").asBoolean() + " " + r.path("notMeasured").asString(""))
                .containsExactly("tcp false ", "tls false no connection was opened");
        String plainHost = plainAsTls.substring("https://".length());
        assertThat(printed.valueStream().filter(r -> r.get("target").asString().equals(plainHost)))
                .extracting(r -> r.get("type").asString() + " " + r.get("success").asBoolean()).contains("tcp true", "tls false");
        JsonNode noTls = printed.valueStream().filter(r -> r.get("target").asString().equals(plainHost) && r.get("type").asString().equals("tls"))
                .findFirst().orElseThrow();
        assertThat(noTls.has("tls")).as("no certificate: no subject, issuer or expiry made up").isFalse();
    }

    @Test
    void theScriptSaysByItsExitStatusWhetherEveryProbePassedSomeFailedOrItCouldNotPost() throws Exception {
        Path file = Files.createTempFile("goldenfive-probe", ".sh");
        Files.writeString(file, api.get(AgentScript.PATH, null).body());
        String local = "http://127.0.0.1:" + modules.getAddress().getPort();
        Map<String, String> passing = Map.of("GOPROXY", local, "GOSUMDB", "off", "GOLDENFIVE_MIRROR", local, "PATH", path());

        assertThat(exitStatus(file, passing, "-n", local)).as("every probe passed").isZero();
        Map<String, String> unreachable = new HashMap<>(passing);
        unreachable.putAll(Map.of("GOLDENFIVE_URL", "http://127.0.0.1:" + BlackboxExporterTest.freePort(), "GOLDENFIVE_TOKEN", "gfa_x"));
        assertThat(exitStatus(file, unreachable, local)).as("goldenfive cannot be reached").isEqualTo(2);
    }

    @Test
    void insideAGoModuleTheScriptRunsGoItselfAndTheVendoredBuild() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/go")), "Go is not installed (.ci/run installs golang-go)");
        Path module = Files.createTempDirectory("goldenfive-module");
        Files.writeString(module.resolve("go.mod"), "module example.com/app\n\ngo 1.19\n");
        Files.writeString(module.resolve("main.go"), "package main\n\nfunc main() {}\n");
        Files.createDirectories(module.resolve("vendor"));
        Files.writeString(module.resolve("vendor/modules.txt"), "");
        Path file = Files.createTempFile("goldenfive-probe", ".sh");
        Files.writeString(file, api.get(AgentScript.PATH, null).body());
        String local = "http://127.0.0.1:" + modules.getAddress().getPort();

        ProcessBuilder run = new ProcessBuilder("sh", file.toString(), "-n", local).directory(module.toFile()).redirectErrorStream(true);
        run.environment().putAll(Map.of("GOPROXY", local, "GOSUMDB", "off", "GOLDENFIVE_MIRROR", local, "GOTOOLCHAIN", "local",
                "GOFLAGS", "", "HOME", module.toString(), "PATH", path() + ":/usr/lib/go/bin"));
        Process process = run.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

        JsonNode printed = json.readTree(output.substring(output.indexOf("\n[") + 1, output.lastIndexOf("\n]") + 2));
        assertThat(printed.valueStream().filter(r -> r.get("type").asString().equals("command")))
                .extracting(r -> r.get("target").asString() + " " + r.get("success").asBoolean())
                .as(output).containsExactly("go mod download true", "go build -mod=vendor true");
    }

    private static int exitStatus(Path script, Map<String, String> environment, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", script.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder run = new ProcessBuilder(command).redirectErrorStream(true);
        run.environment().putAll(environment);
        Process process = run.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        return process.exitValue();
    }

    /** The machine's usual PATH; Go, where installed, reads GOPROXY and GOSUMDB from the environment the test sets. */
    private static String path() {
        return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    }

    private String agentToken() throws Exception {
        var response = api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"script-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("token").asString();
    }

    private String declare() throws Exception {
        var response = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"go mod download fails\",\"service\":\"script-" + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("key").asString();
    }

}
