package dev.goldenfive.alert;

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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's prometheus-alertmanager as a real peer, configured as the README says: an alert posted to it
 * reaches goldenfive through its webhook (with an agent token) and opens an incident; the alert ending
 * resolves it.
 */
@GoldenfiveTest
class AlertmanagerTest {

    static final String ALERTMANAGER = "/usr/bin/prometheus-alertmanager";
    static final String CONFIG = """
            route:
              receiver: goldenfive
              group_by: [alertname, service]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: goldenfive
                webhook_configs:
                  - url: %s/api/v1/alerts/alertmanager
                    send_resolved: true
                    http_config:
                      authorization:
                        credentials: %s
            """;

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    private Process alertmanager;
    private int alertmanagerPort;
    private Api api;

    @BeforeEach
    void startAlertmanager() throws Exception {
        assumeTrue(new File(ALERTMANAGER).canExecute(), "prometheus-alertmanager is not installed (.ci/run installs it)");
        api = new Api(port);
        var routes = api.send(HttpRequest.newBuilder(api.uri("/api/v1/alerts/routes")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(AlertApiTest.ROUTES)), GoldenfiveTest.ADMIN_TOKEN);
        assertThat(routes.statusCode()).isEqualTo(200);
        String token = json.readTree(api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"alertmanager-" + UUID.randomUUID().toString().substring(0, 8) + "\"}").body()).get("token").asString();
        Path dir = Files.createTempDirectory("alertmanager");
        Files.writeString(dir.resolve("alertmanager.yml"), CONFIG.formatted("http://127.0.0.1:" + port, token));
        alertmanagerPort = freePort();
        alertmanager = new ProcessBuilder(ALERTMANAGER, "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + alertmanagerPort,
                "--cluster.listen-address=").redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        waitFor(() -> alertmanagerAnswers(), Duration.ofSeconds(15));
    }

    @AfterEach
    void stopAlertmanager() {
        if (alertmanager != null) {
            alertmanager.destroy();
        }
    }

    @Test
    void anAlertOpensAnIncidentFromItsStartAndItsEndResolvesIt() throws Exception {
        String service = "am-" + UUID.randomUUID().toString().substring(0, 8);
        Instant startsAt = Instant.now().minus(20, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
        String alert = """
                [{"labels":{"alertname":"GoProxyDown","team":"build","service":"%s","env":"prod","severity":"critical"},
                  "annotations":{"summary":"proxy.golang.org does not answer"},"startsAt":"%s"%s,
                  "generatorURL":"http://prometheus:9090/graph"}]""";

        postToAlertmanager(alert.formatted(service, startsAt, ""));
        JsonNode incident = waitForIncident(service, i -> true);

        assertThat(incident.get("title").asString()).isEqualTo("proxy.golang.org does not answer");
        assertThat(Instant.parse(incident.get("startedAt").asString())).isEqualTo(startsAt);
        assertThat(incident.get("severity").asString()).isEqualTo("SEV1");

        postToAlertmanager(alert.formatted(service, startsAt, ",\"endsAt\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\""));
        JsonNode resolved = waitForIncident(service, i -> i.get("status").asString().equals("RESOLVED"));
        assertThat(resolved.get("key").asString()).isEqualTo(incident.get("key").asString());
    }

    private void postToAlertmanager(String alerts) throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + alertmanagerPort + "/api/v2/alerts"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(alerts)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private JsonNode waitForIncident(String service, Predicate<JsonNode> done) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonNode items = json.readTree(api.get("/api/v1/incidents?service=" + service, GoldenfiveTest.ADMIN_TOKEN).body()).get("items");
            if (items.size() == 1 && done.test(items.get(0))) {
                return items.get(0);
            }
            assertThat(items.size()).as("one incident for the group").isLessThanOrEqualTo(1);
            assertThat(System.nanoTime()).as("Alertmanager reached goldenfive within 20 s").isLessThan(until);
            Thread.sleep(200);
        }
    }

    private boolean alertmanagerAnswers() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + alertmanagerPort + "/-/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }
        catch (IOException | InterruptedException notYet) {
            return false;
        }
    }

    private static void waitFor(BooleanSupplier condition, Duration within) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("Alertmanager started").isLessThan(until);
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
