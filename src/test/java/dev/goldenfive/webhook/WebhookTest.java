package dev.goldenfive.webhook;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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

/** Outbound webhooks to a real HTTP receiver: signed messages for stage changes, the missed window and resolve, retried. */
@GoldenfiveTest
class WebhookTest {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    private HttpServer receiver;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private Api api;

    record Received(Map<String, List<String>> headers, String body, int answered) {
    }

    @BeforeEach
    void startReceiver() throws Exception {
        api = new Api(port);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = failuresLeft.getAndDecrement() > 0 ? 503 : 204;
            received.add(new Received(exchange.getRequestHeaders(), body, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void incidentChangesArriveSignedAndAFailedDeliveryIsRetried() throws Exception {
        var created = api.post("/api/v1/webhooks", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"chat\",\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode webhook = json.readTree(created.body());
        String secret = webhook.get("secret").asString();
        failuresLeft.set(1);

        String key = declareOnAOneStageRunbook();
        // declared, then (the window ends) follow-up and the missed golden window; the first answered 503 once
        Map<String, List<Received>> byDelivery = new LinkedHashMap<>();
        while (byDelivery.size() < 3 || byDelivery.values().stream().anyMatch(m -> m.getLast().answered() != 204)) {
            Received message = next();
            byDelivery.computeIfAbsent(header(message, "X-Goldenfive-Delivery"), d -> new ArrayList<>()).add(message);
        }

        List<Received> first = byDelivery.values().iterator().next();
        assertThat(first).extracting(Received::answered).containsExactly(503, 204);
        assertThat(first.get(1).body()).as("the same message again").isEqualTo(first.get(0).body());
        JsonNode entered = json.readTree(first.get(1).body());
        assertThat(entered.get("type").asString()).isEqualTo("incident.stage-entered");
        assertThat(entered.get("incident").get("key").asString()).isEqualTo(key);
        assertThat(entered.get("details").get("cause").asString()).isEqualTo("declared");
        assertSigned(first.get(1), secret);
        assertThat(byDelivery.values().stream().map(m -> json.readTree(m.getLast().body()).get("type").asString()))
                .containsExactlyInAnyOrder("incident.stage-entered", "incident.stage-entered", "incident.deadline-missed");

        var resolved = api.post("/api/v1/incidents/" + key + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"summary\":\"proxy back\"}");
        assertThat(resolved.statusCode()).isEqualTo(200);
        Received last = next();
        assertThat(json.readTree(last.body()).get("type").asString()).isEqualTo("incident.resolved");
        assertThat(json.readTree(last.body()).get("details").get("summary").asString()).isEqualTo("proxy back");
        assertSigned(last, secret);

        JsonNode log = json.readTree(api.get("/api/v1/webhooks/" + webhook.get("webhook").get("id").asLong() + "/deliveries",
                GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(log.valueStream().filter(d -> d.get("incident").asString().equals(key))).hasSize(4)
                .allSatisfy(d -> assertThat(d.get("status").asString()).isEqualTo("delivered"))
                .anySatisfy(d -> {
                    assertThat(d.get("attempts").asInt()).isEqualTo(2);
                    assertThat(d.get("lastStatus").asInt()).isEqualTo(204);
                });
        api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/webhooks/" + webhook.get("webhook").get("id").asLong())).DELETE(),
                GoldenfiveTest.ADMIN_TOKEN);
    }

    @Test
    void aWebhookNeedsAnHttpUrlAndKnownEventsAndOnlyAdministratorsManageThem() throws Exception {
        var ftp = api.post("/api/v1/webhooks", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"name\":\"x\",\"url\":\"ftp://host/\"}");
        var unknown = api.post("/api/v1/webhooks", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"x\",\"url\":\"https://host/\",\"events\":[\"incident.exploded\"]}");
        var agent = json.readTree(api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"wh-" + UUID.randomUUID().toString().substring(0, 8) + "\"}").body()).get("token").asString();

        assertThat(ftp.statusCode()).isEqualTo(400);
        assertThat(ftp.body()).contains("\"field\":\"url\"");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("incident.exploded");
        assertThat(api.get("/api/v1/webhooks", agent).statusCode()).isEqualTo(403);
    }

    private void assertSigned(Received message, String secret) throws Exception {
        String signature = header(message, "X-Goldenfive-Signature");
        assertThat(signature).matches("t=\\d+,v1=[0-9a-f]{64}");
        String timestamp = signature.substring(2, signature.indexOf(','));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal((timestamp + "." + message.body()).getBytes(StandardCharsets.UTF_8)));
        assertThat(signature).endsWith("v1=" + expected);
        assertThat(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp))).isLessThan(60);
    }

    private static String header(Received message, String name) {
        return message.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
    }

    private Received next() throws InterruptedException {
        Received message = received.poll(15, TimeUnit.SECONDS);
        assertThat(message).as("a message within 15 s").isNotNull();
        return message;
    }

    private String declareOnAOneStageRunbook() throws Exception {
        String runbook = "hook-" + UUID.randomUUID().toString().substring(0, 8);
        var published = api.post("/api/v1/runbooks", GoldenfiveTest.ADMIN_TOKEN, "application/yaml", """
                key: %s
                title: One short stage
                stages:
                  - {key: only, title: Only stage, startSeconds: 0, endSeconds: 2, goal: Look, steps: [{key: look, title: Look}]}
                """.formatted(runbook));
        assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
        var declared = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"Proxy down\",\"service\":\"hooks\",\"environment\":\"prod\",\"severity\":\"SEV2\",\"runbook\":\"" + runbook + "\"}");
        assertThat(declared.statusCode()).as(declared.body()).isEqualTo(201);
        return json.readTree(declared.body()).get("key").asString();
    }
}
