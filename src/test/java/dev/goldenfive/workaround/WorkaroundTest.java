package dev.goldenfive.workaround;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.Receiver;
import dev.goldenfive.TestMail;
import dev.goldenfive.security.ApiTokens;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;

/** The workaround ledger over the API: recorded, listed, blocking the close, undone or kept with a reason, and overdue. */
@GoldenfiveTest
class WorkaroundTest {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    UserAccounts accounts;

    @Autowired
    ApiTokens tokens;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void anOpenWorkaroundBlocksTheCloseUntilItIsUndoneOrKeptWithAReason() throws Exception {
        Api api = new Api(port);
        String key = declare(api);
        String owner = person("owner", null);

        var refused = api.post("/api/v1/incidents/" + key + "/workarounds", GoldenfiveTest.ADMIN_TOKEN, "application/json", """
                {"kind":"gosumdb-off","what":" ","where":"ci runners","owner":"nobody-%s","revertBy":"%s"}"""
                .formatted(suffix, Instant.now().minusSeconds(60)));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(refused.body()).contains("\"what\"").contains("is not a user").contains("must be in the future");
        var unknownKind = api.post("/api/v1/incidents/" + key + "/workarounds", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"kind\":\"magic\",\"what\":\"x\",\"where\":\"y\",\"owner\":\"admin\",\"revertBy\":\"" + Instant.now().plusSeconds(3600) + "\"}");
        assertThat(unknownKind.statusCode()).isEqualTo(400);
        assertThat(unknownKind.body()).contains("kind");

        JsonNode first = record(api, key, "gosumdb-off", "GOSUMDB=off on the CI runners", owner, Instant.now().plus(1, ChronoUnit.DAYS));
        JsonNode second = record(api, key, "goproxy-switched", "GOPROXY=https://goproxy.cn,direct", owner, Instant.now().plus(2, ChronoUnit.DAYS));
        assertThat(first.get("status").asString()).isEqualTo("open");
        assertThat(json.readTree(api.get("/api/v1/workarounds", GoldenfiveTest.ADMIN_TOKEN).body()).valueStream()
                .filter(w -> w.get("incident").asString().equals(key))).hasSize(2);

        api.post("/api/v1/incidents/" + key + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"summary\":\"fixed\"}");
        api.completeReview(key, GoldenfiveTest.ADMIN_TOKEN);
        var blocked = api.post("/api/v1/incidents/" + key + "/actions/close", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{}");
        assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(409);
        assertThat(blocked.body()).contains("2 workaround(s) still in place").contains("GOSUMDB=off on the CI runners");

        var keepWithoutReason = api.post("/api/v1/incidents/" + key + "/workarounds/" + second.get("id").asLong() + "/keep",
                GoldenfiveTest.ADMIN_TOKEN, "application/json", "{}");
        assertThat(keepWithoutReason.statusCode()).isEqualTo(400);
        assertThat(keepWithoutReason.body()).contains("note").contains("why");
        assertThat(api.post("/api/v1/incidents/" + key + "/workarounds/" + first.get("id").asLong() + "/revert",
                GoldenfiveTest.ADMIN_TOKEN, "application/json", "{}").statusCode()).isEqualTo(200);
        assertThat(api.post("/api/v1/incidents/" + key + "/workarounds/" + second.get("id").asLong() + "/keep",
                GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"note\":\"the mirror is the new default\"}").statusCode()).isEqualTo(200);

        assertThat(api.post("/api/v1/incidents/" + key + "/actions/close", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{}")
                .statusCode()).isEqualTo(200);
        var afterClose = api.post("/api/v1/incidents/" + key + "/workarounds", GoldenfiveTest.ADMIN_TOKEN, "application/json", """
                {"kind":"other","what":"late","where":"ci","owner":"%s","revertBy":"%s"}""".formatted(owner, Instant.now().plusSeconds(3600)));
        assertThat(afterClose.statusCode()).as("none is recorded on a closed incident").isEqualTo(409);
        List<String> kinds = json.readTree(api.get("/api/v1/incidents/" + key + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body())
                .valueStream().map(e -> e.get("kind").asString()).filter(k -> k.startsWith("workaround")).toList();
        assertThat(kinds).containsExactlyInAnyOrder("workaround-recorded", "workaround-recorded", "workaround-closed", "workaround-closed");
        JsonNode kept = json.readTree(api.get("/api/v1/incidents/" + key + "/workarounds", GoldenfiveTest.ADMIN_TOKEN).body()).get(1);
        assertThat(kept.get("status").asString()).isEqualTo("kept");
        assertThat(kept.get("note").asString()).isEqualTo("the mirror is the new default");
        String exported = api.get("/api/v1/incidents/" + key + "/review/export?format=markdown", GoldenfiveTest.ADMIN_TOKEN).body();
        assertThat(exported).as("the review lists them as action items").contains("Undo the workaround: GOSUMDB=off on the CI runners")
                .contains("left in place: the mirror is the new default");
        assertThat(json.readTree(api.get("/api/v1/incidents/" + key + "/review/export?format=json", GoldenfiveTest.ADMIN_TOKEN).body())
                .get("workarounds").size()).isEqualTo(2);
    }

    @Test
    void aStepThatMakesAWorkaroundIsMarkedDoneTogetherWithIt() throws Exception {
        Api api = new Api(port);
        String key = declare(api);
        var done = api.post("/api/v1/incidents/" + key + "/steps/proxy-switch/switch-goproxy/workaround", GoldenfiveTest.ADMIN_TOKEN,
                "application/json", """
                {"kind":"goproxy-switched","what":"GOPROXY=https://goproxy.cn,direct in CI","where":"ci","owner":"admin",
                 "revertBy":"%s","note":"switched"}""".formatted(Instant.now().plus(1, ChronoUnit.DAYS)));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        assertThat(json.readTree(done.body()).get("step").asString()).isEqualTo("proxy-switch/switch-goproxy");
        JsonNode marked = json.readTree(api.get("/api/v1/incidents/" + key + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body())
                .valueStream().filter(e -> e.get("kind").asString().equals("step-marked")).findFirst().orElseThrow();
        assertThat(marked.get("details").get("step").asString()).isEqualTo("switch-goproxy");
        assertThat(marked.get("details").get("outcome").asString()).isEqualTo("done");

        var unknownStep = api.post("/api/v1/incidents/" + key + "/steps/proxy-switch/no-such-step/workaround", GoldenfiveTest.ADMIN_TOKEN,
                "application/json", """
                {"kind":"other","what":"x","where":"y","owner":"admin","revertBy":"%s"}""".formatted(Instant.now().plus(1, ChronoUnit.DAYS)));
        assertThat(unknownStep.statusCode()).isEqualTo(404);
        assertThat(json.readTree(api.get("/api/v1/incidents/" + key + "/workarounds", GoldenfiveTest.ADMIN_TOKEN).body()).size())
                .as("nothing recorded for a step that does not exist").isEqualTo(1);
    }

    @Test
    void anOverdueWorkaroundRemindsItsOwnerThroughTheirChannelsAndTheSignedWebhooks() throws Exception {
        try (var hooks = new Receiver()) {
            Api api = new Api(port);
            var webhook = api.post("/api/v1/webhooks", GoldenfiveTest.ADMIN_TOKEN, "application/json", """
                    {"name":"ledger-%s","url":"%s","events":["incident.workaround-overdue"]}""".formatted(suffix, hooks.url("/ledger")));
            assertThat(webhook.statusCode()).isEqualTo(201);
            String address = "late-" + suffix + "@example.test";
            String owner = person("late", "{\"channels\":[{\"kind\":\"email\",\"to\":\"" + address + "\"}]}");
            String key = declare(api);
            record(api, key, "feature-flag", "bypass_validation: true", owner, Instant.now().plusSeconds(2));

            MimeMessage mail = null;
            for (int i = 0; i < 100 && mail == null; i++) {
                mail = TestMail.to(address).stream().findFirst().orElse(null);
                Thread.sleep(100);
            }
            assertThat(mail).as("the owner is reminded by mail; sent: " + api.get("/api/v1/notifications?incident=" + key,
                    GoldenfiveTest.ADMIN_TOKEN).body() + "; timeline: " + api.get("/api/v1/incidents/" + key + "/timeline",
                    GoldenfiveTest.ADMIN_TOKEN).body()).isNotNull();
            assertThat(mail.getSubject()).contains(key).contains("Workaround overdue: bypass_validation: true");
            assertThat(mail.getContent().toString() + "").doesNotContain("/ack/");
            var hook = hooks.queue("/ledger").poll(10, TimeUnit.SECONDS);
            assertThat(hook).as("a signed webhook message").isNotNull();
            assertThat(hook.headers().get("x-goldenfive-signature")).startsWith("t=");
            assertThat(json.readTree(hook.body()).get("type").asString()).isEqualTo("incident.workaround-overdue");
            Thread.sleep(1200);
            assertThat(json.readTree(api.get("/api/v1/incidents/" + key + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body()).valueStream()
                    .filter(e -> e.get("kind").asString().equals("workaround-overdue"))).as("reminded once").hasSize(1);
            assertThat(json.readTree(api.get("/api/v1/incidents/" + key + "/workarounds", GoldenfiveTest.ADMIN_TOKEN).body()).get(0)
                    .get("overdue").asBoolean()).isTrue();
        }
    }

    private JsonNode record(Api api, String key, String kind, String what, String owner, Instant revertBy) throws Exception {
        var recorded = api.post("/api/v1/incidents/" + key + "/workarounds", GoldenfiveTest.ADMIN_TOKEN, "application/json", """
                {"kind":"%s","what":"%s","where":"ci runners","owner":"%s","revertBy":"%s"}""".formatted(kind, what, owner, revertBy));
        assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(201);
        return json.readTree(recorded.body());
    }

    private String declare(Api api) throws Exception {
        var declared = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"checksum database unreachable\",\"service\":\"ledger-" + suffix + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        assertThat(declared.statusCode()).isEqualTo(201);
        return json.readTree(declared.body()).get("key").asString();
    }

    private String person(String name, String rules) throws Exception {
        String username = name + "-" + suffix;
        long id = accounts.create(username, username, "correct horse battery staple " + username, Set.of(Role.RESPONDER)).id();
        if (rules != null) {
            assertThat(new Api(port).put("/api/v1/me/notification-rules", tokens.issuePersonal(id, "rules", null).token(), rules)
                    .statusCode()).isEqualTo(200);
        }
        return username;
    }
}
