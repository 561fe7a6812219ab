package dev.goldenfive.security;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The stateless API chain, over real HTTP. */
@GoldenfiveTest
class ApiAccessTest {

    @LocalServerPort
    int port;

    @Autowired
    UserAccounts accounts;

    @Autowired
    ApiTokens tokens;

    @Autowired
    JsonMapper json;

    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anApiCallWithoutATokenIsRefusedWith401ProblemJsonAndABearerChallenge() throws Exception {
        var response = get("/api/v1/me", null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(401);
        assertThat(problem.get("detail").asString()).contains("Authorization: Bearer");
        assertThat(problem.get("instance").asString()).isEqualTo("/api/v1/me");
    }

    @Test
    void anUnknownTokenIsRefusedAsInvalidRatherThanTreatedAsAnonymous() throws Exception {
        var response = get("/api/v1/me", TokenSecret.generate(TokenKind.PERSONAL));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
    }

    @Test
    void basicAuthenticationIsNotAcceptedOnTheApi() throws Exception {
        var request = HttpRequest.newBuilder(uri("/api/v1/me"))
                .header("Authorization", "Basic YWRtaW46dGVzdC1hZG1pbi1wYXNzd29yZA==").build();

        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    @Test
    void revokingATokenRevokesTheTokensMadeWithItAndThoseMadeWithThem() throws Exception {
        var owner = accounts.create("m" + UUID.randomUUID().toString().substring(0, 8), null, "violet kettle harbour 42",
                EnumSet.of(Role.RESPONDER));
        var first = tokens.issuePersonal(owner.id(), "first", 30);
        String second = mint(first.token(), "second");
        String third = mint(second, "third");
        String sibling = tokens.issuePersonal(owner.id(), "made on the account page", 30).token();

        var revoked = http.send(HttpRequest.newBuilder(uri("/api/v1/tokens/" + first.details().id()))
                .header("Authorization", "Bearer " + first.token()).DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(revoked.statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/me", first.token()).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/me", second).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/me", third).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/me", sibling).statusCode()).as("a token not made with it").isEqualTo(200);
    }

    private String mint(String with, String name) throws Exception {
        var response = http.send(HttpRequest.newBuilder(uri("/api/v1/tokens")).header("Authorization", "Bearer " + with)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"expiresInDays\":30}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("token").asString();
    }

    @Test
    void theProvisionedAdminTokenActsAsTheAdminUser() throws Exception {
        var response = get("/api/v1/me", GoldenfiveTest.ADMIN_TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode me = json.readTree(response.body());
        assertThat(me.get("username").asString()).isEqualTo("admin");
        assertThat(me.get("roles").toString()).contains("ADMIN");
    }

    @Test
    void anAgentTokenOnAUserEndpointIsForbiddenWith403ProblemJson() throws Exception {
        String agent = tokens.issueAgent("probe-" + UUID.randomUUID(), adminId()).token();

        var response = get("/api/v1/me", agent);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json.readTree(response.body()).get("detail").asString()).contains("agent");
    }

    @Test
    void aPersonalTokenCarriesItsOwnersCurrentRoles() throws Exception {
        UserView user = newUser(EnumSet.of(Role.RESPONDER));
        String token = tokens.issuePersonal(user.id(), "laptop", null).token();

        assertThat(json.readTree(get("/api/v1/me", token).body()).get("roles").toString()).isEqualTo("[\"RESPONDER\"]");
        assertThat(get("/actuator/prometheus", token).statusCode()).isEqualTo(403);

        accounts.changeRoles(user.id(), EnumSet.of(Role.MANAGER, Role.ADMIN));

        assertThat(json.readTree(get("/api/v1/me", token).body()).get("roles").toString())
                .isEqualTo("[\"ADMIN\",\"MANAGER\"]");
        assertThat(get("/actuator/prometheus", token).statusCode()).isEqualTo(200);
    }

    @Test
    void aDisabledUsersTokensStopWorking() throws Exception {
        UserView user = newUser(EnumSet.of(Role.RESPONDER));
        String token = tokens.issuePersonal(user.id(), "laptop", null).token();
        assertThat(get("/api/v1/me", token).statusCode()).isEqualTo(200);

        accounts.setEnabled(user.id(), false);

        assertThat(get("/api/v1/me", token).statusCode()).isEqualTo(401);
    }

    @Test
    void aUserCreatesAPersonalTokenSeesItsSecretOnceAndCanRevokeIt() throws Exception {
        UserView user = newUser(EnumSet.of(Role.MANAGER));
        String token = tokens.issuePersonal(user.id(), "bootstrap", null).token();

        var created = post("/api/v1/tokens", token, "{\"name\":\"deploy script\",\"expiresInDays\":30}");

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = json.readTree(created.body());
        String secret = body.get("token").asString();
        long id = body.get("details").get("id").asLong();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/tokens/" + id);
        assertThat(secret).startsWith(body.get("details").get("prefix").asString() + "_");
        assertThat(get("/api/v1/me", secret).statusCode()).isEqualTo(200);

        var listed = get("/api/v1/tokens", token);
        assertThat(listed.body()).contains("deploy script").doesNotContain(secret.substring(13));

        var revoked = http.send(HttpRequest.newBuilder(uri("/api/v1/tokens/" + id)).DELETE()
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/me", secret).statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenMadeWithAShortLivedTokenExpiresNoLaterThanIt() throws Exception {
        UserView user = newUser(EnumSet.of(Role.RESPONDER));
        IssuedToken shortLived = tokens.issuePersonal(user.id(), "one day", 1);

        JsonNode lasting = json.readTree(post("/api/v1/tokens", shortLived.token(), "{\"name\":\"forever\"}").body());
        JsonNode longer = json.readTree(post("/api/v1/tokens", shortLived.token(), "{\"name\":\"a year\",\"expiresInDays\":365}").body());

        Instant limit = shortLived.details().expiresAt();
        assertThat(Instant.parse(lasting.get("details").get("expiresAt").asString())).isEqualTo(limit);
        assertThat(Instant.parse(longer.get("details").get("expiresAt").asString())).isEqualTo(limit);
        assertThat(tokens.listOwnedBy(user.id())).extracting(TokenView::expiresAt).containsOnly(limit);
    }

    @Test
    void aUserCannotRevokeSomeoneElsesToken() throws Exception {
        String mine = tokens.issuePersonal(newUser(EnumSet.of(Role.RESPONDER)).id(), "mine", null).token();
        long theirs = tokens.issuePersonal(newUser(EnumSet.of(Role.RESPONDER)).id(), "theirs", null).details().id();

        var response = http.send(HttpRequest.newBuilder(uri("/api/v1/tokens/" + theirs)).DELETE()
                .header("Authorization", "Bearer " + mine).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        UserView user = newUser(EnumSet.of(Role.RESPONDER));
        String token = tokens.issuePersonal(user.id(), "short", 1).token();
        assertThat(get("/api/v1/me", token).statusCode()).isEqualTo(200);

        // expiry is stored, so moving it into the past is what a day passing would do
        tokens.listOwnedBy(user.id()).forEach(t -> jdbcExpire(t.id()));

        assertThat(get("/api/v1/me", token).statusCode()).isEqualTo(401);
    }

    @Test
    void usingATokenRecordsWhenItWasLastUsed() throws Exception {
        UserView user = newUser(EnumSet.of(Role.RESPONDER));
        tokens.issuePersonal(user.id(), "ci", null);
        String token = tokens.issuePersonal(user.id(), "used", null).token();

        get("/api/v1/me", token);

        assertThat(tokens.listOwnedBy(user.id()))
                .anySatisfy(t -> assertThat(t.name().equals("used") && t.lastUsedAt() != null).isTrue())
                .anySatisfy(t -> assertThat(t.name().equals("ci") && t.lastUsedAt() == null).isTrue());
    }

    @Test
    void invalidInputNamesTheWrongFieldAndWhy() throws Exception {
        var blank = post("/api/v1/tokens", GoldenfiveTest.ADMIN_TOKEN, "{\"name\":\" \",\"expiresInDays\":0}");
        var wrongType = post("/api/v1/tokens", GoldenfiveTest.ADMIN_TOKEN, "{\"name\":\"x\",\"expiresInDays\":\"soon\"}");
        var unknown = post("/api/v1/tokens", GoldenfiveTest.ADMIN_TOKEN, "{\"name\":\"x\",\"expires\":3}");
        var broken = post("/api/v1/tokens", GoldenfiveTest.ADMIN_TOKEN, "{\"name\":");
        var fraction = post("/api/v1/tokens", GoldenfiveTest.ADMIN_TOKEN, "{\"name\":\"x\",\"expiresInDays\":1.5}");
        var huge = post("/api/v1/tokens", GoldenfiveTest.ADMIN_TOKEN, "{\"name\":\"x\",\"expiresInDays\":99999999999999999999}");
        var number = post("/api/v1/tokens", GoldenfiveTest.ADMIN_TOKEN, "{\"name\":123}");
        var nul = post("/api/v1/tokens", GoldenfiveTest.ADMIN_TOKEN, "{\"name\":\"a\\u0000b\"}");

        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(json.readTree(blank.body()).get("errors").toString())
                .contains("\"field\":\"name\"").contains("\"field\":\"expiresInDays\"");
        assertThat(json.readTree(wrongType.body()).get("errors").get(0).get("message").asString())
                .isEqualTo("must be a whole number");
        assertThat(json.readTree(unknown.body()).get("errors").get(0).get("field").asString()).isEqualTo("expires");
        assertThat(json.readTree(fraction.body()).get("errors").get(0).get("field").asString()).isEqualTo("expiresInDays");
        assertThat(json.readTree(huge.body()).get("errors").get(0).get("message").asString()).isEqualTo("is out of range");
        assertThat(json.readTree(number.body()).get("errors").get(0).get("message").asString()).isEqualTo("must be a string");
        assertThat(nul.statusCode()).isEqualTo(400);
        assertThat(json.readTree(nul.body()).get("errors").get(0).get("message").asString())
                .isEqualTo("must not contain NUL characters");
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void anUnknownApiPathIsA404ProblemEvenForABrowser() throws Exception {
        var request = HttpRequest.newBuilder(uri("/api/v1/no-such-thing"))
                .header("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN)
                .header("Accept", "text/html").build();

        var response = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void requestsTomcatRefusesBeforeAnyServletRunsAreProblemJsonToo() throws Exception {
        String malformed = raw("GET /api/v1/me%00 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        var oversized = http.send(HttpRequest.newBuilder(uri("/api/v1/me"))
                .header("Authorization", "Bearer " + "a".repeat(10_000)).build(), HttpResponse.BodyHandlers.ofString());
        var doubleSlash = get("/api/v1//me", GoldenfiveTest.ADMIN_TOKEN);

        assertThat(malformed).startsWith("HTTP/1.1 400").contains("Content-Type: application/problem+json")
                .contains("\"status\":400");
        assertThat(oversized.statusCode()).isEqualTo(400);
        assertThat(oversized.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(doubleSlash.statusCode()).isEqualTo(400);
        assertThat(json.readTree(doubleSlash.body()).get("detail").asString()).contains("//");
    }

    @Test
    void healthAndInfoAreOpenButMetricsNeedAnAdminOnTheApplicationPort() throws Exception {
        assertThat(get("/actuator/health/readiness", null).body()).contains("UP");
        assertThat(get("/actuator/health/liveness", null).body()).contains("UP");
        assertThat(get("/actuator/info", null).body()).contains("goldenfive");
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", GoldenfiveTest.ADMIN_TOKEN).body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void readinessDependsOnTheDatabaseAndLivenessOnTheIncidentTimers() throws Exception {
        JsonNode readiness = json.readTree(get("/actuator/health/readiness", GoldenfiveTest.ADMIN_TOKEN).body());
        String liveness = get("/actuator/health/liveness", GoldenfiveTest.ADMIN_TOKEN).body();

        assertThat(readiness.get("components").propertyNames()).contains("db", "readinessState");
        assertThat(liveness).contains("UP").contains("incidentTimers").doesNotContain("\"db\"");
    }

    @Test
    void apiResponsesCarryRestrictiveSecurityHeaders() throws Exception {
        var response = get("/api/v1/me", GoldenfiveTest.ADMIN_TOKEN);

        assertThat(response.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'; frame-ancestors 'none'");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void theOpenApiDocumentDescribesTheApiAndItsBearerScheme() throws Exception {
        JsonNode doc = json.readTree(get("/v3/api-docs", null).body());

        assertThat(doc.get("paths").propertyNames()).contains("/api/v1/tokens", "/api/v1/runbooks",
                "/api/v1/runbooks/{key}/versions/{version}", "/api/v1/incidents", "/api/v1/incidents/{key}",
                "/api/v1/incidents/{key}/actions/{action}", "/api/v1/incidents/{key}/timeline",
                "/api/v1/incidents/{key}/notes");
        assertThat(doc.get("components").get("securitySchemes").get("bearer").get("scheme").asString()).isEqualTo("bearer");
        assertThat(get("/swagger-ui/index.html", null).statusCode()).isEqualTo(200);
    }

    private void jdbcExpire(long tokenId) {
        jdbc.sql("update api_token set expires_at = now() - interval '1 second' where id = ?").param(tokenId).update();
    }

    private long adminId() {
        return accounts.findByUsername("admin").orElseThrow().id();
    }

    private UserView newUser(Set<Role> roles) {
        return accounts.create("u" + UUID.randomUUID().toString().substring(0, 8), null, "a-long-enough-password", roles);
    }

    private String raw(String request) throws Exception {
        try (var socket = new Socket("localhost", port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
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
