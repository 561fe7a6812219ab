package dev.goldenfive.probe;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Agents and probe results over real HTTP: registration, idempotent posts, every refusal, attachment and evidence. */
@GoldenfiveTest
class ProbeApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    private Api api;
    private String service;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        // each test its own service, so results attach only to its own incidents
        service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void anAgentTokenPostsProbesButReadsAndChangesNothingElse() throws Exception {
        JsonNode agent = register("probe-" + service, "{\"environment\":\"prod\",\"site\":\"fra1\"}");
        String token = agent.get("token").asString();

        assertThat(postProbes(token, result(id(), null, "dns", true)).statusCode()).isEqualTo(201);
        assertThat(api.get("/api/v1/incidents", token).statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/probes", token).statusCode()).isEqualTo(403);
        assertThat(api.post("/api/v1/agents", token, "application/json", "{\"name\":\"sneaky\"}").statusCode()).isEqualTo(403);
        JsonNode listed = agentNamed(agent.get("agent").get("name").asString());
        assertThat(listed.get("results").asLong()).isEqualTo(1);
        assertThat(listed.get("lastSeenAt").isNull()).isFalse();
        assertThat(listed.get("labels").get("site").asString()).isEqualTo("fra1");
    }

    @Test
    void rotatingAnAgentsTokenStopsTheOldOneAndRevokingStopsTheAgent() throws Exception {
        JsonNode agent = register("probe-" + service, "{}");
        long id = agent.get("agent").get("id").asLong();
        String old = agent.get("token").asString();

        var rotated = api.post("/api/v1/agents/" + id + "/rotate", GoldenfiveTest.ADMIN_TOKEN, "application/json", "");
        assertThat(rotated.statusCode()).isEqualTo(200);
        String fresh = json.readTree(rotated.body()).get("token").asString();
        assertThat(postProbes(old, result(id(), null, "dns", true)).statusCode()).isEqualTo(401);
        assertThat(postProbes(fresh, result(id(), null, "dns", true)).statusCode()).isEqualTo(201);

        var revoked = api.send(HttpRequest.newBuilder(api.uri("/api/v1/agents/" + id)).DELETE(), GoldenfiveTest.ADMIN_TOKEN);
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(postProbes(fresh, result(id(), null, "dns", true)).statusCode()).isEqualTo(401);
        assertThat(api.post("/api/v1/agents/" + id + "/rotate", GoldenfiveTest.ADMIN_TOKEN, "application/json", "").statusCode())
                .isEqualTo(409);
    }

    @Test
    void agentNamesAndLabelsAreCheckedAndNamesAreUnique() throws Exception {
        String name = "probe-" + service;
        register(name, "{}");

        assertProblem(api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"name\":\"" + name.toUpperCase() + "\"}"),
                400, "name", "exists already");
        assertProblem(api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"name\":\"has space\"}"),
                400, "name", "letters, digits");
        assertProblem(api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"x" + service + "\",\"labels\":{\"9bad\":\"v\"}}"), 400, "labels", "label names");
    }

    @Test
    void aRepeatedResultIsStoredOnceAndAnsweredWithTheStoredResult() throws Exception {
        String token = register("probe-" + service, "{}").get("token").asString();
        String id = id();

        var first = postProbes(token, result(id, null, "http", true));
        var again = postProbes(token, result(id, null, "http", false));

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        JsonNode stored = json.readTree(again.body());
        assertThat(stored.get("repeated").asBoolean()).isTrue();
        assertThat(stored.get("success").asBoolean()).as("the first post's result, not the second's").isTrue();
        assertThat(stored.get("receivedAt").asString()).isEqualTo(json.readTree(first.body()).get("receivedAt").asString());

        var batch = postProbes(token, "[" + result(id, null, "http", true) + "," + result(id(), null, "dns", true) + "]");
        assertThat(batch.statusCode()).isEqualTo(200);
        JsonNode outcome = json.readTree(batch.body());
        assertThat(outcome.get("created").asInt()).isEqualTo(1);
        assertThat(outcome.get("repeated").asInt()).isEqualTo(1);
        assertThat(outcome.get("results").get(0).get("repeated").asBoolean()).isTrue();
        assertThat(outcome.get("results").get(0).get("stored").get("success").asBoolean()).as("as stored the first time").isTrue();
        assertThat(outcome.get("results").get(1).has("stored")).as("a new result is not echoed").isFalse();
    }

    @Test
    void anotherSendersResultWithTheSameIdIsItsOwn() throws Exception {
        String id = id();
        String a = register("probe-a-" + service, "{}").get("token").asString();
        String b = register("probe-b-" + service, "{}").get("token").asString();

        assertThat(postProbes(a, result(id, null, "dns", true)).statusCode()).isEqualTo(201);
        assertThat(postProbes(b, result(id, null, "dns", false)).statusCode()).isEqualTo(201);
    }

    @Test
    void everyWrongFieldIsNamedWithItsIndexAndNothingOfTheRequestIsStored() throws Exception {
        String token = register("probe-" + service, "{}").get("token").asString();
        String good = id();
        String body = "[" + result(good, null, "dns", true) + ","
                + result(id(), null, "dns", true).replace("\"durationMs\":12.5", "\"durationMs\":-1") + ","
                + result(id(), null, "dns", true).replace("\"type\":\"dns\"", "\"type\":\"smtp\"") + "]";

        var response = postProbes(token, body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(response.body()).contains("[2].type");
        var fixedType = postProbes(token, body.replace("\"type\":\"smtp\"", "\"type\":\"dns\""));
        assertProblem(fixedType, 400, "[1].durationMs", "greater than or equal to 0");
        assertThat(search("incident=none&submitter=probe-" + service)).as("nothing of either request stored").isEmpty();
    }

    @Test
    void eachKindOfMistakeGetsAClearAnswer() throws Exception {
        String token = register("probe-" + service, "{}").get("token").asString();

        assertProblem(postProbes(token, result(id(), null, "dns", true).replace("\"target\"", "\"tagret\"")), 400, "tagret", "not a known field");
        assertProblem(postProbes(token, result(id(), null, "dns", true).replace("\"success\":true", "\"success\":\"yes\"")), 400, "success", "true or false");
        assertProblem(postProbes(token, result(id(), null, "dns", true).replace("\"success\":true,", "")), 400, "success", "must not be null");
        assertProblem(postProbes(token, result(id(), "INC-999999999", "dns", true)), 400, "incident", "no incident INC-999999999");
        assertProblem(postProbes(token, result(id(), "inc 7", "dns", true)), 400, "incident", "incident key");
        assertProblem(postProbes(token, result("has space", null, "dns", true)), 400, "id", "letters, digits");
        assertProblem(postProbes(token, "{\"id\":"), 400, "(body)", "not valid JSON");
        assertProblem(postProbes(token, "[]"), 400, "(body)", "at least one result");
        String tooMany = IntStream.range(0, 1001).mapToObj(i -> result(id(), null, "dns", true)).collect(Collectors.joining(",", "[", "]"));
        var many = postProbes(token, tooMany);
        assertThat(many.statusCode()).isEqualTo(413);
        assertThat(many.body()).contains("at most 1000 results");
        var large = postProbes(token, "[" + "{}, ".repeat(400_000) + "{}]");
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(large.body()).contains("1 MiB");
    }

    @Test
    void gzipBodiesAreAcceptedAndABombIsRefusedAfterOneMebibyte() throws Exception {
        String token = register("probe-" + service, "{}").get("token").asString();

        var zipped = send(token, Api.gzip("[" + result(id(), null, "dns", true) + "]"), "gzip");
        assertThat(zipped.statusCode()).as(zipped.body()).isEqualTo(200);
        var bomb = send(token, Api.gzip("[" + " ".repeat(4 * 1024 * 1024) + "]"), "gzip");
        assertThat(bomb.statusCode()).isEqualTo(413);
        var notGzip = send(token, "plain".getBytes(), "gzip");
        assertProblem(notGzip, 400, "(body)", "not valid gzip");
        assertThat(send(token, "x".getBytes(), "br").statusCode()).isEqualTo(415);
    }

    @Test
    void aResultAttachesToTheOpenIncidentOfItsServiceAndEnvironmentOrStaysUnattached() throws Exception {
        String key = declare();
        String token = register("probe-" + service, "{\"service\":\"" + service + "\",\"environment\":\"prod\"}").get("token").asString();
        String other = register("probe-other-" + service, "{\"service\":\"elsewhere\",\"environment\":\"prod\"}").get("token").asString();

        JsonNode attached = json.readTree(postProbes(token, result(id(), null, "dns", true)).body());
        JsonNode stray = json.readTree(postProbes(other, result(id(), null, "dns", true)).body());

        assertThat(attached.get("incident").asString()).isEqualTo(key);
        assertThat(attached.get("labels").get("service").asString()).as("the agent's labels go with the result").isEqualTo(service);
        assertThat(stray.has("incident")).isFalse();
        assertThat(search("incident=none&submitter=probe-other-" + service)).extracting(r -> r.get("id").asString())
                .containsExactly(stray.get("id").asString());
        assertThat(search("incident=" + key)).extracting(r -> r.get("id").asString()).containsExactly(attached.get("id").asString());
    }

    @Test
    void evidenceThatChangesNoCheckTellsOpenPagesWhatItTouchedAndTraceIdsTouchTheLogs() throws Exception {
        String key = declare();
        String token = register("probe-" + service, "{}").get("token").asString();
        postProbes(token, result(id(), key, "dns", true));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        var stream = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(api.uri("/api/v1/incidents/" + key + "/events"))
                .header("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().forEach(lines::add));
        try {
            assertThat(nextData(lines)).contains("\"key\":\"" + key + "\"");

            postProbes(token, result(id(), key, "dns", true));
            String plain = nextData(lines);
            postProbes(token, result(id(), key, "dns", true).replace("\"success\":true", "\"success\":true,\"traceId\":\"4bf92f3577b34da6\""));
            String traced = nextData(lines);

            assertThat(plain).isEqualTo("{\"key\":\"" + key + "\",\"touched\":[\"evidence\"]}");
            assertThat(json.readTree(traced).get("touched").valueStream().map(JsonNode::asString).toList())
                    .containsExactlyInAnyOrder("evidence", "trace-ids");
        }
        finally {
            stream.cancel(true);
        }
    }

    /** The data of the next event on a stream, waiting at most five seconds for it. */
    private static String nextData(BlockingQueue<String> lines) throws InterruptedException {
        Instant until = Instant.now().plusSeconds(5);
        while (Instant.now().isBefore(until)) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith("data:")) {
                return line.substring("data:".length());
            }
        }
        return "(none within 5 s)";
    }

    @Test
    void evidenceTicksTheChecksAndTheDiagnosisIsRecordedInTheTimelineWhenItChanges() throws Exception {
        String key = declare();
        String token = register("probe-" + service, "{}").get("token").asString();

        postProbes(token, result(id(), key, "dns", false).replace("\"rcode\":\"NOERROR\"", "\"rcode\":\"NXDOMAIN\""));
        JsonNode evidence = json.readTree(api.get("/api/v1/incidents/" + key + "/evidence", GoldenfiveTest.ADMIN_TOKEN).body());

        assertThat(evidence.get("diagnosis").get("boundary").asString()).isEqualTo("dns");
        JsonNode dnsCheck = evidence.get("checks").valueStream().filter(c -> c.get("key").asString().equals("dns-resolves")).findFirst().orElseThrow();
        assertThat(dnsCheck.get("state").asString()).isEqualTo("failed");
        assertThat(dnsCheck.get("decidedBy").get("submitter").asString()).isEqualTo("probe-" + service);

        postProbes(token, "[" + result(id(), key, "dns", true) + "," + result(id(), key, "tcp", true) + ","
                + result(id(), key, "http", true).replace("\"status\":200", "\"status\":502") + "]");
        evidence = json.readTree(api.get("/api/v1/incidents/" + key + "/evidence", GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(evidence.get("diagnosis").get("boundary").asString()).isEqualTo("remote-service");
        assertThat(evidence.get("grid").size()).isEqualTo(3);

        List<JsonNode> diagnoses = json.readTree(api.get("/api/v1/incidents/" + key + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body())
                .valueStream().filter(e -> e.get("kind").asString().equals("diagnosis-changed")).toList();
        assertThat(diagnoses).extracting(e -> e.get("details").get("boundary").asString()).containsExactly("dns", "remote-service");
        assertThat(diagnoses.getLast().get("actor").get("kind").asString()).isEqualTo("AGENT");
        assertThat(diagnoses.getLast().get("details").get("from").asString()).isEqualTo("dns-fails-unreferenced");
    }

    @Test
    void proxyPasswordsAreMaskedBeforeTheyAreStored() throws Exception {
        String token = register("probe-" + service, "{}").get("token").asString();

        JsonNode stored = json.readTree(postProbes(token, result(id(), null, "http", false)
                .replace("\"via\":\"direct\"", "\"via\":\"http://ops:s3cret@proxy.internal:3128\",\"env\":{\"HTTPS_PROXY\":\"http://ops:s3cret@proxy.internal:3128\"}")
                .replace("\"target\":\"proxy.golang.org\"", "\"target\":\"https://ci:t@ken@artifactory.corp/api/go\"")
                .replace("\"message\":\"no answer\"", "\"message\":\"401 from https://ci:t@ken@artifactory.corp/api/go\"")).body());

        assertThat(stored.toString()).doesNotContain("s3cret").doesNotContain("t@ken").doesNotContain("ken@");
        assertThat(stored.get("target").asString()).isEqualTo("https://***@artifactory.corp/api/go");
        assertThat(stored.get("via").asString()).isEqualTo("http://***@proxy.internal:3128");
        assertThat(stored.get("path").asString()).as("a via other than direct is a proxy").isEqualTo("proxy");
    }

    @Test
    void proxyPasswordsWithoutASchemeAreMaskedToo() throws Exception {
        String token = register("probe-" + service, "{}").get("token").asString();
        String id = id();

        JsonNode answered = json.readTree(postProbes(token, result(id, null, "http", false)
                .replace("\"via\":\"direct\"", "\"via\":\"user:pass@proxy:3128\",\"env\":{\"HTTPS_PROXY\":\"user:pass@proxy:3128\","
                        + "\"GOPROXY\":\"u:pass@mirror.corp,direct\"}")
                .replace("\"message\":\"no answer\"", "\"message\":\"proxyconnect tcp: dial user:pass@proxy:3128: connect: connection refused\""))
                .body());
        JsonNode stored = search("submitter=probe-" + service).stream().filter(r -> r.get("id").asString().equals(id)).findFirst().orElseThrow();

        for (JsonNode result : List.of(answered, stored)) {
            assertThat(result.toString()).doesNotContain("pass");
            assertThat(result.get("env").get("HTTPS_PROXY").asString()).isEqualTo("***@proxy:3128");
            assertThat(result.get("env").get("GOPROXY").asString()).isEqualTo("***@mirror.corp,direct");
            assertThat(result.get("via").asString()).isEqualTo("***@proxy:3128");
            assertThat(result.get("error").get("message").asString())
                    .isEqualTo("proxyconnect tcp: dial ***@proxy:3128: connect: connection refused");
        }
    }

    @Test
    void aClosedIncidentTakesNoMoreEvidenceButARetryOfWhatItTookIsStillAnsweredAsStored() throws Exception {
        String key = declare();
        String token = register("probe-" + service, "{}").get("token").asString();
        String sent = result(id(), key, "dns", true);
        assertThat(postProbes(token, sent).statusCode()).isEqualTo(201);
        act(key, "resolve", "{\"summary\":\"fixed\"}");
        api.completeReview(key, GoldenfiveTest.ADMIN_TOKEN);
        act(key, "close", "{}");

        assertProblem(postProbes(token, "[" + result(id(), null, "dns", true) + "," + result(id(), key, "dns", true) + "]"),
                400, "[1].incident", "closed");
        var retry = postProbes(token, sent);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(json.readTree(retry.body()).get("incident").asString()).isEqualTo(key);
    }

    @Test
    void aProbeFromTheFutureIsRefusedSinceItWouldStayNewestUntilThen() throws Exception {
        String token = register("probe-" + service, "{}").get("token").asString();
        String tomorrow = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS).toString();

        assertProblem(postProbes(token, result(id(), null, "dns", true).replaceAll("\"startedAt\":\"[^\"]*\"",
                "\"startedAt\":\"" + tomorrow + "\"")), 400, "startedAt", "future");
        assertProblem(postProbes(token, "null"), 400, "(body)", "must be a result");
    }

    @Test
    void searchTakesTypesAsTheJsonNamesThem() throws Exception {
        String token = register("probe-" + service, "{}").get("token").asString();
        postProbes(token, result(id(), null, "tcp", true));

        assertThat(search("type=tcp&submitter=probe-" + service)).hasSize(1);
        assertThat(search("type=dns&submitter=probe-" + service)).isEmpty();
    }

    // ---- helpers

    static String result(String id, String incident, String type, boolean success) {
        String started = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        String extra = switch (type) {
            case "dns" -> ",\"dns\":{\"rcode\":\"NOERROR\",\"answers\":[\"142.250.1.1\"]}";
            case "http" -> ",\"http\":{\"status\":200,\"version\":\"HTTP/2\"},\"phases\":{\"resolveMs\":1,\"connectMs\":2,\"tlsMs\":3,\"processingMs\":4,\"transferMs\":1}";
            default -> "";
        };
        return ("{\"id\":\"%s\"%s,\"type\":\"%s\",\"target\":\"proxy.golang.org\",\"via\":\"direct\",\"startedAt\":\"%s\","
                + "\"durationMs\":12.5,\"success\":%s%s%s}").formatted(id, incident == null ? "" : ",\"incident\":\"" + incident + "\"",
                type, started, success, success ? "" : ",\"error\":{\"class\":\"timeout\",\"message\":\"no answer\"}", extra);
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    private JsonNode register(String name, String labels) throws Exception {
        var response = api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"" + name + "\",\"labels\":" + labels + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body());
    }

    private JsonNode agentNamed(String name) throws Exception {
        return json.readTree(api.get("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN).body()).valueStream()
                .filter(a -> a.get("name").asString().equals(name)).findFirst().orElseThrow();
    }

    private HttpResponse<String> postProbes(String token, String body) throws Exception {
        return api.post("/api/v1/probes", token, "application/json", body);
    }

    private HttpResponse<String> send(String token, byte[] body, String encoding) throws Exception {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/probes")).header("Content-Type", "application/json")
                .header("Content-Encoding", encoding).POST(HttpRequest.BodyPublishers.ofByteArray(body)), token);
    }

    private List<JsonNode> search(String query) throws Exception {
        var response = api.get("/api/v1/probes?" + query, GoldenfiveTest.ADMIN_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body()).get("results").valueStream().toList();
    }

    private String declare() throws Exception {
        var response = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"Modules time out\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("key").asString();
    }

    private void act(String key, String action, String body) throws Exception {
        var response = api.post("/api/v1/incidents/" + key + "/actions/" + action, GoldenfiveTest.ADMIN_TOKEN, "application/json", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private void assertProblem(HttpResponse<String> response, int status, String field, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode errors = json.readTree(response.body()).get("errors");
        assertThat(errors).as(response.body()).isNotNull();
        assertThat(errors.valueStream()).as(response.body())
                .anySatisfy(e -> {
                    assertThat(e.get("field").asString()).isEqualTo(field);
                    assertThat(e.get("message").asString()).contains(message);
                });
    }
}
