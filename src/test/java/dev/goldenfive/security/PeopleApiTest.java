package dev.goldenfive.security;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.goldenfive.Api;
import dev.goldenfive.Eventually;
import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** People managed over the API by administrators, as automation would, and the audit of what was done. */
@GoldenfiveTest
class PeopleApiTest {

    private static final String ADMIN = GoldenfiveTest.ADMIN_TOKEN;
    private static final String PASSWORD = "quiet meadow lantern 7";

    @LocalServerPort
    int port;

    @Autowired
    UserAccounts accounts;

    @Autowired
    ApiTokens tokens;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    void anAdministratorCreatesChangesAndDisablesAPersonAndEveryStepIsAudited() throws Exception {
        String name = unique("pat");
        var created = api.post("/api/v1/people", ADMIN, "application/json", """
                {"username":"%s","displayName":"Pat Example","password":"%s","roles":["RESPONDER"],"teams":["Payments"," storage "]}
                """.formatted(name, PASSWORD));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).contains("/api/v1/people/" + name);
        JsonNode person = json.readTree(created.body());
        assertThat(person.get("source").asString()).isEqualTo("LOCAL");
        assertThat(person.get("teams").toString()).isEqualTo("[\"payments\",\"storage\"]");
        assertThat(created.body()).doesNotContain("password\"").doesNotContain(PASSWORD);

        var changed = patch(name, """
                {"displayName":"Pat Q. Example","roles":["RESPONDER","MANAGER"],"teams":["payments"]}""");
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(json.readTree(changed.body()).get("roles").toString()).isEqualTo("[\"RESPONDER\",\"MANAGER\"]");
        assertThat(json.readTree(api.get("/api/v1/people?team=payments&role=MANAGER", ADMIN).body()).valueStream()
                .map(p -> p.get("username").asString())).contains(name);

        String token = tokens.issuePersonal(accounts.findByUsername(name).orElseThrow().id(), "ci", 30).token();
        JsonNode theirTokens = json.readTree(api.get("/api/v1/people/" + name + "/tokens", ADMIN).body());
        assertThat(theirTokens.get(0).get("name").asString()).isEqualTo("ci");
        assertThat(theirTokens.toString()).doesNotContain(token);

        assertThat(patch(name, "{\"enabled\":false}").statusCode()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", token).statusCode()).as("their token stops").isEqualTo(401);
        assertThat(patch(name, "{\"enabled\":true}").statusCode()).isEqualTo(200);

        var reset = api.post("/api/v1/people/" + name + "/password", ADMIN, "application/json",
                "{\"password\":\"another long passphrase 9\"}");
        assertThat(reset.statusCode()).isEqualTo(204);

        JsonNode audit = json.readTree(api.get("/api/v1/audit?person=" + name + "&limit=50", ADMIN).body()).get("events");
        assertThat(audit.valueStream().map(e -> e.get("action").asString()).toList()).containsSubsequence(
                "person.password-reset", "person.enabled", "person.disabled", "token.issued", "person.teams",
                "person.roles", "person.display-name", "person.created");
        JsonNode roles = audit.valueStream().filter(e -> e.get("action").asString().equals("person.roles")).findFirst().orElseThrow();
        assertThat(roles.get("actor").asString()).isEqualTo("admin");
        assertThat(roles.get("method").asString()).isEqualTo("token");
        assertThat(roles.get("address").asString()).isEqualTo("127.0.0.1");
        assertThat(roles.get("detail").toString()).contains("\"from\":[\"RESPONDER\"]").contains("\"to\":[\"RESPONDER\",\"MANAGER\"]");
    }

    @Test
    void wrongValuesAreRefusedNamingTheFieldAndChangeNothing() throws Exception {
        String name = unique("quinn");
        accounts.create(name, null, PASSWORD, EnumSet.of(Role.RESPONDER));

        var badName = api.post("/api/v1/people", ADMIN, "application/json",
                "{\"username\":\"No Spaces\",\"password\":\"%s\",\"roles\":[\"RESPONDER\"]}".formatted(PASSWORD));
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(badName.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(badName.body()).contains("username");

        var badRole = patch(name, "{\"roles\":[\"OWNER\"]}");
        assertThat(badRole.statusCode()).isEqualTo(400);
        assertThat(patch(name, "{\"roles\":[null]}").statusCode()).isEqualTo(400);
        var noRoles = patch(name, "{\"roles\":[],\"teams\":[\"x\"]}");
        assertThat(noRoles.statusCode()).isEqualTo(400);
        assertThat(noRoles.body()).contains("roles");
        assertThat(accounts.findByUsername(name).orElseThrow().teams()).as("nothing of the refused change").isEmpty();

        var longTeam = patch(name, "{\"teams\":[\"" + "t".repeat(101) + "\"]}");
        assertThat(longTeam.statusCode()).isEqualTo(400);
        assertThat(longTeam.body()).contains("teams");

        assertThat(api.post("/api/v1/people", ADMIN, "application/json",
                "{\"username\":\"%s\",\"password\":\"%s\",\"roles\":[\"RESPONDER\"]}".formatted(name, PASSWORD)).statusCode())
                .as("taken").isEqualTo(409);
        assertThat(api.get("/api/v1/people/nobody-" + name, ADMIN).statusCode()).isEqualTo(404);
        assertThat(api.get("/api/v1/audit?limit=0", ADMIN).statusCode()).isEqualTo(400);
    }

    @Test
    void onlyAdministratorsManagePeopleOrReadTheAudit() throws Exception {
        String name = unique("rory");
        long id = accounts.create(name, null, PASSWORD, EnumSet.of(Role.RESPONDER, Role.MANAGER)).id();
        String token = tokens.issuePersonal(id, "mine", null).token();

        assertThat(api.get("/api/v1/people", token).statusCode()).isEqualTo(403);
        assertThat(patch(name, "{\"roles\":[\"ADMIN\"]}", token).statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/audit", token).statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/audit/export", token).statusCode()).isEqualTo(403);
        assertThat(accounts.findByUsername(name).orElseThrow().roles()).doesNotContain(Role.ADMIN);
    }

    @Test
    void theAuditExportsAsJsonLinesOldestFirst() throws Exception {
        String name = unique("sam");
        long id = accounts.create(name, null, PASSWORD, EnumSet.of(Role.RESPONDER)).id();
        accounts.changeRoles(id, EnumSet.of(Role.MANAGER));

        HttpResponse<String> export = api.get("/api/v1/audit/export?person=" + name, ADMIN);

        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/x-ndjson"));
        List<String> lines = export.body().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(json.readTree(lines.get(0)).get("action").asString()).isEqualTo("person.created");
        assertThat(json.readTree(lines.get(1)).get("action").asString()).isEqualTo("person.roles");
    }

    @Test
    void auditLinesOlderThanTheirKeepAreDeleted() throws Exception {
        String subject = unique("old");
        jdbc.sql("insert into audit_event (at, action, outcome, subject) values (:at, 'sign-in', 'SUCCESS', :subject)")
                .param("at", Timestamp.from(Instant.now().minus(Duration.ofDays(401)))).param("subject", subject).update();
        jdbc.sql("insert into audit_event (at, action, outcome, subject) values (:at, 'sign-in', 'SUCCESS', :subject)")
                .param("at", Timestamp.from(Instant.now().minus(Duration.ofDays(399)))).param("subject", subject).update();

        assertThat(Eventually.holds(() -> count(subject) == 1, Duration.ofSeconds(10))).as("the line past 400 days").isTrue();
    }

    @Test
    void theApiIsDocumentedInOpenApi() throws Exception {
        String document = api.get("/v3/api-docs", null).body();

        assertThat(document).contains("/api/v1/people/{username}", "/api/v1/people/{username}/tokens", "/api/v1/audit/export");
    }

    private long count(String subject) {
        return jdbc.sql("select count(*) from audit_event where subject = :subject").param("subject", subject)
                .query(Long.class).single();
    }

    private HttpResponse<String> patch(String name, String body) throws Exception {
        return patch(name, body, ADMIN);
    }

    private HttpResponse<String> patch(String name, String body, String token) throws Exception {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/people/" + name)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)), token);
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 6);
    }
}
