package dev.goldenfive.oncall;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paged people are told through their channels: mail through a real SMTP server with a link that acknowledges
 * once, quiet hours, a person no channel reaches, and the webhooks' paging events.
 */
@GoldenfiveTest
class NotificationTest {

    private static final Pattern ACK_LINK = Pattern.compile("https://goldenfive\\.example\\.test(/ack/[A-Za-z0-9_-]+)");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    UserAccounts accounts;

    @Autowired
    ApiTokens tokens;

    @Autowired
    AckLinks links;

    private Pager pager() {
        return new Pager(new Api(port), json, accounts, tokens);
    }

    @Test
    void theMailedLinkAcknowledgesOnceWithoutSigningInAndPagingStops() throws Exception {
        Pager pager = pager();
        String alice = pager.person("alice", "{\"channels\":[{\"kind\":\"email\",\"to\":\"" + pager.email("alice") + "\"}]}");
        String service = "mailed-" + pager.suffix;
        pager.policy("mailed-" + pager.suffix, service, """
                [{"targets":[{"user":"%s"}],"after":"PT20S"},{"targets":[{"user":"admin"}]}]""".formatted(alice));

        String key = pager.declare(service, "SEV2");

        MimeMessage mail = Pager.await(Duration.ofSeconds(10), () -> TestMail.to(pager.email("alice")).stream().findFirst().orElse(null));
        assertThat(mail).as("the page, mailed through SMTP").isNotNull();
        assertThat(mail.getSubject()).contains("[SEV2] " + key).contains("You are paged (level 1)");
        String text = text(mail);
        assertThat(text).contains("Stage: ").contains(" left)").contains("Diagnosis: ").contains("Service: " + service + " · prod");
        Matcher link = ACK_LINK.matcher(text);
        assertThat(link.find()).as("an acknowledge link in " + text).isTrue();

        Browser browser = new Browser();
        HttpResponse<String> shown = browser.get(link.group(1));
        assertThat(shown.statusCode()).as("following the link changes nothing by itself").isEqualTo(200);
        assertThat(shown.body()).contains("Acknowledge as " + alice);
        assertThat(pager.incident(key).get("acknowledgedAt").isNull()).isTrue();

        HttpResponse<String> acknowledged = browser.post(link.group(1), csrf(shown));
        assertThat(acknowledged.statusCode()).isEqualTo(200);
        assertThat(acknowledged.body()).contains("Acknowledged. Paging has stopped.");
        assertThat(pager.incident(key).get("acknowledgedBy").asString()).isEqualTo(alice);

        HttpResponse<String> again = browser.post(link.group(1), csrf(shown));
        assertThat(again.statusCode()).as("a link works once").isEqualTo(410);
        assertThat(again.body()).contains("used already");
        assertThat(new Browser().get(link.group(1)).statusCode()).isEqualTo(410);

        List<JsonNode> sent = pager.notifications("incident=" + key);
        assertThat(sent).extracting(n -> n.get("kind").asString() + ":" + n.get("status").asString())
                .as("the mail was delivered; the browser notification, not shown by then, is not shown after")
                .containsExactlyInAnyOrder("email:delivered", "browser:cancelled");
        JsonNode mailed = sent.stream().filter(n -> n.get("kind").asString().equals("email")).findFirst().orElseThrow();
        assertThat(mailed.get("linkUsedAt").isNull()).isFalse();
        Thread.sleep(1000);
        assertThat(pager.timeline(key, "paged")).as("no escalation after the acknowledgement").hasSize(1);
    }

    @Test
    void aForgedOrExpiredLinkAcknowledgesNothing() throws Exception {
        Pager pager = pager();
        String bob = pager.person("bob", "{\"channels\":[{\"kind\":\"email\",\"to\":\"" + pager.email("bob") + "\"}]}");
        String service = "forged-" + pager.suffix;
        pager.policy("forged-" + pager.suffix, service, "[{\"targets\":[{\"user\":\"" + bob + "\"}]}]");
        String key = pager.declare(service, "SEV2");
        long notification = Pager.await(Duration.ofSeconds(10), () -> pager.notifications("incident=" + key).stream()
                .filter(n -> n.get("kind").asString().equals("email")).findFirst().orElse(null)).get("id").asLong();

        String expired = "/ack/" + links.token(notification, Instant.now().minusSeconds(1));
        String valid = links.token(notification, Instant.now().plusSeconds(600));
        String forged = "/ack/" + valid.substring(0, 10) + (valid.charAt(10) == 'A' ? 'B' : 'A') + valid.substring(11);

        Browser browser = new Browser();
        HttpResponse<String> old = browser.get(expired);
        assertThat(old.statusCode()).isEqualTo(410);
        assertThat(browser.post(expired, csrf(browser.get("/login"))).statusCode()).isEqualTo(410);
        assertThat(browser.get(forged).statusCode()).isEqualTo(404);
        assertThat(browser.post(forged, csrf(browser.get("/login"))).statusCode()).isEqualTo(404);
        assertThat(pager.incident(key).get("acknowledgedAt").isNull()).as("still unacknowledged").isTrue();
    }

    @Test
    void aPersonNoChannelReachesIsReportedAndTheLevelEscalatesAtOnce() throws Exception {
        try (Receiver chat = new Receiver()) {
            chat.answer("/down", request -> new Receiver.Answer(500, "internal error"));
            Pager pager = pager();
            String bob = pager.person("bob", "{\"channels\":[{\"kind\":\"slack\",\"to\":\"" + chat.url("/down") + "\"}]}");
            String carol = pager.person("carol", null);
            String dave = pager.person("dave", "{\"channels\":[{\"kind\":\"email\",\"to\":\"" + pager.email("dave") + "\"}]}");
            String service = "unreached-" + pager.suffix;
            pager.policy("unreached-" + pager.suffix, service, """
                    [{"targets":[{"user":"%s"},{"user":"%s"}],"after":"PT10M"},{"targets":[{"user":"%s"}]}]""".formatted(bob, carol, dave));

            String key = pager.declare(service, "SEV2");

            List<JsonNode> paged = Pager.await(Duration.ofSeconds(15), () -> {
                List<JsonNode> pages = pager.timeline(key, "paged");
                return pages.size() >= 2 ? pages : null;
            });
            assertThat(paged).as("level 2 paged long before its ten minutes, since nobody on level 1 was reached").isNotNull();
            assertThat(paged.get(1).get("details").get("people").toString()).contains(dave);
            List<JsonNode> unreached = pager.timeline(key, "unreached");
            assertThat(unreached).extracting(e -> e.get("details").get("person").asString()).containsExactly(carol, bob);
            assertThat(unreached.get(0).get("details").get("why").asString()).isEqualTo("no notification channel");
            assertThat(unreached.get(1).get("details").get("why").asString()).contains("slack: answered 500");
            assertThat(unreached.get(1).get("details").get("escalating").asBoolean()).isTrue();
            assertThat(chat.queue("/down")).as("tried, then retried twice").hasSize(3);
            assertThat(Pager.await(Duration.ofSeconds(10), () -> TestMail.to(pager.email("dave")).isEmpty() ? null : true)).isTrue();
            assertThat(pager.notifications("incident=" + key)).filteredOn(n -> n.get("person").asString().equals(bob))
                    .extracting(n -> n.get("status").asString()).contains("failed");
        }
    }

    @Test
    void quietHoursHoldLowSeverityPagesUntilTheyEndAndLetUrgentOnesThrough() throws Exception {
        Pager pager = pager();
        Instant now = Instant.now();
        DateTimeFormatter hours = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
        String erin = pager.person("erin", """
                {"channels":[{"kind":"email","to":"%s"}],
                 "quiet":{"severities":["SEV3","SEV4"],"from":"%s","to":"%s","timeZone":"UTC"}}"""
                .formatted(pager.email("erin"), hours.format(now.minusSeconds(3600)), hours.format(now.plusSeconds(3600))));
        String service = "quiet-" + pager.suffix;
        pager.policy("quiet-" + pager.suffix, service, "[{\"targets\":[{\"user\":\"" + erin + "\"}]}]");

        String low = pager.declare(service, "SEV4");
        Thread.sleep(1500);
        assertThat(TestMail.to(pager.email("erin"))).as("a SEV4 page at night waits for the morning").isEmpty();
        JsonNode held = pager.notifications("incident=" + low).stream().filter(n -> n.get("kind").asString().equals("email")).findFirst().orElseThrow();
        assertThat(held.get("status").asString()).isEqualTo("pending");
        assertThat(Instant.parse(held.get("heldUntil").asString())).isBetween(now.plusSeconds(3500), now.plusSeconds(3700));

        String urgent = pager.declare(service, "SEV2");
        MimeMessage mail = Pager.await(Duration.ofSeconds(10), () -> TestMail.to(pager.email("erin")).stream().findFirst().orElse(null));
        assertThat(mail).as("a SEV2 page goes out at once").isNotNull();
        assertThat(mail.getSubject()).contains(urgent);
    }

    @Test
    void webhooksHearOfPagesEscalationsAndAcknowledgements() throws Exception {
        try (Receiver hooks = new Receiver()) {
            Pager pager = pager();
            var webhook = pager.api.post("/api/v1/webhooks", GoldenfiveTest.ADMIN_TOKEN, "application/json", """
                    {"name":"pager-%s","url":"%s","events":["incident.paged","incident.escalated","incident.acknowledged"]}"""
                    .formatted(pager.suffix, hooks.url("/hooks")));
            assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(201);
            String frank = pager.person("frank", "{\"channels\":[{\"kind\":\"email\",\"to\":\"" + pager.email("frank") + "\"}]}");
            String service = "hooked-" + pager.suffix;
            pager.policy("hooked-" + pager.suffix, service, """
                    [{"targets":[{"user":"%s"}],"after":"PT1S"},{"targets":[{"user":"%s"}]}]""".formatted(frank, frank));

            String key = pager.declare(service, "SEV1");
            Pager.await(Duration.ofSeconds(15), () -> pager.timeline(key, "paged").size() >= 2 ? true : null);
            pager.api.post("/api/v1/incidents/" + key + "/actions/acknowledge", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{}");

            List<String> events = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Receiver.Request request = hooks.queue("/hooks").poll(15, TimeUnit.SECONDS);
                assertThat(request).as("webhook message " + (i + 1)).isNotNull();
                JsonNode body = json.readTree(request.body());
                assertThat(body.get("incident").get("key").asString()).isEqualTo(key);
                assertThat(request.headers().get("x-goldenfive-event")).isEqualTo(body.get("type").asString());
                events.add(body.get("type").asString());
            }
            assertThat(events).containsExactlyInAnyOrder("incident.paged", "incident.escalated", "incident.acknowledged");
        }
    }

    @Test
    void anAlertRoutingRuleNamesThePolicyThatPages() throws Exception {
        Pager pager = pager();
        String grace = pager.person("grace", "{\"channels\":[{\"kind\":\"email\",\"to\":\"" + pager.email("grace") + "\"}]}");
        String heidi = pager.person("heidi", "{\"channels\":[{\"kind\":\"email\",\"to\":\"" + pager.email("heidi") + "\"}]}");
        String service = "routed-" + pager.suffix;
        pager.policy("service-" + pager.suffix, service, "[{\"targets\":[{\"user\":\"" + grace + "\"}]}]");
        pager.policy("route-" + pager.suffix, "elsewhere-" + pager.suffix, "[{\"targets\":[{\"user\":\"" + heidi + "\"}]}]");
        String before = pager.api.get("/api/v1/alerts/routes", GoldenfiveTest.ADMIN_TOKEN).body();
        JsonNode routes = json.readTree(before);
        String rule = """
                {"name":"database-%s","match":{"alertname":"Routed%s"},"service":"%s","escalation":"route-%s"}"""
                .formatted(pager.suffix, pager.suffix, service, pager.suffix);
        String existing = routes.get("routes").valueStream().map(JsonNode::toString).reduce("", (a, b) -> a + "," + b);
        assertThat(pager.api.put("/api/v1/alerts/routes", GoldenfiveTest.ADMIN_TOKEN, "{\"routes\":[" + rule + existing + "]}")
                .statusCode()).isEqualTo(200);
        try {
            var fired = pager.api.post("/api/v1/alerts/alertmanager", GoldenfiveTest.ADMIN_TOKEN, "application/json", """
                    {"version":"4","groupKey":"{}:{alertname=\\"Routed%1$s\\"}","status":"firing","receiver":"goldenfive",
                     "groupLabels":{"alertname":"Routed%1$s"},"commonLabels":{"alertname":"Routed%1$s","severity":"critical"},
                     "commonAnnotations":{"summary":"primary down"},"externalURL":"http://alertmanager:9093",
                     "alerts":[{"status":"firing","labels":{"alertname":"Routed%1$s","severity":"critical"},
                       "annotations":{"summary":"primary down"},"startsAt":"%2$s","endsAt":"0001-01-01T00:00:00Z","fingerprint":"r-%1$s"}]}"""
                    .formatted(pager.suffix, Instant.now().minusSeconds(2)));
            assertThat(fired.statusCode()).as(fired.body()).isEqualTo(200);
            String key = json.readTree(fired.body()).get("incident").asString();

            JsonNode paged = pager.timeline(key, "paged").getFirst();
            assertThat(paged.get("details").get("policy").asString()).isEqualTo("route-" + pager.suffix);
            assertThat(paged.get("details").get("people").toString()).contains(heidi).doesNotContain(grace);
        }
        finally {
            pager.api.put("/api/v1/alerts/routes", GoldenfiveTest.ADMIN_TOKEN, before);
        }
    }

    @Test
    void reportsGiveTheTimeToPageAndToAcknowledgePerTeamAndLevel() throws Exception {
        Pager pager = pager();
        String ivan = pager.person("ivan", "{\"channels\":[{\"kind\":\"email\",\"to\":\"" + pager.email("ivan") + "\"}]}");
        String team = "team-" + pager.suffix;
        assertThat(pager.api.put("/api/v1/schedules/rota-" + pager.suffix, GoldenfiveTest.ADMIN_TOKEN, """
                {"key":"rota-%s","name":"Rota","team":"%s","timeZone":"Asia/Shanghai",
                 "layers":[{"name":"primary","handoff":"2026-01-01T09:00:00","shift":"P7D","members":["%s"]}]}"""
                .formatted(pager.suffix, team, ivan)).statusCode()).isEqualTo(200);
        String service = "reported-" + pager.suffix;
        pager.policy("reported-" + pager.suffix, service, "[{\"targets\":[{\"schedule\":\"rota-" + pager.suffix + "\"}]}]");
        String first = pager.declare(service, "SEV2");
        pager.declare(service, "SEV2");
        Thread.sleep(300);
        pager.api.post("/api/v1/incidents/" + first + "/actions/acknowledge", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{}");

        JsonNode summary = json.readTree(pager.api.get("/api/v1/reports/summary?service=" + service, GoldenfiveTest.ADMIN_TOKEN).body());
        JsonNode figure = summary.get("paging").valueStream().filter(f -> f.get("team").asString().equals(team)).findFirst().orElseThrow();
        assertThat(figure.get("level").asInt()).isEqualTo(1);
        assertThat(figure.get("paged").asLong()).isEqualTo(2);
        assertThat(figure.get("acknowledged").asLong()).isEqualTo(1);
        assertThat(figure.get("timeToPageP90").asDouble()).as("paged in the transaction that declared it").isLessThan(1.0);
        assertThat(figure.get("timeToAcknowledgeP50").asDouble()).isBetween(0.2, 30.0);
    }

    private static String text(MimeMessage mail) throws Exception {
        Object content = mail.getContent();
        if (content instanceof jakarta.mail.Multipart multipart) {
            StringBuilder text = new StringBuilder();
            collect(multipart, text);
            return text.toString();
        }
        return content.toString();
    }

    private static void collect(jakarta.mail.Multipart multipart, StringBuilder text) throws Exception {
        for (int i = 0; i < multipart.getCount(); i++) {
            var part = multipart.getBodyPart(i);
            if (part.getContent() instanceof jakarta.mail.Multipart nested) {
                collect(nested, text);
            }
            else if (part.isMimeType("text/plain")) {
                text.append(part.getContent());
            }
        }
    }

    private static String csrf(HttpResponse<String> page) {
        Matcher token = CSRF.matcher(page.body());
        assertThat(token.find()).as("a CSRF token on the page").isTrue();
        return token.group(1);
    }

    /** A browser without a session: it keeps cookies, as one that opened the mail's link would. */
    private final class Browser {

        private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

        HttpResponse<String> get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String csrf) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
