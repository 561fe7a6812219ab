package dev.goldenfive.web;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.StringJoiner;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Bodies outside the ingest paths are at most 1 MiB, refused before they are parsed, however they are sent. */
@GoldenfiveTest
class RequestBodyLimitTest {

    private static final int OVER = 1024 * 1024 + 1;

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    JdbcClient jdbc;

    private Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    void aJsonBodyOverTheLimitIs413AndNothingIsStored() throws Exception {
        String title = "big-" + UUID.randomUUID();
        String body = "{\"title\":\"" + title + "\",\"service\":\"build\",\"environment\":\"prod\",\"severity\":\"SEV3\",\"summary\":\""
                + "x".repeat(OVER) + "\"}";

        var response = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json", body);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json.readTree(response.body()).get("detail").asString()).isEqualTo("A request body may be at most 1 MiB.");
        assertThat(jdbc.sql("select count(*) from incident where title = :t").param("t", title).query(Long.class).single()).isZero();
    }

    @Test
    void aBodySentWithoutALengthStopsBeingReadAtTheLimit() throws Exception {
        byte[] body = ("{\"name\":\"" + "y".repeat(2 * OVER) + "\"}").getBytes(StandardCharsets.UTF_8);
        var chunked = HttpRequest.newBuilder(api.uri("/api/v1/tokens")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

        var response = api.send(chunked, GoldenfiveTest.ADMIN_TOKEN);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(json.readTree(response.body()).get("detail").asString()).isEqualTo("A request body may be at most 1 MiB.");
    }

    @Test
    void aFormOverTheLimitIs413() throws Exception {
        var response = api.send(HttpRequest.newBuilder(api.uri("/account/tokens"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=" + "z".repeat(OVER))), null);

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void theIngestPathsKeepTheirOwnLargerLimits() throws Exception {
        StringJoiner lines = new StringJoiner("\n");
        String message = "m".repeat(4000);
        for (int i = 0; i < 400; i++) {
            lines.add("{\"ts\":\"" + Instant.now() + "\",\"service\":\"limits\",\"environment\":\"test\",\"message\":\"" + message + "\"}");
        }
        assertThat(lines.toString().length()).isGreaterThan(OVER);

        var response = api.post("/api/v1/logs", GoldenfiveTest.ADMIN_TOKEN, "application/x-ndjson", lines.toString());

        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    }

    @Test
    void retentionNamesAtMostTwoHundredEnvironments() throws Exception {
        var tooMany = new StringJoiner(",", "{", "}");
        for (int i = 0; i < 300; i++) {
            tooMany.add("\"env-" + i + "\":7");
        }

        var refused = api.put("/api/v1/logs/retention", GoldenfiveTest.ADMIN_TOKEN, tooMany.toString());

        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(json.readTree(refused.body()).get("detail").asString()).contains("at most 200 environments");
        assertThat(jdbc.sql("select count(*) from log_retention where environment like 'env-%'").query(Long.class).single()).isZero();

        var some = new StringJoiner(",", "{", "}");
        var more = new StringJoiner(",", "{", "}");
        for (int i = 0; i < 150; i++) {
            some.add("\"first-" + i + "\":7");
            more.add("\"second-" + i + "\":7");
        }
        assertThat(api.put("/api/v1/logs/retention", GoldenfiveTest.ADMIN_TOKEN, some.toString()).statusCode()).isEqualTo(200);
        assertThat(api.put("/api/v1/logs/retention", GoldenfiveTest.ADMIN_TOKEN, more.toString()).statusCode()).isEqualTo(413);
        assertThat(jdbc.sql("select count(*) from log_retention where environment like 'second-%'").query(Long.class).single()).isZero();
        jdbc.sql("delete from log_retention where environment like 'first-%'").update();
    }
}
