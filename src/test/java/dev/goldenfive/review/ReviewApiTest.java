package dev.goldenfive.review;

import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.security.ApiTokens;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;

/** Reviews over real HTTP: writing, the status gate, who may edit, the edit history, exports and the close gate. */
@GoldenfiveTest
class ReviewApiTest {

    @LocalServerPort
    int port;
    @Autowired
    UserAccounts accounts;
    @Autowired
    ApiTokens tokens;
    @Autowired
    JsonMapper json;

    Api api;
    String key;

    @BeforeEach
    void anIncident() throws Exception {
        api = new Api(port);
        key = declare(GoldenfiveTest.ADMIN_TOKEN);
    }

    @Test
    void aReviewIsReadBlankWrittenInPartsAndCompletedOnlyWhenItsRequiredSectionsAreWritten() throws Exception {
        JsonNode blank = body(api.get(review(), GoldenfiveTest.ADMIN_TOKEN), 200);
        assertThat(blank.get("status").asString()).isEqualTo("started");
        assertThat(blank.get("version").asLong()).isZero();
        assertThat(blank.get("missing").valueStream().map(JsonNode::asString))
                .containsExactly("summary", "impact", "rootCause", "rootCauseCategory");

        JsonNode written = body(put("""
                {"summary":"Module downloads failed for 4 minutes","actionItems":[
                 {"title":"Pin GOPROXY to the mirror","owner":"dave","due":"2026-01-02","link":"https://tracker.example/T-1"}]}"""), 200);
        assertThat(written.get("version").asLong()).isEqualTo(1);
        assertThat(written.get("actionItems").get(0).get("status").asString()).isEqualTo("open");
        assertThat(written.get("actionItems").get(0).get("overdue").asBoolean()).as("due in the past").isTrue();
        long itemId = written.get("actionItems").get(0).get("id").asLong();

        assertProblem(complete(), 409, "in-review");
        body(put("{\"status\":\"in-review\",\"version\":1}"), 200);
        assertProblem(complete(), 409, "still open");

        act("resolve", "{\"summary\":\"GOPROXY switched\"}");
        HttpResponse<String> incomplete = complete();
        assertThat(incomplete.statusCode()).isEqualTo(409);
        JsonNode problem = json.readTree(incomplete.body());
        assertThat(problem.get("missing").valueStream().map(JsonNode::asString)).containsExactly("impact", "rootCause", "rootCauseCategory");
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("impact");
        assertThat(problem.get("errors").get(0).get("message").asString()).isEqualTo("is required to complete the review");

        body(put("""
                {"impact":"CI red for every Go service","rootCause":"The corporate resolver dropped proxy.golang.org",
                 "rootCauseCategory":"dns","actionItems":[{"id":%d,"title":"Pin GOPROXY to the mirror","owner":"dave",
                 "due":"2026-01-02","status":"done","link":"https://tracker.example/T-1"},{"title":"Alert on resolver errors"}]}"""
                .formatted(itemId)), 200);
        JsonNode completed = body(complete(), 200);
        assertThat(completed.get("status").asString()).isEqualTo("completed");
        assertThat(completed.get("completedBy").asString()).isEqualTo("admin");
        assertThat(completed.get("actionItems").get(0).get("id").asLong()).as("an edited item keeps its id").isEqualTo(itemId);
        assertThat(completed.get("actionItems").get(0).get("overdue").asBoolean()).as("done is never overdue").isFalse();

        assertProblem(put("{\"summary\":\"rewritten\"}"), 409, "completed");
        JsonNode reopened = body(put("{\"status\":\"in-review\",\"summary\":\"rewritten\"}"), 200);
        assertThat(reopened.get("status").asString()).isEqualTo("in-review");
        assertThat(reopened.get("completedAt").isNull()).isTrue();
    }

    @Test
    void everyEditIsRecordedWithWhoWhenAndTheValuesBeforeAndAfter() throws Exception {
        body(put("{\"summary\":\"first\"}"), 200);
        body(put("{\"summary\":\"second\",\"status\":\"in-review\"}"), 200);
        body(put("{\"summary\":\"second\"}"), 200);

        JsonNode history = body(api.get(review() + "/history", GoldenfiveTest.ADMIN_TOKEN), 200);
        assertThat(history.size()).as("an edit that changes nothing is not recorded").isEqualTo(2);
        JsonNode newest = history.get(0);
        assertThat(newest.get("by").get("id").asString()).isEqualTo("admin");
        assertThat(newest.get("at").asString()).isNotBlank();
        assertThat(newest.get("changes").get("summary").get("from").asString()).isEqualTo("first");
        assertThat(newest.get("changes").get("summary").get("to").asString()).isEqualTo("second");
        assertThat(newest.get("changes").get("status").get("to").asString()).isEqualTo("in-review");

        body(put("{\"actionItems\":[{\"title\":\"Alert on resolver errors\"}]}"), 200);
        JsonNode added = body(api.get(review() + "/history", GoldenfiveTest.ADMIN_TOKEN), 200).get(0).get("changes").get("actionItems");
        assertThat(added.get("to").get(0).get("id").isNumber()).as("a new item is recorded with the id it was given").isTrue();
    }

    @Test
    void aStaleVersionIsAConflictAndWrongFieldsAreNamed() throws Exception {
        body(put("{\"summary\":\"first\"}"), 200);
        assertProblem(put("{\"summary\":\"mine\",\"version\":0}"), 409, "version 0");

        assertField(put("{\"rootCauseCategory\":\"gremlins\"}"), "rootCauseCategory");
        assertField(put("{\"status\":\"done\"}"), "status");
        assertField(put("{\"status\":\"completed\"}"), "status");
        assertField(put("{\"summary\":\"" + "x".repeat(Section.MAX_LENGTH + 1) + "\"}"), "summary");
        assertField(put("{\"actionItems\":[{\"title\":\"\"}]}"), "actionItems[0].title");
        assertField(put("{\"actionItems\":[{\"title\":\"a\",\"link\":\"javascript:alert(1)\"}]}"), "actionItems[0].link");
        assertField(put("{\"actionItems\":[{\"id\":1,\"title\":\"not this review's\"}]}"), "actionItems[0].id");
        HttpResponse<String> wrongDue = put("{\"actionItems\":[{\"title\":\"a\",\"due\":\"2026-13-45\"}]}");
        assertField(wrongDue, "actionItems[0].due");
        assertThat(wrongDue.body()).contains("must be an ISO-8601 date such as 2026-01-31");
        assertField(put("{\"sumary\":\"typo\"}"), "sumary");
        assertField(put("{\"actionItems\":[null]}"), "actionItems[0]");
        assertProblem(put("{\"version\":0,\"actionItems\":[{\"id\":1,\"title\":\"stale and wrong\"}]}"), 409, "version 0");
        assertThat(body(api.get(review(), GoldenfiveTest.ADMIN_TOKEN), 200).get("summary").asString())
                .as("nothing refused was stored").isEqualTo("first");
    }

    @Test
    void managersEditEveryReviewRespondersOnlyThoseOfIncidentsTheyWorkedOnAndEveryoneReads() throws Exception {
        String worker = user(Role.RESPONDER);
        String workerToken = token(worker);
        String bystander = token(user(Role.RESPONDER));
        String manager = token(user(Role.MANAGER));
        act("acknowledge", null, workerToken);

        assertThat(put("{\"summary\":\"by the responder\"}", workerToken).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = put("{\"summary\":\"by someone else\"}", bystander);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("did not work on " + key);
        assertThat(put("{\"summary\":\"by the manager\"}", manager).statusCode()).isEqualTo(200);
        assertThat(api.get(review(), bystander).statusCode()).isEqualTo(200);
        assertThat(api.get(review() + "/export?format=markdown", bystander).statusCode()).isEqualTo(200);

        String lateComer = user(Role.RESPONDER);
        act("resolve", "{\"summary\":\"fixed\"}");
        api.post("/api/v1/incidents/" + key + "/notes", token(lateComer), "application/json", "{\"text\":\"I was here\"}");
        assertThat(put("{\"summary\":\"by a note written afterwards\"}", token(lateComer)).statusCode())
                .as("a note after the resolution is not working on the incident").isEqualTo(403);
        assertThat(put("{\"summary\":\"still the responder's\"}", workerToken).statusCode()).isEqualTo(200);

        String commanderOnly = user(Role.RESPONDER);
        act("assign-commander", "{\"commander\":\"" + commanderOnly + "\"}", GoldenfiveTest.ADMIN_TOKEN);
        assertThat(put("{\"impact\":\"by the commander\"}", token(commanderOnly)).statusCode()).isEqualTo(200);
    }

    @Test
    void anItemsStatusLeftOutKeepsTheStoredOne() throws Exception {
        long id = body(put("{\"actionItems\":[{\"title\":\"Pin GOPROXY\",\"status\":\"done\"}]}"), 200)
                .get("actionItems").get(0).get("id").asLong();

        JsonNode renamed = body(put("{\"actionItems\":[{\"id\":%d,\"title\":\"Pin GOPROXY everywhere\"},{\"title\":\"New\"}]}"
                .formatted(id)), 200);
        assertThat(renamed.get("actionItems").get(0).get("status").asString()).isEqualTo("done");
        assertThat(renamed.get("actionItems").get(1).get("status").asString()).isEqualTo("open");
    }

    @Test
    void closingWaitsForACompletedReview() throws Exception {
        HttpResponse<String> open = api.post("/api/v1/incidents/" + key + "/actions/close", GoldenfiveTest.ADMIN_TOKEN,
                "application/json", "{}");
        assertProblem(open, 409, "allowed");
        assertThat(open.body()).as("an open incident is refused for being open").doesNotContain("review");

        act("resolve", "{\"summary\":\"fixed\"}");
        HttpResponse<String> refused = api.post("/api/v1/incidents/" + key + "/actions/close", GoldenfiveTest.ADMIN_TOKEN,
                "application/json", "{}");
        assertProblem(refused, 409, "review");

        api.completeReview(key, GoldenfiveTest.ADMIN_TOKEN);
        act("close", "{}");
        assertThat(body(api.get("/api/v1/incidents/" + key, GoldenfiveTest.ADMIN_TOKEN), 200).get("status").asString())
                .isEqualTo("CLOSED");
    }

    @Test
    void theExportsHoldTheReviewTheFiguresAndTheWholeTimeline() throws Exception {
        act("acknowledge", null);
        act("mitigate", "{\"note\":\"GOPROXY points at the mirror\"}");
        act("resolve", "{\"summary\":\"fixed | for now\"}");
        body(put("""
                {"summary":"Downloads failed","impact":"CI red","rootCause":"resolver","rootCauseCategory":"dns",
                 "actionItems":[{"title":"Alert | on resolver errors","owner":"erin","due":"2030-01-31"}]}"""), 200);

        HttpResponse<String> markdown = api.get(review() + "/export?format=markdown", GoldenfiveTest.ADMIN_TOKEN);
        assertThat(markdown.statusCode()).isEqualTo(200);
        assertThat(markdown.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/markdown"));
        assertThat(markdown.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"" + key + "-review.md\"");
        assertThat(markdown.body())
                .startsWith("# " + key + " · Modules time out — post-incident review")
                .contains("| Golden window | met (ends t0 + 5 min 00 s) |")
                .contains("| Resolved in stage | Basic connectivity |")
                .contains("## Summary\n\nDownloads failed\n")
                .contains("## Root cause\n\nCategory: dns\n\nresolver\n")
                .contains("## What went well\n\n_Not written._")
                .contains("| Alert \\| on resolver errors | erin | 2030-01-31 | open |  |")
                .contains("| mitigated | admin | Mitigated: GOPROXY points at the mirror |")
                .contains("| resolved | admin | Resolved in connectivity: fixed \\| for now |");

        JsonNode exported = body(api.get(review() + "/export?format=json", GoldenfiveTest.ADMIN_TOKEN), 200);
        JsonNode incident = exported.get("incident");
        assertThat(exported.get("review").get("summary").asString()).isEqualTo("Downloads failed");
        assertThat(exported.get("figures").get("goldenWindow").asString()).isEqualTo("met");
        assertThat(exported.get("figures").get("resolvingStage").asString()).isEqualTo("connectivity");
        double resolveSeconds = java.time.Duration.between(java.time.Instant.parse(incident.get("startedAt").asString()),
                java.time.Instant.parse(incident.get("resolvedAt").asString())).toMillis() / 1000.0;
        assertThat(exported.get("figures").get("timeToResolveSeconds").asDouble()).isEqualTo(resolveSeconds);
        assertThat(exported.get("timeline").valueStream().map(e -> e.get("kind").asString()))
                .containsExactly("declared", "stage-entered", "acknowledged", "mitigated", "resolved");
        assertThat(exported.get("timelineComplete").asBoolean()).isTrue();

        assertThat(api.get(review() + "/export?format=pdf", GoldenfiveTest.ADMIN_TOKEN).statusCode()).isEqualTo(400);
    }

    private String review() {
        return "/api/v1/incidents/" + key + "/review";
    }

    private HttpResponse<String> put(String body) throws Exception {
        return put(body, GoldenfiveTest.ADMIN_TOKEN);
    }

    private HttpResponse<String> put(String body, String token) throws Exception {
        return api.put(review(), token, body);
    }

    private HttpResponse<String> complete() throws Exception {
        return api.post(review() + "/complete", GoldenfiveTest.ADMIN_TOKEN, "application/json", "");
    }

    private void act(String action, String body) throws Exception {
        act(action, body, GoldenfiveTest.ADMIN_TOKEN);
    }

    private void act(String action, String body, String token) throws Exception {
        var response = api.post("/api/v1/incidents/" + key + "/actions/" + action, token, "application/json",
                body == null ? "" : body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private String declare(String token) throws Exception {
        var response = api.post("/api/v1/incidents", token, "application/json",
                "{\"title\":\"Modules time out\",\"service\":\"review-test\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("key").asString();
    }

    private String user(Role role) {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, null, "a-long-enough-password", EnumSet.of(role));
        return name;
    }

    private String token(String username) {
        return tokens.issuePersonal(accounts.findByUsername(username).orElseThrow().id(), "test", null).token();
    }

    private JsonNode body(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json.readTree(response.body());
    }

    private void assertProblem(HttpResponse<String> response, int status, String words) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.body()).contains(words);
    }

    private void assertField(HttpResponse<String> response, String field) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("errors").valueStream().map(e -> e.get("field").asString()))
                .as(response.body()).contains(field);
    }
}
