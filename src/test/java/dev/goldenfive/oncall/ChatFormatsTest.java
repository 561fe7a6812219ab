package dev.goldenfive.oncall;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.Receiver;
import dev.goldenfive.security.ApiTokens;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page reaches each chat service in the shape its incoming webhooks document, signed as each documents: a
 * receiver per service checks the body and, for DingTalk and Feishu, recomputes the signature the way the
 * provider's documentation says and refuses as the provider does when it does not match.
 */
@GoldenfiveTest
class ChatFormatsTest {

    private static final String ACK = "https://goldenfive.example.test/ack/";

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    UserAccounts accounts;

    @Autowired
    ApiTokens tokens;

    @Test
    void everyChatServiceGetsThePageInItsDocumentedShapeSignedAsItAsks() throws Exception {
        try (Receiver chat = new Receiver()) {
            String dingSecret = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";
            String feishuSecret = "feishu-signing-secret-0123";
            chat.answer("/dingtalk", request -> dingTalk(request, dingSecret));
            chat.answer("/feishu", request -> feishu(request, feishuSecret));
            chat.answer("/dingtalk-other", request -> dingTalk(request, "SEC-a-secret-the-robot-does-not-have"));
            chat.answer("/wecom", request -> new Receiver.Answer(200, "{\"errcode\":0,\"errmsg\":\"ok\"}"));
            chat.answer("/teams", request -> new Receiver.Answer(202, ""));
            Pager pager = new Pager(new Api(port), json, accounts, tokens);
            String person = pager.person("chatty", """
                    {"channels":[
                      {"kind":"slack","to":"%s"},{"kind":"teams","to":"%s"},{"kind":"mattermost","to":"%s"},
                      {"kind":"dingtalk","to":"%s","secret":"%s"},{"kind":"feishu","to":"%s","secret":"%s"},{"kind":"wecom","to":"%s"},
                      {"kind":"dingtalk","to":"%s","secret":"%s"}]}"""
                    .formatted(chat.url("/slack"), chat.url("/teams"), chat.url("/mattermost"),
                            chat.url("/dingtalk?access_token=robot-token"), dingSecret, chat.url("/feishu"), feishuSecret,
                            chat.url("/wecom?key=robot-key"), chat.url("/dingtalk-other?access_token=robot-token"), dingSecret));
            String service = "chat-" + pager.suffix;
            pager.policy("chat-" + pager.suffix, service, "[{\"targets\":[{\"user\":\"" + person + "\"}]}]");

            String key = pager.declare(service, "SEV1");
            String incidentUrl = "https://goldenfive.example.test/incidents/" + key;

            // Slack Block Kit: a header of plain text (≤ 150), mrkdwn fields (≤ 10, each ≤ 2,000), link buttons (text ≤ 75)
            JsonNode slack = body(chat, "/slack");
            assertThat(slack.get("text").asString()).contains(key);
            JsonNode header = slack.get("blocks").get(0);
            assertThat(header.get("type").asString()).isEqualTo("header");
            assertThat(header.get("text").get("type").asString()).isEqualTo("plain_text");
            assertThat(header.get("text").get("text").asString()).startsWith("[SEV1] " + key).hasSizeLessThanOrEqualTo(150);
            JsonNode fields = slack.get("blocks").get(1).get("fields");
            assertThat(fields.size()).isBetween(1, 10);
            assertThat(fields.valueStream()).allSatisfy(f -> {
                assertThat(f.get("type").asString()).isEqualTo("mrkdwn");
                assertThat(f.get("text").asString()).hasSizeLessThanOrEqualTo(2000);
            });
            assertThat(fields.toString()).contains("*Stage*").contains("left").contains("*Diagnosis*");
            JsonNode buttons = slack.get("blocks").get(2);
            assertThat(buttons.get("type").asString()).isEqualTo("actions");
            assertThat(buttons.get("elements").valueStream()).allSatisfy(b -> {
                assertThat(b.get("type").asString()).isEqualTo("button");
                assertThat(b.get("text").get("type").asString()).isEqualTo("plain_text");
                assertThat(b.get("text").get("text").asString()).hasSizeLessThanOrEqualTo(75);
            });
            assertThat(buttons.get("elements").get(0).get("url").asString()).startsWith(ACK);
            assertThat(buttons.get("elements").get(1).get("url").asString()).isEqualTo(incidentUrl);

            // Teams Workflows: a message whose one attachment is an Adaptive Card
            JsonNode teams = body(chat, "/teams");
            assertThat(teams.get("type").asString()).isEqualTo("message");
            assertThat(teams.get("attachments").size()).isEqualTo(1);
            JsonNode attachment = teams.get("attachments").get(0);
            assertThat(attachment.get("contentType").asString()).isEqualTo("application/vnd.microsoft.card.adaptive");
            JsonNode card = attachment.get("content");
            assertThat(card.get("type").asString()).isEqualTo("AdaptiveCard");
            assertThat(card.get("$schema").asString()).isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
            assertThat(card.get("version").asString()).isEqualTo("1.4");
            assertThat(card.get("body").valueStream().map(b -> b.get("type").asString())).contains("TextBlock", "FactSet");
            assertThat(card.get("body").toString()).contains(key).contains("\"title\":\"Stage\"").contains("\"title\":\"Diagnosis\"");
            assertThat(card.get("actions").get(0).get("type").asString()).isEqualTo("Action.OpenUrl");
            assertThat(card.get("actions").get(0).get("url").asString()).startsWith(ACK);

            // Mattermost / Rocket.Chat: Markdown text and Slack-style attachments
            JsonNode mattermost = body(chat, "/mattermost");
            assertThat(mattermost.get("text").asString()).contains(key).contains("[Acknowledge](" + ACK);
            JsonNode mmAttachment = mattermost.get("attachments").get(0);
            assertThat(mmAttachment.get("title_link").asString()).isEqualTo(incidentUrl);
            assertThat(mmAttachment.get("fallback").asString()).contains(key);
            assertThat(mmAttachment.get("fields").valueStream().map(f -> f.get("title").asString())).contains("Stage", "Diagnosis");

            // DingTalk: an actionCard, signed in the query (the receiver refused it otherwise)
            Receiver.Request ding = chat.queue("/dingtalk").poll(10, TimeUnit.SECONDS);
            assertThat(ding).isNotNull();
            assertThat(query(ding)).containsKeys("access_token", "timestamp", "sign");
            JsonNode dingBody = json.readTree(ding.body());
            assertThat(dingBody.get("msgtype").asString()).isEqualTo("actionCard");
            assertThat(dingBody.get("actionCard").get("text").asString()).contains(key).contains("**Stage**");
            assertThat(dingBody.get("actionCard").get("btns").get(0).get("actionURL").asString()).startsWith(ACK);

            // Feishu: an interactive card, signed in the body
            JsonNode feishu = body(chat, "/feishu");
            assertThat(feishu.get("msg_type").asString()).isEqualTo("interactive");
            assertThat(feishu.get("card").get("header").get("title").get("content").asString()).contains(key);
            assertThat(feishu.get("card").get("elements").toString()).contains("\"tag\":\"lark_md\"").contains("\"url\":\"" + ACK);

            // WeCom: markdown of at most 4,096 bytes
            JsonNode wecom = body(chat, "/wecom");
            assertThat(wecom.get("msgtype").asString()).isEqualTo("markdown");
            String content = wecom.get("markdown").get("content").asString();
            assertThat(content.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
            assertThat(content).contains(key).contains("[Acknowledge](" + ACK);

            JsonNode log = Pager.await(Duration.ofSeconds(15), () -> {
                var sent = pager.notifications("incident=" + key);
                return sent.stream().noneMatch(n -> n.get("status").asString().equals("pending")
                        && !n.get("kind").asString().equals("browser")) ? json.valueToTree(sent) : null;
            });
            assertThat(log).isNotNull();
            var statuses = log.valueStream().filter(n -> !n.get("kind").asString().equals("browser"))
                    .map(n -> n.get("kind").asString() + " " + n.get("status").asString() + " " + n.get("lastError").asString("")).toList();
            assertThat(statuses).as("six delivered; a robot that refuses the signature is a failed delivery, with its answer")
                    .containsExactlyInAnyOrder("slack delivered ", "teams delivered ", "mattermost delivered ", "dingtalk delivered ",
                            "feishu delivered ", "wecom delivered ",
                            "dingtalk failed dingtalk: answered 200 refusing it: {\"errcode\":310000,\"errmsg\":\"sign not match\"}");
            assertThat(log.toString()).as("a webhook's path and query are its secret: the log shows neither")
                    .doesNotContain("robot-token").doesNotContain("robot-key");
        }
    }

    private JsonNode body(Receiver chat, String path) throws Exception {
        Receiver.Request request = chat.queue(path).poll(10, TimeUnit.SECONDS);
        assertThat(request).as("a message to " + path).isNotNull();
        assertThat(request.headers().get("content-type")).startsWith("application/json");
        return json.readTree(request.body());
    }

    private static Map<String, String> query(Receiver.Request request) {
        return Arrays.stream(request.query().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    /**
     * As DingTalk checks a custom robot's 加签 (open.dingtalk.com/document/orgapp/customize-robot-security-settings):
     * timestamp in milliseconds within an hour of now; sign = Base64(HmacSHA256(key = secret, "timestamp\nsecret")),
     * URL-encoded in the query. A mismatch is answered 200 with errcode 310000.
     */
    private static Receiver.Answer dingTalk(Receiver.Request request, String secret) {
        Map<String, String> query = query(request);
        long timestamp = Long.parseLong(query.getOrDefault("timestamp", "0"));
        String expected = Base64.getEncoder().encodeToString(hmac(secret.getBytes(StandardCharsets.UTF_8),
                (timestamp + "\n" + secret).getBytes(StandardCharsets.UTF_8)));
        boolean fresh = Math.abs(Instant.now().toEpochMilli() - timestamp) < Duration.ofHours(1).toMillis();
        return fresh && expected.equals(query.get("sign")) ? new Receiver.Answer(200, "{\"errcode\":0,\"errmsg\":\"ok\"}")
                : new Receiver.Answer(200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}");
    }

    /**
     * As Feishu checks a custom bot's signature (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot): "timestamp"
     * in seconds within an hour; "sign" = Base64(HmacSHA256(key = "timestamp\nsecret", an empty message)). A mismatch
     * is answered 200 with code 19021.
     */
    private static Receiver.Answer feishu(Receiver.Request request, String secret) {
        JsonNode body = JsonMapper.builder().build().readTree(request.body());
        String timestamp = body.has("timestamp") ? body.get("timestamp").asString() : "0";
        String expected = Base64.getEncoder().encodeToString(hmac((timestamp + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]));
        boolean fresh = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) < 3600;
        return fresh && body.has("sign") && expected.equals(body.get("sign").asString())
                ? new Receiver.Answer(200, "{\"code\":0,\"data\":{},\"msg\":\"success\"}")
                : new Receiver.Answer(200, "{\"code\":19021,\"data\":{},\"msg\":\"sign match fail or timestamp is not within one hour from current time\"}");
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        }
        catch (java.security.GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
