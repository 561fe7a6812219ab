package dev.goldenfive.logarchive;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.SignedIn;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/** The query language, paging, context and guards over real HTTP against stored lines. */
@GoldenfiveTest
class LogSearchTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    private Api api;
    private String service;
    private Instant t0;

    @BeforeEach
    void storeLines() throws Exception {
        api = new Api(port);
        service = "search-" + UUID.randomUUID().toString().substring(0, 8);
        t0 = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.SECONDS);
        String[][] lines = {
                {"info", "build-1", "go: downloading golang.org/x/text v0.14.0"},
                {"error", "build-1", "verifying golang.org/x/text@v0.14.0: checksum mismatch"},
                {"warn", "build-2", "dial tcp 142.250.1.1:443: i/o timeout"},
                {"error", "build-2", "GET https://proxy.golang.org/golang.org/x/net/@v/list: connection refused"},
                {"debug", "build-1", "cache hit for golang.org/x/sys"},
                {"error", "build-1", "checksum mismatch again; SECURITY ERROR"},
                {"error", "build-3", "构建失败：模块下载超时"},
        };
        String body = IntStream.range(0, lines.length).mapToObj(i -> "{\"timestamp\":\"%s\",\"level\":\"%s\",\"host\":\"%s\",\"message\":\"%s\",\"service\":\"%s\"%s}"
                        .formatted(t0.plusSeconds(i), lines[i][0], lines[i][1], lines[i][2], service,
                                i == 3 ? ",\"trace_id\":\"4bf92f3577b34da6\"" : ""))
                .collect(Collectors.joining("\n"));
        var response = api.post("/api/v1/logs?environment=prod", GoldenfiveTest.ADMIN_TOKEN, "application/x-ndjson", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void wordsPhrasesExclusionAndOrFindTheRightLinesNewestFirst() throws Exception {
        assertThat(messages("checksum")).containsExactly("checksum mismatch again; SECURITY ERROR",
                "verifying golang.org/x/text@v0.14.0: checksum mismatch");
        assertThat(messages("\"mismatch again\"")).containsExactly("checksum mismatch again; SECURITY ERROR");
        assertThat(messages("checksum -again")).containsExactly("verifying golang.org/x/text@v0.14.0: checksum mismatch");
        assertThat(messages("timeout OR refused")).hasSize(2);
        assertThat(messages("level:error host:build-2")).containsExactly(
                "GET https://proxy.golang.org/golang.org/x/net/@v/list: connection refused");
        assertThat(messages("-level:error -level:debug")).hasSize(2);
        assertThat(messages("trace:4bf92f35*")).hasSize(1);
        assertThat(messages("host:build-*")).hasSize(7);
        assertThat(messages("模块")).containsExactly("构建失败：模块下载超时");
        assertThat(messages("level:error -下载")).hasSize(3);
    }

    @Test
    void pagesFollowEachOtherWithoutGapsOrRepeats() throws Exception {
        JsonNode first = search("", 4, null);
        JsonNode second = search("", 4, first.get("next").asString());

        assertThat(first.get("lines").size()).isEqualTo(4);
        assertThat(second.get("lines").size()).isEqualTo(3);
        assertThat(second.has("next") && !second.get("next").isNull()).isFalse();
        assertThat(first.get("highlight").size()).isZero();
    }

    @Test
    void contextShowsTheLinesAroundALineOnTheSameServiceAndHost() throws Exception {
        String key = search("\"checksum mismatch\" -again", 10, null).get("lines").get(0).get("key").asString();

        JsonNode around = json.readTree(api.get("/api/v1/logs/context?before=5&after=5&line=" + encode(key), GoldenfiveTest.ADMIN_TOKEN).body());

        assertThat(around.valueStream().map(l -> l.get("message").asString()).toList()).containsExactly(
                "go: downloading golang.org/x/text v0.14.0", "verifying golang.org/x/text@v0.14.0: checksum mismatch",
                "cache hit for golang.org/x/sys", "checksum mismatch again; SECURITY ERROR");
        // (the Chinese line is on build-2)
    }

    @Test
    void aWrongSearchIsExplainedInTheReadersLanguage() throws Exception {
        Cookie session = SignedIn.as(Role.RESPONDER, mvc, accounts);

        String chinese = mvc.perform(get("/logs").cookie(session).header("Accept-Language", "zh-CN").param("q", "level:"))
                .andReturn().getResponse().getContentAsString();
        String range = mvc.perform(get("/logs").cookie(session).header("Accept-Language", "zh-CN").param("range", "forever"))
                .andReturn().getResponse().getContentAsString();
        String english = mvc.perform(get("/logs").cookie(session).param("q", "level:"))
                .andReturn().getResponse().getContentAsString();

        assertThat(chinese).contains("搜索：“level:” 后面需要一个值").doesNotContain("needs a value");
        assertThat(range).contains("时间范围：必须是数字加 m、h 或 d").doesNotContain("such as 15m");
        assertThat(english).contains("Search: &#39;level:&#39; needs a value");
    }

    @Test
    void theGuardsAnswer400NamingTheParameter() throws Exception {
        assertThat(api.get("/api/v1/logs/search?limit=5001", GoldenfiveTest.ADMIN_TOKEN).body()).contains("\"field\":\"limit\"");
        assertThat(api.get("/api/v1/logs/search?range=60d", GoldenfiveTest.ADMIN_TOKEN).body()).contains("31 days");
        assertThat(api.get("/api/v1/logs/search?range=forever", GoldenfiveTest.ADMIN_TOKEN).body()).contains("\"field\":\"range\"");
        assertThat(api.get("/api/v1/logs/search?q=" + encode("a\0b"), GoldenfiveTest.ADMIN_TOKEN).statusCode()).isEqualTo(400);
        assertThat(api.get("/api/v1/logs/search?q=" + "x".repeat(1001), GoldenfiveTest.ADMIN_TOKEN).statusCode()).isEqualTo(400);
        assertThat(api.get("/api/v1/logs/context?line=nonsense", GoldenfiveTest.ADMIN_TOKEN).body()).contains("\"field\":\"line\"");
        assertThat(messages("'; drop table log_line; --")).isEmpty();
    }

    @Test
    void searchesRunOnConnectionsPostgresqlStopsAfterFiveSeconds(@Autowired LogSearch search, @Autowired JdbcClient jdbc) {
        assertThat(search.setting("statement_timeout")).isEqualTo("5s");
        assertThat(search.setting("transaction_read_only")).isEqualTo("on");
        assertThat(jdbc.sql("select current_setting('statement_timeout')").query(String.class).single())
                .as("the application's other connections are not limited").isEqualTo("0");
    }

    private List<String> messages(String q) throws Exception {
        return search(q, 100, null).get("lines").valueStream().map(l -> l.get("message").asString()).toList();
    }

    private JsonNode search(String q, int limit, String cursor) throws Exception {
        String query = "service:" + service + " " + q;
        var response = api.get("/api/v1/logs/search?range=1h&limit=" + limit + "&q=" + encode(query)
                + (cursor == null ? "" : "&cursor=" + encode(cursor)), GoldenfiveTest.ADMIN_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
