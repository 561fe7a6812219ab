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
import org.springframework.jdbc.core.simple.JdbcClient;

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

    @Autowired
    JdbcClient jdbc;

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
        receiver.createContext("/moved", exchange -> {
            received.add(new Received(exchange.getRequestHeaders(), "", 302));
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
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

    @Test
    void aWebhookWrittenWithALoopbackLinkLocalOrMetadataAddressIsRefusedWhenRegistered() throws Exception {
        var metadata = register("{\"name\":\"x\",\"url\":\"http://169.254.169.254/latest/meta-data\"}");
        var ipv6Loopback = register("{\"name\":\"x\",\"url\":\"http://[::1]:9/hook\"}");
        // 127.0.0.2 written as one number; the test profile allows 127.0.0.1/32 only
        var disguised = register("{\"name\":\"x\",\"url\":\"http://2130706434:9/hook\"}");
        var mapped = register("{\"name\":\"x\",\"url\":\"http://[::ffff:169.254.10.1]/\"}");

        assertThat(metadata.statusCode()).isEqualTo(400);
        assertThat(metadata.body()).contains("\"field\":\"url\"").contains("169.254.169.254 is a cloud metadata address");
        assertThat(ipv6Loopback.statusCode()).isEqualTo(400);
        assertThat(ipv6Loopback.body()).contains("\"field\":\"url\"").contains("is a loopback address");
        assertThat(disguised.statusCode()).isEqualTo(400);
        assertThat(disguised.body()).contains("127.0.0.2 is a loopback address");
        assertThat(mapped.statusCode()).isEqualTo(400);
        assertThat(mapped.body()).contains("169.254.10.1 is a link-local address");
    }

    @Test
    void nothingIsSentToAWebhookWhoseAddressIsRefusedAndItsLogSaysWhy() throws Exception {
        // a receiver on loopback outside the allowed 127.0.0.1/32: it must hear nothing
        HttpServer refused = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        AtomicInteger arrived = new AtomicInteger();
        refused.createContext("/", exchange -> {
            arrived.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        refused.start();
        // as stored before registration checked addresses (a host name resolving there is refused the same way)
        long id = jdbc.sql("""
                insert into webhook (name, url, secret, events, created_at, created_by)
                values ('stored earlier', :url, 'whsec_test', array['incident.stage-entered'], now(), 'admin') returning id
                """).param("url", "http://127.0.0.2:" + refused.getAddress().getPort() + "/hook").query(Long.class).single();
        try {
            declareOnAOneStageRunbook();

            JsonNode attempt = firstFailedAttempt(id);
            assertThat(attempt.get("lastError").asString())
                    .isEqualTo("refused: 127.0.0.2 is a loopback address; goldenfive.outbound.allow can let it through; nothing was sent");
            assertThat(attempt.path("lastStatus").isNumber()).as("no answer, since nothing was sent").isFalse();
            assertThat(attempt.get("status").asString()).as("retried like any failed attempt").isEqualTo("pending");
            assertThat(arrived).hasValue(0);
        }
        finally {
            delete(id);
            refused.stop(0);
        }
    }

    @Test
    void aRedirectIsNotFollowedAndTheLogNamesItsRefusedTarget() throws Exception {
        var created = register("{\"name\":\"moved\",\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort()
                + "/moved\",\"events\":[\"incident.stage-entered\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = json.readTree(created.body()).get("webhook").get("id").asLong();
        try {
            declareOnAOneStageRunbook();

            JsonNode attempt = firstFailedAttempt(id);
            assertThat(attempt.get("lastStatus").asInt()).isEqualTo(302);
            assertThat(attempt.get("lastError").asString()).isEqualTo("answered 302; redirects are not followed "
                    + "(to http://169.254.169.254/latest/meta-data/iam/security-credentials/, which is refused: 169.254.169.254 is "
                    + "a cloud metadata address; goldenfive.outbound.allow can let it through)");
            assertThat(next().answered()).isEqualTo(302);
        }
        finally {
            delete(id);
        }
    }

    @Test
    void theWebhookListDoesNotShowCredentialsInAUrl() throws Exception {
        var created = register("{\"name\":\"with credentials\",\"url\":\"http://hook-user:hook-pass@127.0.0.1:9/hook?token=x\","
                + "\"events\":[\"incident.resolved\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = json.readTree(created.body()).get("webhook").get("id").asLong();
        try {
            String list = api.get("/api/v1/webhooks", GoldenfiveTest.ADMIN_TOKEN).body();

            assertThat(list).contains("\"url\":\"http://***@127.0.0.1:9/hook?token=x\"").doesNotContain("hook-user").doesNotContain("hook-pass");
            assertThat(created.body()).doesNotContain("hook-pass");
        }
        finally {
            delete(id);
        }
    }

    @Test
    void aWebhookNameThatWouldReadBackwardsIsRefused() throws Exception {
        var response = register("{\"name\":\"ops\\u202ekoohbew\",\"url\":\"https://chat.example.com/hook\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("errors").get(0).get("field").asString()).isEqualTo("name");
    }

    private java.net.http.HttpResponse<String> register(String body) throws Exception {
        return api.post("/api/v1/webhooks", GoldenfiveTest.ADMIN_TOKEN, "application/json", body);
    }

    private void delete(long id) throws Exception {
        api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/webhooks/" + id)).DELETE(), GoldenfiveTest.ADMIN_TOKEN);
    }

    /** The first message to the webhook whose attempt failed, once the sender has tried it. */
    private JsonNode firstFailedAttempt(long id) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < until) {
            JsonNode log = json.readTree(api.get("/api/v1/webhooks/" + id + "/deliveries", GoldenfiveTest.ADMIN_TOKEN).body());
            var failed = log.valueStream().filter(d -> d.path("lastError").isString()).reduce((newer, older) -> older);
            if (failed.isPresent()) {
                return failed.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no failed attempt within 15 s");
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
