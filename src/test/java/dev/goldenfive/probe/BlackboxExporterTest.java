package dev.goldenfive.probe;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's prometheus-blackbox-exporter as a real peer: it probes goldenfive itself, and what it answers is
 * posted to goldenfive with the curl one-liner of the README.
 */
@GoldenfiveTest
class BlackboxExporterTest {

    static final String EXPORTER = "/usr/bin/prometheus-blackbox-exporter";
    static final String CONFIG = """
            modules:
              http_2xx:
                prober: http
                timeout: 5s
              tcp_connect:
                prober: tcp
                timeout: 5s
            """;

    static Process exporter;
    static int exporterPort;

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @BeforeAll
    static void startTheExporter() throws Exception {
        assumeTrue(new File(EXPORTER).canExecute(), "prometheus-blackbox-exporter is not installed (.ci/run installs it)");
        Path config = Files.createTempFile("blackbox", ".yml");
        Files.writeString(config, CONFIG);
        exporterPort = freePort();
        exporter = new ProcessBuilder(EXPORTER, "--config.file=" + config, "--web.listen-address=127.0.0.1:" + exporterPort)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        HttpClient http = HttpClient.newHttpClient();
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporterPort + "/metrics")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            }
            catch (IOException notYet) {
                assertThat(System.nanoTime()).as("the exporter answers within 10 s").isLessThan(until);
                Thread.sleep(100);
            }
        }
    }

    @AfterAll
    static void stopTheExporter() {
        if (exporter != null) {
            exporter.destroy();
        }
    }

    @Test
    void theReadmeOneLinerTurnsAnHttpProbeIntoEvidenceThatPassesTheHttpCheck() throws Exception {
        String key = declare();
        String target = "http://127.0.0.1:" + port + "/actuator/health";

        JsonNode stored = oneLiner(target, "http_2xx", key);

        assertThat(stored.get("type").asString()).isEqualTo("http");
        assertThat(stored.get("success").asBoolean()).isTrue();
        assertThat(stored.get("http").get("status").asInt()).isEqualTo(200);
        assertThat(stored.get("phases").get("connectMs").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(stored.get("phases").get("processingMs").asDouble()).isGreaterThan(0);
        assertThat(stored.get("labels").get("module").asString()).isEqualTo("http_2xx");
        JsonNode evidence = json.readTree(new Api(port).get("/api/v1/incidents/" + key + "/evidence", GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(evidence.get("checks").valueStream().filter(c -> c.get("key").asString().equals("http-responds")))
                .singleElement().satisfies(c -> assertThat(c.get("state").asString()).isEqualTo("passed"));
    }

    @Test
    void aFailedProbeAndATcpProbeAreMappedToo() throws Exception {
        String key = declare();
        int closed = freePort();

        JsonNode failed = oneLiner("http://127.0.0.1:" + closed + "/", "http_2xx", key);
        JsonNode tcp = oneLiner("127.0.0.1:" + port, "tcp_connect", key);

        assertThat(failed.get("success").asBoolean()).isFalse();
        assertThat(failed.get("error").get("message").asString()).contains("probe_success 0");
        assertThat(failed.has("http")).as("status 0 is no status").isFalse();
        assertThat(tcp.get("type").asString()).isEqualTo("tcp");
        assertThat(tcp.get("success").asBoolean()).isTrue();
    }

    /** The README's command: the exporter's answer piped into goldenfive, with an agent's token. */
    private JsonNode oneLiner(String target, String module, String incident) throws Exception {
        String query = "target=" + target + "&module=" + module;
        ProcessBuilder command = new ProcessBuilder("sh", "-c", "curl -s \"$EXPORTER/probe?" + query + "\" | curl -s -X POST "
                + "-H \"Authorization: Bearer $GOLDENFIVE_TOKEN\" -H 'Content-Type: text/plain' --data-binary @- "
                + "\"$GOLDENFIVE_URL/api/v1/probes/blackbox?" + query + "&incident=" + incident + "\"");
        command.environment().put("EXPORTER", "http://127.0.0.1:" + exporterPort);
        command.environment().put("GOLDENFIVE_URL", "http://127.0.0.1:" + port);
        command.environment().put("GOLDENFIVE_TOKEN", agentToken());
        Process curl = command.redirectErrorStream(true).start();
        String answer = new String(curl.getInputStream().readAllBytes());
        assertThat(curl.waitFor()).as(answer).isZero();
        JsonNode stored = json.readTree(answer);
        assertThat(stored.has("id")).as(answer).isTrue();
        return stored;
    }

    private String agentToken() throws Exception {
        var response = new Api(port).post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"blackbox-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("token").asString();
    }

    private String declare() throws Exception {
        var response = new Api(port).post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"Proxy slow\",\"service\":\"bb-" + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"environment\":\"prod\",\"severity\":\"SEV3\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("key").asString();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
