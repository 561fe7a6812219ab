package dev.goldenfive.incident;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.security.ApiTokens;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;

/** Incidents over real HTTP with the real timers: declare, act, read, and the clock moving them on. */
@GoldenfiveTest
class IncidentApiTest {

    /** Three stages of two seconds each. */
    static final String SHORT_RUNBOOK = """
            key: %s
            title: Three two-second stages
            stages:
              - {key: one, title: Stage one, startSeconds: 0, endSeconds: 2, goal: Look, steps: [{key: look, title: Look}]}
              - {key: two, title: Stage two, startSeconds: 2, endSeconds: 4, goal: Act, steps: [{key: act, title: Act}]}
              - {key: three, title: Stage three, startSeconds: 4, endSeconds: 6, goal: Fall back, steps: [{key: fall-back, title: Fall back}]}
            """;

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    UserAccounts accounts;

    @Autowired
    ApiTokens tokens;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void onAShortRunbookTheTimerWalksEveryStageOnTimeAndThenFollowUp() throws Exception {
        String runbook = shortRunbook();
        String key = declare(runbook, null);

        JsonNode timeline = waitForTimeline(key, t -> t.toString().contains("\"to\":\"follow-up\""), Duration.ofSeconds(7));

        List<JsonNode> timed = timeline.valueStream()
                .filter(e -> e.get("kind").asString().equals("stage-entered"))
                .filter(e -> e.get("details").get("cause").asString().equals("timer"))
                .toList();
        assertThat(timed).extracting(e -> e.get("details").get("to").asString()).containsExactly("two", "three", "follow-up");
        assertThat(timed).allSatisfy(e -> {
            assertThat(e.get("actor").get("kind").asString()).isEqualTo("SYSTEM");
            assertThat(e.get("details").get("latenessMs").asLong()).isBetween(0L, 1000L);
        });
        assertThat(timeline.valueStream().map(e -> e.get("kind").asString())).containsOnlyOnce("golden-window-missed");
        JsonNode incident = json.readTree(get("/api/v1/incidents/" + key, GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(incident.get("stage").get("key").asString()).isEqualTo("follow-up");
        assertThat(incident.get("stages").valueStream().map(s -> s.get("state").asString())).containsOnly("passed");
        assertThat(get("/actuator/prometheus", GoldenfiveTest.ADMIN_TOKEN).body())
                .contains("goldenfive_incident_transitions_total{kind=\"stage-entered\"")
                .contains("goldenfive_incident_deadline_lateness_seconds_bucket");
    }

    @Test
    void anIncidentShowsEveryStageWithItsAbsoluteWindowAndTheTimeLeft() throws Exception {
        Instant before = Instant.now();
        var response = post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, """
                {"title":"Builds cannot fetch modules","service":"ci","environment":"prod","severity":"SEV2"}""");

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode incident = json.readTree(response.body());
        String key = incident.get("key").asString();
        assertThat(key).matches("INC-\\d+");
        assertThat(response.headers().firstValue("Location")).hasValue("/api/v1/incidents/" + key);
        assertThat(incident.get("runbook").get("key").asString()).isEqualTo("go-module-download");
        assertThat(incident.get("stage").get("key").asString()).isEqualTo("connectivity");
        assertThat(incident.get("stage").get("secondsLeft").asLong()).isBetween(55L, 60L);
        Instant startedAt = Instant.parse(incident.get("startedAt").asString());
        assertThat(startedAt).isAfterOrEqualTo(before.minusSeconds(1));
        assertThat(incident.get("stages").valueStream().map(s -> Instant.parse(s.get("endsAt").asString())))
                .containsExactly(startedAt.plusSeconds(60), startedAt.plusSeconds(180), startedAt.plusSeconds(300));
        assertThat(incident.get("stages").valueStream().map(s -> s.get("state").asString()))
                .containsExactly("current", "upcoming", "upcoming");
        assertThat(incident.get("allowedActions").valueStream().map(JsonNode::asString))
                .contains("acknowledge", "advance", "resolve");
        assertThat(incident.has("serverTime")).isTrue();
    }

    @Test
    void declaringWithAPastStartCatchesUpOnTheStagesAlreadyOver() throws Exception {
        String started = Instant.now().minusSeconds(200).toString();
        JsonNode incident = json.readTree(post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, """
                {"title":"Started a while ago","service":"ci","environment":"prod","severity":"SEV3","startedAt":"%s"}"""
                .formatted(started)).body());

        assertThat(incident.get("stage").get("key").asString()).isEqualTo("offline-fallback");
        JsonNode timeline = json.readTree(get("/api/v1/incidents/" + incident.get("key").asString() + "/timeline",
                GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(timeline.valueStream().filter(e -> e.get("kind").asString().equals("stage-entered"))
                .map(e -> e.get("details").get("cause").asString())).containsExactly("declared", "catch-up", "catch-up");
    }

    @Test
    void actionsFollowTheStateAndADisallowedOneIs409ListingTheAllowedOnes() throws Exception {
        String key = declare(null, null);

        assertThat(act(key, "acknowledge", null).statusCode()).isEqualTo(200);
        var twice = act(key, "acknowledge", null);
        assertThat(twice.statusCode()).isEqualTo(409);
        assertThat(twice.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json.readTree(twice.body()).get("allowed").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder("assign-commander", "advance", "mitigate", "resolve");

        assertThat(act(key, "advance", "{}").body()).contains("\"field\":\"reason\"");
        assertThat(act(key, "advance", "{\"reason\":\"DNS and TLS are fine\"}").statusCode()).isEqualTo(200);
        assertThat(act(key, "assign-commander", "{\"commander\":\" ADMIN \"}").statusCode()).isEqualTo(200);
        assertThat(act(key, "assign-commander", "{\"commander\":\"nobody-at-all\"}").body()).contains("\"field\":\"commander\"");
        var noSummary = act(key, "resolve", "{}");
        assertThat(noSummary.statusCode()).isEqualTo(400);
        assertThat(noSummary.body()).contains("\"field\":\"summary\"");
        assertThat(act(key, "resolve", "{\"summary\":\"GOPROXY switched to the mirror\"}").statusCode()).isEqualTo(200);
        assertThat(act(key, "advance", null).statusCode()).isEqualTo(409);
        assertThat(act(key, "reopen", "{\"note\":\"back again\"}").statusCode()).isEqualTo(200);
        assertThat(act(key, "resolve", "{\"summary\":\"%s\"}".formatted("x".repeat(4000))).statusCode())
                .as("the longest summary").isEqualTo(200);
        var unreviewed = act(key, "close", null);
        assertThat(unreviewed.statusCode()).as("closing waits for the review").isEqualTo(409);
        assertThat(unreviewed.body()).contains("Review needed");
        new Api(port).completeReview(key, GoldenfiveTest.ADMIN_TOKEN);
        assertThat(act(key, "close", null).statusCode()).isEqualTo(200);
        assertThat(act(key, "teleport", null).statusCode()).isEqualTo(404);
        assertThat(act("INC-999999999", "acknowledge", null).statusCode()).isEqualTo(404);

        JsonNode timeline = json.readTree(get("/api/v1/incidents/" + key + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(timeline.valueStream().map(e -> e.get("kind").asString())).containsExactly("declared", "stage-entered",
                "acknowledged", "stage-entered", "commander-assigned", "resolved", "reopened", "resolved", "closed");
        assertThat(timeline.valueStream().map(e -> e.get("kind").asString())).as("a review is not the incident's timeline")
                .doesNotContain("review-completed");
        assertThat(json.readTree(get("/api/v1/incidents/" + key, GoldenfiveTest.ADMIN_TOKEN).body()).get("commander").asString())
                .isEqualTo("admin");
        assertThat(timeline.valueStream().filter(e -> e.get("kind").asString().equals("acknowledged")).findFirst().orElseThrow()
                .get("actor").get("id").asString()).isEqualTo("admin");
    }

    @Test
    void notesGoIntoTheTimelineAndAFollowerReadsOnlyWhatIsNew() throws Exception {
        String key = declare(null, null);
        long last = json.readTree(get("/api/v1/incidents/" + key + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body())
                .get(1).get("id").asLong();

        var note = post("/api/v1/incidents/" + key + "/notes", GoldenfiveTest.ADMIN_TOKEN, "{\"text\":\"dig shows NXDOMAIN\"}");

        assertThat(note.statusCode()).isEqualTo(201);
        JsonNode fresh = json.readTree(get("/api/v1/incidents/" + key + "/timeline?after=" + last, GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(fresh.valueStream().map(e -> e.get("summary").asString())).containsExactly("dig shows NXDOMAIN");
        assertThat(post("/api/v1/incidents/" + key + "/notes", GoldenfiveTest.ADMIN_TOKEN, "{\"text\":\" \"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void stepsAreMarkedDoneSkippedOrFailedAndTheLatestMarkCounts() throws Exception {
        String key = declare(null, null);

        assertThat(post("/api/v1/incidents/" + key + "/steps/connectivity/ping", GoldenfiveTest.ADMIN_TOKEN,
                "{\"outcome\":\"failed\",\"note\":\"100% packet loss\"}").statusCode()).isEqualTo(201);
        assertThat(post("/api/v1/incidents/" + key + "/steps/connectivity/ping", GoldenfiveTest.ADMIN_TOKEN,
                "{\"outcome\":\"done\"}").statusCode()).isEqualTo(201);
        assertThat(post("/api/v1/incidents/" + key + "/steps/follow-up/keep-logs", GoldenfiveTest.ADMIN_TOKEN,
                "{\"outcome\":\"skipped\"}").statusCode()).isEqualTo(201);

        JsonNode steps = json.readTree(get("/api/v1/incidents/" + key, GoldenfiveTest.ADMIN_TOKEN).body()).get("steps");
        assertThat(steps.valueStream().map(s -> s.get("step").asString() + "=" + s.get("outcome").asString()))
                .containsExactly("ping=done", "keep-logs=skipped");
        assertThat(post("/api/v1/incidents/" + key + "/steps/connectivity/no-such-step", GoldenfiveTest.ADMIN_TOKEN,
                "{\"outcome\":\"done\"}").statusCode()).isEqualTo(404);
        assertThat(post("/api/v1/incidents/" + key + "/steps/connectivity/ping", GoldenfiveTest.ADMIN_TOKEN,
                "{\"outcome\":\"maybe\"}").body()).contains("\"field\":\"outcome\"");
        act(key, "resolve", "{\"summary\":\"done\"}");
        assertThat(post("/api/v1/incidents/" + key + "/steps/connectivity/dns", GoldenfiveTest.ADMIN_TOKEN,
                "{\"outcome\":\"done\"}").statusCode()).isEqualTo(409);
    }

    @Test
    void aStreamOfServerSentEventsTellsOfEachChangeAndOfOnesMissedWhileAway() throws Exception {
        String key = declare(null, null);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        var stream = http.sendAsync(HttpRequest.newBuilder(uri("/api/v1/incidents/" + key + "/events"))
                .header("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().forEach(lines::add));
        try {
            assertThat(nextEvent(lines)).isEqualTo("ready");

            post("/api/v1/incidents/" + key + "/notes", GoldenfiveTest.ADMIN_TOKEN, "{\"text\":\"anyone listening?\"}");

            assertThat(nextEvent(lines)).isEqualTo("changed");
        }
        finally {
            stream.cancel(true);
        }
        var missed = http.send(HttpRequest.newBuilder(uri("/api/v1/incidents/" + key + "/events"))
                .header("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN).header("Last-Event-ID", "1")
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(missed.headers().firstValue("X-Accel-Buffering")).as("proxies must not buffer the stream").hasValue("no");
        assertThat(missed.body().limit(8).filter(l -> l.startsWith("event:")).toList()).containsExactly("event:ready", "event:changed");
    }

    /** The name of the next event on the stream, waiting at most two seconds for it. */
    private static String nextEvent(BlockingQueue<String> lines) throws InterruptedException {
        Instant until = Instant.now().plusSeconds(2);
        while (Instant.now().isBefore(until)) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith("event:")) {
                return line.substring("event:".length());
            }
        }
        return "(none within 2 s)";
    }

    @Test
    void aBadDeclarationNamesEachWrongField() throws Exception {
        var missing = post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "{\"service\":\"ci\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        var badSeverity = post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "{\"title\":\"x\",\"service\":\"ci\",\"environment\":\"prod\",\"severity\":\"SEV9\"}");
        var noRunbook = post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "{\"title\":\"x\",\"service\":\"ci\",\"environment\":\"prod\",\"severity\":\"SEV2\",\"runbook\":\"nope\"}");
        var future = post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "{\"title\":\"x\",\"service\":\"ci\",\"environment\":\"prod\",\"severity\":\"SEV2\",\"startedAt\":\"%s\"}"
                .formatted(Instant.now().plusSeconds(3600)));
        var control = post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "{\"title\":\"a\\u001bb\",\"service\":\"ci\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        var nobody = post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "{\"title\":\"x\",\"service\":\"ci\",\"environment\":\"prod\",\"severity\":\"SEV2\",\"commander\":\"nobody-at-all\"}");

        assertThat(control.body()).contains("\"field\":\"title\"");
        assertThat(List.of(missing, badSeverity, noRunbook, future, control, nobody)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(400));
        assertThat(missing.body()).contains("\"field\":\"title\"");
        assertThat(badSeverity.body()).contains("\"field\":\"severity\"");
        assertThat(noRunbook.body()).contains("\"field\":\"runbook\"");
        assertThat(future.body()).contains("\"field\":\"startedAt\"").contains("must not be in the future");
        assertThat(nobody.body()).contains("\"field\":\"commander\"");
    }

    @Test
    void respondersAndAdminsActManagersReadAndAgentsNeither() throws Exception {
        String responder = token(Role.RESPONDER);
        String manager = token(Role.MANAGER);
        String agent = tokens.issueAgent("probe", accounts.findByUsername("admin").orElseThrow().id()).token();
        String key = declare(null, responder);

        assertThat(get("/api/v1/incidents/" + key, manager).statusCode()).isEqualTo(200);
        assertThat(act(key, "acknowledge", null, manager).statusCode()).isEqualTo(403);
        assertThat(post("/api/v1/incidents", manager, "{}").statusCode()).as("refused before the body is read").isEqualTo(403);
        assertThat(get("/api/v1/incidents/" + key, agent).statusCode()).isEqualTo(403);
        assertThat(act(key, "acknowledge", null, responder).statusCode()).isEqualTo(200);
    }

    @Test
    void theListFiltersAndPages() throws Exception {
        String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, """
                    {"title":"n%d","service":"%s","environment":"staging","severity":"SEV4"}""".formatted(i, service));
        }

        JsonNode page = json.readTree(get("/api/v1/incidents?service=" + service + "&status=OPEN&size=2&page=0",
                GoldenfiveTest.ADMIN_TOKEN).body());
        JsonNode second = json.readTree(get("/api/v1/incidents?service=" + service + "&size=2&page=1",
                GoldenfiveTest.ADMIN_TOKEN).body());

        assertThat(page.get("total").asLong()).isEqualTo(3);
        assertThat(page.get("items").valueStream().map(i -> i.get("title").asString())).containsExactly("n2", "n1");
        assertThat(second.get("items").valueStream().map(i -> i.get("title").asString())).containsExactly("n0");
        assertThat(get("/api/v1/incidents?size=5000", GoldenfiveTest.ADMIN_TOKEN).statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/incidents?status=SIDEWAYS", GoldenfiveTest.ADMIN_TOKEN).statusCode()).isEqualTo(400);
    }

    @Test
    void theListFindsBySeverityAndTextWithLikeWildcardsTakenLiterally() throws Exception {
        String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, """
                {"title":"100%% of builds fail","service":"%s","environment":"prod","severity":"SEV1"}""".formatted(service));
        post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, """
                {"title":"1000 builds queued","service":"%s","environment":"prod","severity":"SEV3"}""".formatted(service));

        JsonNode percent = json.readTree(get("/api/v1/incidents?service=" + service + "&q=100%25", GoldenfiveTest.ADMIN_TOKEN).body());
        JsonNode severe = json.readTree(get("/api/v1/incidents?service=" + service + "&severity=SEV3", GoldenfiveTest.ADMIN_TOKEN).body());
        JsonNode any = json.readTree(get("/api/v1/incidents?service=" + service + "&q=BUILDS", GoldenfiveTest.ADMIN_TOKEN).body());

        assertThat(percent.get("items").valueStream().map(i -> i.get("title").asString())).containsExactly("100% of builds fail");
        assertThat(severe.get("items").valueStream().map(i -> i.get("title").asString())).containsExactly("1000 builds queued");
        assertThat(any.get("total").asLong()).isEqualTo(2);
        assertThat(get("/api/v1/incidents?severity=SEV9", GoldenfiveTest.ADMIN_TOKEN).statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/incidents?q=" + "x".repeat(201), GoldenfiveTest.ADMIN_TOKEN).statusCode()).isEqualTo(400);
    }

    private String shortRunbook() throws Exception {
        String key = "short-" + UUID.randomUUID().toString().substring(0, 8);
        var response = http.send(HttpRequest.newBuilder(uri("/api/v1/runbooks"))
                .header("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(SHORT_RUNBOOK.formatted(key))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return key;
    }

    private String declare(String runbook, String token) throws Exception {
        var response = post("/api/v1/incidents", token == null ? GoldenfiveTest.ADMIN_TOKEN : token, """
                {"title":"Module downloads time out","service":"build","environment":"prod","severity":"SEV2"%s}"""
                .formatted(runbook == null ? "" : ",\"runbook\":\"" + runbook + "\""));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("key").asString();
    }

    private JsonNode waitForTimeline(String key, java.util.function.Predicate<JsonNode> done, Duration within) throws Exception {
        Instant until = Instant.now().plus(within);
        JsonNode timeline;
        do {
            Thread.sleep(100);
            timeline = json.readTree(get("/api/v1/incidents/" + key + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body());
        } while (!done.test(timeline) && Instant.now().isBefore(until));
        assertThat(done.test(timeline)).as("timeline within " + within + ": " + timeline).isTrue();
        return timeline;
    }

    private String token(Role role) {
        var user = accounts.create("u" + UUID.randomUUID().toString().substring(0, 8), null, "a-long-enough-password", EnumSet.of(role));
        return tokens.issuePersonal(user.id(), "test", null).token();
    }

    private HttpResponse<String> act(String key, String action, String body) throws Exception {
        return act(key, action, body, GoldenfiveTest.ADMIN_TOKEN);
    }

    private HttpResponse<String> act(String key, String action, String body, String token) throws Exception {
        var request = HttpRequest.newBuilder(uri("/api/v1/incidents/" + key + "/actions/" + action))
                .header("Authorization", "Bearer " + token);
        if (body == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        }
        else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return new Api(port).uri(path);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return new Api(port).get(path, token);
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        return new Api(port).post(path, token, "application/json", body);
    }
}
