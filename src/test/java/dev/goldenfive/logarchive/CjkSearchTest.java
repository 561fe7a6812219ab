package dev.goldenfive.logarchive;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Chinese, Japanese and Korean words found through pg_trgm's index of character pairs, and by reading lines without it. */
@GoldenfiveTest
class CjkSearchTest {

    @LocalServerPort
    int port;

    @Autowired
    LogSearch search;

    @Autowired
    CjkIndex index;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    JsonMapper json;

    @Test
    void aTwoCharacterWordAndALongerOneAreFoundThroughTheIndexAndOnlyWhereTheyStand() throws Exception {
        String service = "cjk-" + UUID.randomUUID().toString().substring(0, 8);
        var stored = new Api(port).post("/api/v1/logs?service=" + service, GoldenfiveTest.ADMIN_TOKEN, "application/json", json.writeValueAsString(List.of(
                Map.of("message", "构建失败：连接超时"), Map.of("message", "开始镜像同步"), Map.of("message", "镜子 像素"),
                Map.of("message", "モジュールのダウンロードに失敗しました"), Map.of("message", "모듈 다운로드 실패"))));
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
        assertThat(awaitReady()).as("pg_trgm is on the embedded server, and the index is built at start").isTrue();

        assertThat(found("镜像 service:" + service)).as("a word in the middle of a run").containsExactly("开始镜像同步");
        assertThat(found("连接超时 service:" + service)).containsExactly("构建失败：连接超时");
        assertThat(found("ダウンロード service:" + service)).containsExactly("モジュールのダウンロードに失敗しました");
        assertThat(found("다운로드 service:" + service)).containsExactly("모듈 다운로드 실패");
        assertThat(found("像素 service:" + service)).containsExactly("镜子 像素");

        LogSearch.Statement statement = LogSearch.statement(LogQuery.parse("镜像 service:" + service),
                Instant.now().minus(Duration.ofHours(1)), Instant.now().plusSeconds(60), null, 100, true);
        assertThat(statement.sql()).contains("log_cjk_words(message) like");
        String plan = transactions.execute(tx -> {
            // a handful of lines: the planner would rather read them; the question is whether the index serves the pair
            jdbc.sql("set local enable_seqscan = off").update();
            return String.join("\n", jdbc.sql("explain select id from log_line where log_cjk_words(message) like '% 镜像 %' and " + CjkIndex.NOT_ASCII)
                    .query(String.class).list());
        });
        assertThat(plan).containsPattern("Bitmap Index Scan on \\S+_cjk");
    }

    @Test
    void withoutTheIndexTheSameWordsAreFoundByReadingTheLines() throws Exception {
        String service = "cjk-" + UUID.randomUUID().toString().substring(0, 8);
        new Api(port).post("/api/v1/logs?service=" + service, GoldenfiveTest.ADMIN_TOKEN, "application/json",
                json.writeValueAsString(List.of(Map.of("message", "开始镜像同步"), Map.of("message", "镜子"))));
        LogSearch.Statement statement = LogSearch.statement(LogQuery.parse("镜像 service:" + service),
                Instant.now().minus(Duration.ofHours(1)), Instant.now().plusSeconds(60), null, 100, false);
        assertThat(statement.sql()).doesNotContain("log_cjk_words");
        assertThat(jdbc.sql(statement.sql()).params(statement.params()).query((rs, n) -> rs.getString("message")).list())
                .containsExactly("开始镜像同步");
    }

    @Test
    void aWordIsWrittenAsItsPairsOfCharactersAsTheDatabaseIndexesThem() {
        assertThat(CjkIndex.pairs("%连接超时%")).containsExactly("连接", "接超", "超时");
        assertThat(CjkIndex.pairs("go 模块 错")).containsExactly("模块");
        assertThat(jdbc.sql("select log_cjk_words('构建失败：连接超时 错')").query(String.class).single())
                .isEqualTo(" 构建 建失 失败 连接 接超 超时 错 ");
    }

    private List<String> found(String q) {
        return search.search(q, Instant.now().minus(Duration.ofHours(1)), Instant.now().plusSeconds(60), null, 100).lines().stream()
                .map(LogSearch.Line::message).toList();
    }

    private boolean awaitReady() throws InterruptedException {
        for (int i = 0; i < 300 && !index.ready(); i++) {
            Thread.sleep(100);
        }
        return index.ready();
    }
}
