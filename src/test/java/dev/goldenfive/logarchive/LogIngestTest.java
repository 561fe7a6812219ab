package dev.goldenfive.logarchive;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Log lines over real HTTP as shippers send them, stored in the partitioned archive, and retention dropping partitions. */
@GoldenfiveTest
class LogIngestTest {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    LogRetention retention;

    private Api api;
    private String service;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        service = "logs-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aJsonArrayAsFluentBitSendsItIsStoredWithItsFieldsAndEveryOtherFieldAsAttributes() throws Exception {
        Instant at = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
        String body = """
                [{"date": %s, "log": "GET /golang.org/x/text/@v/list 502", "level": "ERROR", "service": "%s",
                  "host": "build-7", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "status": 502, "kubernetes": {"pod": "p-1"}},
                 {"@timestamp": "%s", "msg": "retrying through goproxy.cn", "level": "warn", "service": "%s"},
                 {"timestamp": %d, "message": "module cache cleaned", "service": "%s", "incident": "INC-1"}]"""
                .formatted("%d.%03d".formatted(at.getEpochSecond(), at.getNano() / 1_000_000), service, at.plusSeconds(1), service,
                        at.plusSeconds(2).toEpochMilli() * 1_000_000, service);

        JsonNode answer = post("/api/v1/logs?environment=prod", GoldenfiveTest.ADMIN_TOKEN, body, 200);

        assertThat(answer.get("stored").asLong()).isEqualTo(3);
        assertThat(answer.get("problems").size()).isZero();
        List<Map<String, Object>> rows = rows();
        assertThat(rows).extracting(r -> r.get("message")).containsExactly("GET /golang.org/x/text/@v/list 502",
                "retrying through goproxy.cn", "module cache cleaned");
        assertThat(rows.getFirst()).containsEntry("level", "error").containsEntry("host", "build-7")
                .containsEntry("environment", "prod").containsEntry("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(((Timestamp) rows.getFirst().get("ts")).toInstant()).isEqualTo(at);
        assertThat(((Timestamp) rows.get(2).get("ts")).toInstant()).as("epoch nanoseconds").isEqualTo(at.plusSeconds(2));
        assertThat(rows.get(2)).containsEntry("incident", "INC-1");
        assertThat(json.readTree(rows.getFirst().get("attributes").toString()).get("kubernetes").get("pod").asString()).isEqualTo("p-1");
        assertThat(rows.getFirst().get("source")).isEqualTo("admin");
    }

    @Test
    void newlineDelimitedJsonKeepsEveryLineAndNamesTheOnesThatWereNotQuiteRight() throws Exception {
        LocalDateTime hourAgo = LocalDateTime.now(ZoneOffset.UTC).minusHours(1).truncatedTo(ChronoUnit.SECONDS);
        String body = String.join("\n",
                "{\"time\":\"" + hourAgo + "\",\"message\":\"no zone in this time\",\"service\":\"" + service + "\"}",
                "this line is not JSON",
                "{\"message\":\"构建失败: 模块下载超时 🙃\",\"service\":\"" + service + "\",\"nul\":\"a\\u0000b\"}",
                "42",
                "");

        JsonNode answer = post("/api/v1/logs?environment=staging&host=ci-1", GoldenfiveTest.ADMIN_TOKEN, body, 200);

        assertThat(answer.get("stored").asLong()).isEqualTo(4);
        assertThat(answer.get("problems").valueStream().map(p -> p.get("field").asString()))
                .containsExactly("[1]", "[3]");
        assertThat(rows()).filteredOn(r -> "no zone in this time".equals(r.get("message"))).singleElement()
                .satisfies(r -> assertThat(((Timestamp) r.get("ts")).toInstant()).as("a time without an offset is UTC")
                        .isEqualTo(hourAgo.toInstant(ZoneOffset.UTC)));
        List<String> messages = jdbc.sql("select message from log_line where environment = 'staging' and host = 'ci-1' "
                + "and received_at > now() - interval '1 minute' order by id").query(String.class).list();
        assertThat(messages).contains("no zone in this time", "this line is not JSON", "构建失败: 模块下载超时 🙃", "42");
    }

    @Test
    void gzipIsAcceptedAndTheLimitsAre413WithNothingStored() throws Exception {
        String line = "{\"message\":\"x\",\"service\":\"" + service + "\"}";
        var zipped = api.send(HttpRequest.newBuilder(api.uri("/api/v1/logs")).header("Content-Type", "application/x-ndjson")
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(Api.gzip(line + "\n" + line))),
                GoldenfiveTest.ADMIN_TOKEN);
        assertThat(zipped.statusCode()).as(zipped.body()).isEqualTo(200);

        String tooMany = IntStream.range(0, 10_001).mapToObj(i -> line).collect(Collectors.joining("\n"));
        var many = api.post("/api/v1/logs", GoldenfiveTest.ADMIN_TOKEN, "application/x-ndjson", tooMany);
        String longLine = line + "\n{\"message\":\"" + "y".repeat(70_000) + "\",\"service\":\"" + service + "\"}";
        var tooLong = api.post("/api/v1/logs", GoldenfiveTest.ADMIN_TOKEN, "application/x-ndjson", longLine);

        assertThat(many.statusCode()).isEqualTo(413);
        assertThat(many.body()).contains("10000 lines");
        assertThat(tooLong.statusCode()).isEqualTo(413);
        assertThat(json.readTree(tooLong.body()).get("index").asInt()).isEqualTo(1);
        assertThat(rows()).as("only the gzip request's two lines").hasSize(2);
        assertThat(api.post("/api/v1/logs", GoldenfiveTest.ADMIN_TOKEN, "application/json", "[{\"message\": ").statusCode()).isEqualTo(400);
    }

    @Test
    void agentsMaySendLogsAndTheirLabelsFillInTheEnvironment() throws Exception {
        String token = json.readTree(api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"shipper-" + UUID.randomUUID().toString().substring(0, 8) + "\",\"labels\":{\"environment\":\"qa\"}}").body())
                .get("token").asString();

        post("/api/v1/logs", token, "{\"message\":\"from the agent\",\"service\":\"" + service + "\"}", 200);

        assertThat(rows()).singleElement().satisfies(r -> assertThat(r).containsEntry("environment", "qa"));
        assertThat(api.get("/api/v1/incidents", token).statusCode()).isEqualTo(403);
    }

    @Test
    void retentionDropsTheWholePartitionsOfAnEnvironmentWhoseTimeIsUpAndProductionIsProd() throws Exception {
        Instant tenDaysAgo = Instant.now().minus(10, ChronoUnit.DAYS);
        String line = "{\"timestamp\":\"" + tenDaysAgo + "\",\"message\":\"old\",\"service\":\"" + service + "\"}";
        post("/api/v1/logs?environment=staging", GoldenfiveTest.ADMIN_TOKEN, line, 200);
        post("/api/v1/logs?environment=prod", GoldenfiveTest.ADMIN_TOKEN, line, 200);
        post("/api/v1/logs?environment=production", GoldenfiveTest.ADMIN_TOKEN, line, 200);
        post("/api/v1/logs?environment=stage", GoldenfiveTest.ADMIN_TOKEN, line, 200);
        String stagingTable = jdbc.sql("select table_name from log_partition where environment = 'staging' and day = cast(:day as date)")
                .param("day", tenDaysAgo.toString().substring(0, 10)).query(String.class).single();

        retention.run();

        assertThat(rows()).extracting(r -> r.get("environment")).as("prod and production keep 30 days, staging and stage 7")
                .containsExactlyInAnyOrder("prod", "production");
        assertThat(jdbc.sql("select count(*) from pg_class where relname = :table").param("table", stagingTable)
                .query(Long.class).single()).as("the table itself is gone").isZero();
    }

    @Test
    void administratorsSetTheDaysKeptPerEnvironment() throws Exception {
        String qa = "qa-" + UUID.randomUUID().toString().substring(0, 6);
        var set = api.send(HttpRequest.newBuilder(api.uri("/api/v1/logs/retention")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"" + qa + "\": 3}")), GoldenfiveTest.ADMIN_TOKEN);
        var bad = api.send(HttpRequest.newBuilder(api.uri("/api/v1/logs/retention")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"" + qa + "\": 0, \"*\": null}")), GoldenfiveTest.ADMIN_TOKEN);

        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json.readTree(set.body()).get(qa).asInt()).isEqualTo(3);
        assertThat(json.readTree(set.body()).get("prod").asInt()).isEqualTo(30);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("1–3650 days").contains("cannot be forgotten");
        assertThat(api.get("/api/v1/logs/retention", GoldenfiveTest.ADMIN_TOKEN).body()).contains("\"" + qa + "\":3");
    }

    private List<Map<String, Object>> rows() {
        return jdbc.sql("select * from log_line where service = :service order by ts, id").param("service", service)
                .query().listOfRows();
    }

    private JsonNode post(String path, String token, String body, int status) throws Exception {
        HttpResponse<String> response = api.post(path, token, "application/json", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json.readTree(response.body());
    }
}
