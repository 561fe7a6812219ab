package dev.goldenfive.alert;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Alerts over real HTTP: Alertmanager's webhook and Events API v2 events opening, attaching to and resolving incidents. */
@GoldenfiveTest
class AlertApiTest {

    /** The rules every alert test uses (they replace the whole set, so each test class sets the same). */
    static final String ROUTES = """
            {"routes": [
              {"name": "build", "match": {"team": "build"}, "service": "${service}", "environment": "${env}",
               "severity": "SEV1", "runbook": "go-module-download", "resolve": true},
              {"name": "quiet", "match": {"team": "quiet*"}, "service": "quiet-${alertname}", "environment": "staging"}
            ]}""";

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    dev.goldenfive.security.UserAccounts accounts;

    @Autowired
    dev.goldenfive.security.ApiTokens tokens;

    private Api api;
    private String token;

    @BeforeEach
    void setUp() throws Exception {
        api = new Api(port);
        var put = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/alerts/routes"))
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(ROUTES)),
                GoldenfiveTest.ADMIN_TOKEN);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        var agent = api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"alerts-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        token = json.readTree(agent.body()).get("token").asString();
    }

    @Test
    void aFiringGroupOpensARoutedIncidentFromItsStartAndLaterNotificationsAttach() throws Exception {
        String group = "{}:{alertname=\"GoProxyDown\",service=\"" + UUID.randomUUID() + "\"}";
        Instant startsAt = Instant.now().minus(90, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);

        JsonNode opened = post("/api/v1/alerts/alertmanager", notification(group, "firing", startsAt, "fp-1"));
        JsonNode repeated = post("/api/v1/alerts/alertmanager", notification(group, "firing", startsAt, "fp-1"));
        JsonNode another = post("/api/v1/alerts/alertmanager", notification(group, "firing", startsAt, "fp-1", "fp-2"));

        assertThat(opened.get("action").asString()).isEqualTo("opened");
        String key = opened.get("incident").asString();
        assertThat(repeated.get("incident").asString()).isEqualTo(key);
        assertThat(another.get("action").asString()).isEqualTo("attached");
        JsonNode incident = get("/api/v1/incidents/" + key);
        assertThat(incident.get("service").asString()).isEqualTo("ci");
        assertThat(incident.get("environment").asString()).isEqualTo("prod");
        assertThat(incident.get("severity").asString()).isEqualTo("SEV1");
        assertThat(incident.get("title").asString()).isEqualTo("The module proxy does not answer");
        assertThat(Instant.parse(incident.get("startedAt").asString())).as("the alert's start is t0").isEqualTo(startsAt);
        assertThat(incident.get("stage").get("key").asString()).as("90 s in: the second stage").isEqualTo("proxy-switch");
        List<JsonNode> alerts = timeline(key, "alert-firing");
        assertThat(alerts).as("a repeated notification adds nothing").hasSize(2);
        assertThat(alerts.getFirst().get("actor").get("kind").asString()).isEqualTo("AGENT");
        assertThat(alerts.getFirst().get("details").get("rule").asString()).isEqualTo("build");
    }

    @Test
    void aResolvedGroupResolvesItsIncidentWhenTheRuleSaysSoAndFiringAgainOpensANewOne() throws Exception {
        String group = "{}:{alertname=\"GoProxyDown\",id=\"" + UUID.randomUUID() + "\"}";
        Instant startsAt = Instant.now().minus(10, ChronoUnit.SECONDS);
        String key = post("/api/v1/alerts/alertmanager", notification(group, "firing", startsAt, "fp-1")).get("incident").asString();

        JsonNode resolved = post("/api/v1/alerts/alertmanager", notification(group, "resolved", startsAt, "fp-1"));
        JsonNode again = post("/api/v1/alerts/alertmanager", notification(group, "firing", Instant.now(), "fp-1"));

        assertThat(resolved.get("action").asString()).isEqualTo("resolved");
        assertThat(get("/api/v1/incidents/" + key).get("status").asString()).isEqualTo("RESOLVED");
        assertThat(timeline(key, "alert-resolved")).hasSize(1);
        assertThat(again.get("action").asString()).isEqualTo("opened");
        assertThat(again.get("incident").asString()).isNotEqualTo(key);
    }

    @Test
    void withoutARuleThatSaysResolveAResolvedAlertOnlyAddsATimelineEntry() throws Exception {
        String group = "{}:{alertname=\"Slow\",id=\"" + UUID.randomUUID() + "\"}";
        String body = notification(group, "firing", Instant.now(), "q-1").replace("\"team\":\"build\"", "\"team\":\"quiet-ops\"");
        String key = post("/api/v1/alerts/alertmanager", body).get("incident").asString();

        JsonNode resolved = post("/api/v1/alerts/alertmanager", body.replace("\"status\":\"firing\"", "\"status\":\"resolved\""));

        assertThat(resolved.get("action").asString()).isEqualTo("attached");
        JsonNode incident = get("/api/v1/incidents/" + key);
        assertThat(incident.get("status").asString()).isEqualTo("OPEN");
        assertThat(incident.get("service").asString()).isEqualTo("quiet-GoProxyDown");
        assertThat(incident.get("environment").asString()).isEqualTo("staging");
        assertThat(incident.get("severity").asString()).as("from the severity label").isEqualTo("SEV2");
    }

    @Test
    void eventsFollowPagerDutysDedupSemantics() throws Exception {
        String dedup = "disk-" + UUID.randomUUID();
        String trigger = event("trigger", dedup, "Disk full on build-7");

        var first = api.post("/api/v1/alerts/events", token, "application/json", trigger);
        JsonNode opened = json.readTree(first.body());
        JsonNode again = json.readTree(api.post("/api/v1/alerts/events", token, "application/json", trigger).body());
        JsonNode acknowledged = json.readTree(api.post("/api/v1/alerts/events", token, "application/json", event("acknowledge", dedup, null)).body());
        JsonNode resolved = json.readTree(api.post("/api/v1/alerts/events", token, "application/json", event("resolve", dedup, null)).body());

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(opened.get("status").asString()).isEqualTo("success");
        assertThat(opened.get("dedup_key").asString()).isEqualTo(dedup);
        assertThat(again.get("incident").asString()).isEqualTo(opened.get("incident").asString());
        assertThat(again.get("action").asString()).isEqualTo("attached");
        assertThat(acknowledged.get("action").asString()).isEqualTo("acknowledged");
        assertThat(resolved.get("action").asString()).isEqualTo("resolved");
        JsonNode incident = get("/api/v1/incidents/" + opened.get("incident").asString());
        assertThat(incident.get("status").asString()).isEqualTo("RESOLVED");
        assertThat(incident.get("acknowledgedBy").asString()).startsWith("alerts-");
        assertThat(incident.get("severity").asString()).as("critical").isEqualTo("SEV1");
        assertThat(incident.get("service").asString()).as("the source, without a rule").isEqualTo("build-7");
    }

    @Test
    void aDedupKeyBelongsToItsRoutingKey() throws Exception {
        String dedup = "high-cpu-" + UUID.randomUUID();
        String teamA = event("trigger", dedup, "CPU high on build-7");
        String teamB = teamA.replace("R0UT1NG", "OTHER-TEAM");

        String a = json.readTree(api.post("/api/v1/alerts/events", token, "application/json", teamA).body()).get("incident").asString();
        String b = json.readTree(api.post("/api/v1/alerts/events", token, "application/json", teamB).body()).get("incident").asString();
        api.post("/api/v1/alerts/events", token, "application/json", event("resolve", dedup, null).replace("R0UT1NG", "OTHER-TEAM"));

        assertThat(b).isNotEqualTo(a);
        assertThat(get("/api/v1/incidents/" + a).get("status").asString()).isEqualTo("OPEN");
        assertThat(get("/api/v1/incidents/" + b).get("status").asString()).isEqualTo("RESOLVED");
    }

    @Test
    void labelsSentAsNullAreNoLabels() throws Exception {
        String group = "{}:{alertname=\"Nulls\",id=\"" + UUID.randomUUID() + "\"}";
        String body = notification(group, "firing", Instant.now(), "n-1")
                .replace("\"commonLabels\":{\"alertname\":\"GoProxyDown\",\"team\":\"build\",\"service\":\"ci\"",
                        "\"commonLabels\":{\"alertname\":\"GoProxyDown\",\"team\":\"build\",\"service\":null")
                .replace("\"commonAnnotations\":{\"summary\":\"The module proxy does not answer\"}", "\"commonAnnotations\":{\"summary\":null}");

        JsonNode incident = get("/api/v1/incidents/" + post("/api/v1/alerts/alertmanager", body).get("incident").asString());

        assertThat(incident.get("service").asString()).as("${service} of no label").isEqualTo("unknown");
        assertThat(incident.get("title").asString()).isEqualTo("GoProxyDown");
    }

    @Test
    void aTriggerWithoutADedupKeyGetsOneAndEventsForUnknownKeysAreIgnored() throws Exception {
        JsonNode opened = json.readTree(api.post("/api/v1/alerts/events", token, "application/json",
                event("trigger", null, "Something else")).body());
        var unknown = api.post("/api/v1/alerts/events", token, "application/json", event("resolve", "never-seen-" + UUID.randomUUID(), null));

        assertThat(opened.get("dedup_key").asString()).isNotBlank();
        assertThat(unknown.statusCode()).isEqualTo(202);
        assertThat(json.readTree(unknown.body()).get("action").asString()).isEqualTo("ignored");
    }

    @Test
    void wrongEventsAndNotificationsAreRefusedNamingTheField() throws Exception {
        assertProblem(api.post("/api/v1/alerts/events", token, "application/json", "{\"routing_key\":\"r\",\"event_action\":\"trigger\"}"),
                "payload", "required");
        assertProblem(api.post("/api/v1/alerts/events", token, "application/json", "{\"routing_key\":\"r\",\"event_action\":\"explode\"}"),
                "eventAction", "trigger, acknowledge or resolve");
        assertProblem(api.post("/api/v1/alerts/events", token, "application/json", "{\"routing_key\":\"r\",\"event_action\":\"resolve\"}"),
                "dedup_key", "required");
        assertProblem(api.post("/api/v1/alerts/alertmanager", token, "application/json",
                notification("g", "firing", Instant.now(), "x").replace("\"version\":\"4\"", "\"version\":\"3\"")), "version", "\"4\"");
        assertProblem(api.post("/api/v1/alerts/alertmanager", token, "application/json", "{\"version\":\"4\",\"groupKey\":\"g\",\"status\":\"firing\",\"alerts\":[]}"),
                "alerts", "must not be empty");
        assertThat(api.post("/api/v1/alerts/alertmanager", token, "application/json", "x".repeat(1024 * 1024 + 1)).statusCode()).isEqualTo(413);
    }

    @Test
    void everyPersonReadsTheRoutingRulesButAnAgentDoesNot() throws Exception {
        var manager = accounts.create("r" + UUID.randomUUID().toString().substring(0, 8), null, "violet kettle harbour 42",
                java.util.EnumSet.of(dev.goldenfive.security.Role.MANAGER));
        String managerToken = tokens.issuePersonal(manager.id(), "reads rules", 1).token();

        assertThat(api.get("/api/v1/alerts/routes", managerToken).statusCode()).isEqualTo(200);
        assertThat(api.get("/api/v1/alerts/routes", token).statusCode()).isEqualTo(403);
    }

    @Test
    void onlyAdministratorsChangeTheRulesAndABadRuleIsNamed() throws Exception {
        var byAgent = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/alerts/routes"))
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(ROUTES)), token);
        var bad = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/alerts/routes"))
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"routes\":[{\"name\":\"x\",\"runbook\":\"no-such-runbook\"},{\"name\":\"\"}]}")), GoldenfiveTest.ADMIN_TOKEN);

        var reversing = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/alerts/routes"))
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"routes\":[{\"name\":\"build\\u202e\"}]}")), GoldenfiveTest.ADMIN_TOKEN);

        assertThat(byAgent.statusCode()).isEqualTo(403);
        assertProblem(reversing, "[0].name", "marks that reorder text");
        assertProblem(bad, "[0].runbook", "not a runbook");
        assertProblem(bad, "[1].name", "must not be blank");
        assertThat(get("/api/v1/alerts/routes").get("routes").get(0).get("name").asString()).as("unchanged").isEqualTo("build");
    }

    static String notification(String group, String status, Instant startsAt, String... fingerprints) {
        StringBuilder alerts = new StringBuilder();
        for (String fingerprint : fingerprints) {
            if (!alerts.isEmpty()) {
                alerts.append(',');
            }
            alerts.append("""
                    {"status":"%s","labels":{"alertname":"GoProxyDown","team":"build","service":"ci","env":"prod","severity":"error","instance":"%s"},
                     "annotations":{"summary":"The module proxy does not answer"},"startsAt":"%s","endsAt":"0001-01-01T00:00:00Z",
                     "generatorURL":"http://prometheus/graph","fingerprint":"%s"}""".formatted(status, fingerprint, startsAt, fingerprint));
        }
        return """
                {"version":"4","groupKey":%s,"truncatedAlerts":0,"status":"%s","receiver":"goldenfive",
                 "groupLabels":{"alertname":"GoProxyDown"},
                 "commonLabels":{"alertname":"GoProxyDown","team":"build","service":"ci","env":"prod","severity":"error"},
                 "commonAnnotations":{"summary":"The module proxy does not answer"},"externalURL":"http://alertmanager:9093",
                 "alerts":[%s]}""".formatted(quote(group), status, alerts);
    }

    private static String event(String action, String dedup, String summary) {
        return "{\"routing_key\":\"R0UT1NG\",\"event_action\":\"" + action + "\""
                + (dedup == null ? "" : ",\"dedup_key\":\"" + dedup + "\"")
                + (summary == null ? "" : ",\"payload\":{\"summary\":\"" + summary + "\",\"source\":\"build-7\",\"severity\":\"critical\","
                        + "\"timestamp\":\"" + Instant.now().minusSeconds(5) + "\",\"custom_details\":{\"free\":\"0 bytes\"}}")
                + "}";
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private JsonNode post(String path, String body) throws Exception {
        var response = api.post(path, token, "application/json", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private JsonNode get(String path) throws Exception {
        return json.readTree(api.get(path, GoldenfiveTest.ADMIN_TOKEN).body());
    }

    private List<JsonNode> timeline(String key, String kind) throws Exception {
        return get("/api/v1/incidents/" + key + "/timeline").valueStream().filter(e -> e.get("kind").asString().equals(kind)).toList();
    }

    private void assertProblem(HttpResponse<String> response, String field, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("errors").valueStream()).as(response.body())
                .anySatisfy(e -> {
                    assertThat(e.get("field").asString()).isEqualTo(field);
                    assertThat(e.get("message").asString()).contains(message);
                });
    }
}
