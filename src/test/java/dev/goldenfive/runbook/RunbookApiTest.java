package dev.goldenfive.runbook;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.security.ApiTokens;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Runbooks over real HTTP: publishing versions, reading them, and what each role may do. */
@GoldenfiveTest
class RunbookApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    UserAccounts accounts;

    @Autowired
    ApiTokens tokens;

    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theGoModuleRunbookIsInstalledAtFirstStart() throws Exception {
        JsonNode runbook = json.readTree(get("/api/v1/runbooks/go-module-download", GoldenfiveTest.ADMIN_TOKEN).body());

        assertThat(runbook.get("version").asInt()).isEqualTo(1);
        assertThat(runbook.get("createdBy").asString()).isEqualTo("system");
        assertThat(runbook.get("stages").valueStream().map(s -> s.get("endSeconds").asInt())).containsExactly(60, 180, 300);
        assertThat(runbook.toString()).contains("go clean -modcache").contains("\"probe\":\"dns\"")
                .contains("\"boundary\":\"proxy-configuration\"");
    }

    @Test
    void anAdminPublishesVersionsAndTheSameRunbookTwiceIsOneVersion() throws Exception {
        String key = "short-" + UUID.randomUUID().toString().substring(0, 8);
        String v1 = RunbookDocumentTest.SHORT.replace("key: short", "key: " + key);
        String v2 = v1.replace("title: Look around", "title: Look around carefully");

        var first = post(v1, "application/yaml", GoldenfiveTest.ADMIN_TOKEN);
        var second = post(v2, "application/yaml", GoldenfiveTest.ADMIN_TOKEN);
        var again = post(v2, "application/yaml", GoldenfiveTest.ADMIN_TOKEN);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.headers().firstValue("Location")).hasValue("/api/v1/runbooks/" + key + "/versions/1");
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(json.readTree(second.body()).get("version").asInt()).isEqualTo(2);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json.readTree(again.body()).get("version").asInt()).isEqualTo(2);
        assertThat(json.readTree(get("/api/v1/runbooks/" + key, GoldenfiveTest.ADMIN_TOKEN).body()).get("version").asInt())
                .isEqualTo(2);
        assertThat(get("/api/v1/runbooks/" + key + "/versions/1", GoldenfiveTest.ADMIN_TOKEN).body())
                .contains("\"title\":\"Look around\"");
        assertThat(get("/api/v1/runbooks/" + key + "/versions/1/source", GoldenfiveTest.ADMIN_TOKEN).body()).isEqualTo(v1);
        assertThat(json.readTree(get("/api/v1/runbooks/" + key + "/versions", GoldenfiveTest.ADMIN_TOKEN).body())
                .valueStream().map(v -> v.get("version").asInt())).containsExactly(2, 1);
        assertThat(get("/api/v1/runbooks", GoldenfiveTest.ADMIN_TOKEN).body()).contains("\"key\":\"" + key + "\"");
    }

    @Test
    void jsonIsAcceptedToo() throws Exception {
        String key = "json-" + UUID.randomUUID().toString().substring(0, 8);
        String body = """
                {"key":"%s","title":"One stage","stages":[
                  {"key":"only","title":"Only","startSeconds":0,"endSeconds":30,"goal":"Do it","steps":[{"key":"do","title":"Do"}]}]}
                """.formatted(key);

        assertThat(post(body, "application/json", GoldenfiveTest.ADMIN_TOKEN).statusCode()).isEqualTo(201);
    }

    @Test
    void aBadRunbookIs400ProblemJsonNamingTheFieldAndLine() throws Exception {
        String overlapping = RunbookDocumentTest.SHORT.replace("startSeconds: 2", "startSeconds: 1");

        var response = post(overlapping, "application/yaml", GoldenfiveTest.ADMIN_TOKEN);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode error = json.readTree(response.body()).get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("stages[1].startSeconds");
        assertThat(error.get("line").asInt()).isEqualTo(14);
        assertThat(post("key: [", "application/yaml", GoldenfiveTest.ADMIN_TOKEN).body()).contains("\"line\":1");
        var latin1 = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/runbooks"))
                .header("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofByteArray("title: Z\u00fcrich".getBytes(StandardCharsets.ISO_8859_1)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(latin1.statusCode()).isEqualTo(400);
        assertThat(latin1.body()).contains("must be UTF-8 text");
    }

    @Test
    void onlyAdministratorsPublishWhileEverySignedInRoleReads() throws Exception {
        String manager = personalToken(Role.MANAGER);
        String responder = personalToken(Role.RESPONDER);
        String agent = tokens.issueAgent("probe", accounts.findByUsername("admin").orElseThrow().id()).token();

        assertThat(post(RunbookDocumentTest.SHORT, "application/yaml", responder).statusCode()).isEqualTo(403);
        assertThat(post("key: [", "application/yaml", responder).statusCode()).as("refused before it is read").isEqualTo(403);
        assertThat(post(RunbookDocumentTest.SHORT, "application/yaml", manager).statusCode()).isEqualTo(403);
        assertThat(post(RunbookDocumentTest.SHORT, "application/yaml", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/runbooks/go-module-download", manager).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/runbooks/go-module-download", responder).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/runbooks/go-module-download", agent).statusCode()).isEqualTo(403);
        assertThat(post(RunbookDocumentTest.SHORT, "application/yaml", responder).headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }

    @Test
    void anUnknownRunbookOrVersionIs404AndAnOversizedOneIs413() throws Exception {
        assertThat(get("/api/v1/runbooks/no-such-runbook", GoldenfiveTest.ADMIN_TOKEN).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/runbooks/go-module-download/versions/99", GoldenfiveTest.ADMIN_TOKEN).statusCode()).isEqualTo(404);
        String huge = RunbookDocumentTest.SHORT + "# " + "x".repeat(RunbookApi.MAX_BYTES) + "\n";

        var response = post(huge, "application/yaml", GoldenfiveTest.ADMIN_TOKEN);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("256 KiB");
    }

    @Test
    void storedVersionsCannotBeChangedOrDeleted() {
        assertThatExceptionOfType(DataAccessException.class).isThrownBy(() ->
                jdbc.sql("update runbook_version set title = 'changed' where runbook_key = 'go-module-download'").update());
        assertThatExceptionOfType(DataAccessException.class).isThrownBy(() ->
                jdbc.sql("delete from runbook_version where runbook_key = 'go-module-download'").update());
    }

    private String personalToken(Role role) {
        var user = accounts.create("u" + UUID.randomUUID().toString().substring(0, 8), null, "a-long-enough-password",
                EnumSet.of(role));
        return tokens.issuePersonal(user.id(), "test", null).token();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return new Api(port).get(path, token);
    }

    private HttpResponse<String> post(String body, String type, String token) throws Exception {
        return new Api(port).post("/api/v1/runbooks", token, type, body);
    }
}
