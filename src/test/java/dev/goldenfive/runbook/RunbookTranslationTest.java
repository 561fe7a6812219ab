package dev.goldenfive.runbook;

import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.Chromium;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.InChromium;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped runbook in Simplified Chinese, as a reader whose language it is sees it in a real browser. */
@GoldenfiveTest
class RunbookTranslationTest extends InChromium {

    /** Words an English sentence can hardly do without; a translated page has none outside commands. */
    private static final Pattern ENGLISH = Pattern.compile("\\b(the|and|with|when|from|that|this|your|into|than|are|is|of|to|an|it|not|on|for|be|or)\\b",
            Pattern.CASE_INSENSITIVE);
    /** The main column's text without what stays as it is in every language: commands, keys and technical values. */
    private static final String READABLE_TEXT = """
            const main = document.getElementById('main').cloneNode(true);
            main.querySelectorAll('pre, code, .muted, small, .badge, td:nth-child(n+2)').forEach((e) => e.remove());
            return main.innerText;
            """;

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Test
    void theShippedRunbookReadsInChineseWithNoEnglishSentenceLeftAndInEnglishForOthers() throws Exception {
        signIn("http://localhost:" + port + "/login?lang=zh-CN", "admin", GoldenfiveTest.ADMIN_PASSWORD);

        browser.get("http://localhost:" + port + "/runbooks/go-module-download");
        String text = (String) ((JavascriptExecutor) browser).executeScript(READABLE_TEXT);
        assertThat(text).contains("基础连通性检查").contains("代理切换与缓存清理").contains("离线兜底").contains("把 GOPROXY 指向可用的代理")
                .contains("可选：你们在 nginx 后面运行自己的模块代理时").contains("外部什么都不响应");
        List<String> untranslated = text.lines().filter(line -> ENGLISH.matcher(line).find()).toList();
        assertThat(untranslated).as("lines that read as English on the Chinese page").isEmpty();
        Chromium.screenshot(browser, "runbook-zh");

        String key = json.readTree(new Api(port).post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"modules time out\",\"service\":\"zh-" + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}").body()).get("key").asString();
        browser.get("http://localhost:" + port + "/incidents/" + key);
        String page = browser.findElement(By.id("main")).getText();
        assertThat(page).contains("基础连通性检查").contains("查看 Go 环境配置").doesNotContain("Read the Go environment")
                .as("the evidence panel's checks too").contains("代理域名可以解析").doesNotContain("The proxy's name resolves");
        assertThat(browser.findElements(By.cssSelector("details.step-optional"))).as("the steps for other systems are folded").hasSize(2);

        browser.get("http://localhost:" + port + "/runbooks/go-module-download?lang=en");
        assertThat(browser.findElement(By.id("main")).getText()).contains("Basic connectivity").contains("Point GOPROXY at a working proxy")
                .contains("optional: your organisation runs its own module proxies behind nginx");
    }

    @Test
    void aTranslationThatNamesWhatTheRunbookLacksIsRefusedNamingIt() throws Exception {
        String key = "translated-" + UUID.randomUUID().toString().substring(0, 8);
        var refused = new Api(port).post("/api/v1/runbooks", GoldenfiveTest.ADMIN_TOKEN, "application/yaml", """
                key: %s
                title: One stage
                stages:
                  - {key: one, title: Stage one, startSeconds: 0, endSeconds: 60, goal: Look, steps: [{key: look, title: Look}]}
                translations:
                  zh:
                    stages:
                      one: {title: 第一阶段, steps: {lok: {title: 看}}}
                      two: {title: 第二阶段}
                  chinese: {title: 标题}
                """.formatted(key));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("translations.zh.stages.one.steps.lok").contains("translations.zh.stages.two")
                .contains("translations.chinese").contains("two-letter language code");
        Matcher accepted = Pattern.compile("\"version\":1").matcher(new Api(port).post("/api/v1/runbooks", GoldenfiveTest.ADMIN_TOKEN,
                "application/yaml", """
                key: %s
                title: One stage
                stages:
                  - {key: one, title: Stage one, startSeconds: 0, endSeconds: 60, goal: Look, steps: [{key: look, title: Look}]}
                translations:
                  zh: {stages: {one: {title: 第一阶段, steps: {look: {title: 看}}}}}
                """.formatted(key)).body());
        assertThat(accepted.find()).isTrue();
    }
}
