package dev.goldenfive.review;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.Chromium;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.InChromium;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A manager writes the review of a resolved incident in Chromium: the gate, the form's messages, the filters, print;
 * and a Chinese reader meets no English sentence on the incident page, in a refusal or in a search that cannot be read.
 */
@GoldenfiveTest
class ReviewBrowserTest extends InChromium {

    @LocalServerPort
    int port;
    @Autowired
    JsonMapper json;
    @Autowired
    UserAccounts accounts;

    @Test
    void aManagerReadsTheFiguresIsToldWhatIsMissingAndCompletesTheReview() throws Exception {
        Api api = new Api(port);
        String service = "rv-" + UUID.randomUUID().toString().substring(0, 8);
        var declared = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"Modules time out\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        String key = json.readTree(declared.body()).get("key").asString();
        for (String action : List.of("acknowledge", "mitigate")) {
            api.post("/api/v1/incidents/" + key + "/actions/" + action, GoldenfiveTest.ADMIN_TOKEN, "application/json", "");
        }
        api.post("/api/v1/incidents/" + key + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"summary\":\"GOPROXY switched to the mirror\"}");
        String manager = "m" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(manager, null, "a-long-enough-password", EnumSet.of(Role.MANAGER));

        browser.get("http://localhost:" + port + "/incidents/" + key + "/review");
        browser.findElement(By.id("username")).sendKeys(manager);
        browser.findElement(By.id("password")).sendKeys("a-long-enough-password");
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("figure-golden")));

        assertThat(text("figure-golden")).isEqualTo("met");
        assertThat(text("figure-stage")).isEqualTo("Basic connectivity");
        assertThat(text("figure-ttr")).endsWith(" s");
        assertThat(browser.findElements(By.cssSelector("svg.stage-chart rect.stage-span.outcome-on-time"))).hasSize(1);
        assertThat(text("review-status")).isEqualTo("started");

        browser.findElement(By.id("summary")).sendKeys("Module downloads failed for every Go build");
        button("submit").click();
        waitFor().until(ExpectedConditions.textToBe(By.id("review-status"), "in review"));

        media("print");
        assertThat(display(".review-form")).as("the form is not printed").isEqualTo("none");
        assertThat(browser.findElement(By.cssSelector(".review-text")).getAttribute("textContent"))
                .as("what it says is").contains("Module downloads failed for every Go build");
        media("screen");
        assertThat(display(".review-text")).isEqualTo("none");

        button("complete").click();
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".has-error")));
        assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText()).contains("Impact, Root cause, Root cause category");
        assertThat(browser.findElement(By.id("impact-help")).getText()).isEqualTo("is required to complete the review");
        assertThat(browser.findElement(By.id("summary")).getAttribute("value")).as("nothing typed is lost")
                .isEqualTo("Module downloads failed for every Go build");
        assertThat(text("review-status")).isEqualTo("in review");

        browser.findElement(By.id("impact")).sendKeys("CI red for 4 minutes");
        browser.findElement(By.id("rootCause")).sendKeys("The resolver dropped proxy.golang.org");
        new Select(browser.findElement(By.id("rootCauseCategory"))).selectByValue("dns");
        browser.findElement(By.id("items0.title")).sendKeys("Alert on resolver errors");
        browser.findElement(By.id("items0.owner")).sendKeys("erin");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('items0.due').value = '2030-01-31'");
        button("complete").click();
        waitFor().until(ExpectedConditions.textToBe(By.id("review-status"), "completed"));

        String written = browser.findElement(By.cssSelector(".review-text")).getText();
        assertThat(written).contains("CI red for 4 minutes").contains("Alert on resolver errors").contains("2030-01-31");
        assertThat(browser.findElements(By.cssSelector(".review-history li"))).hasSize(3);
        assertThat(browser.findElement(By.cssSelector(".review-history")).getText())
                .contains("Root cause category").doesNotContain("rootCauseCategory");
        Chromium.screenshot(browser, "review");

        new Select(browser.findElement(By.id("kind"))).selectByValue("resolved");
        browser.findElement(By.cssSelector("#timeline form button")).click();
        waitFor().until(ExpectedConditions.urlContains("kind=resolved"));
        List<WebElement> rows = browser.findElements(By.cssSelector(".review-timeline tbody tr"));
        assertThat(rows).singleElement().satisfies(row -> assertThat(row.getText()).contains("GOPROXY switched to the mirror"));

        media("print");
        assertThat(display(".topbar")).isEqualTo("none");
        assertThat(display(".review-exports")).isEqualTo("none");
        assertThat(display("#timeline form")).isEqualTo("none");
        assertThat(display(".review-text")).isNotEqualTo("none");
        media("screen");

        browser.get("http://localhost:" + port + "/reports?service=" + service);
        assertThat(text("report-incidents")).isEqualTo("1");
        assertThat(text("report-hit-rate")).isEqualTo("100.0 %");
        assertThat(browser.findElements(By.cssSelector("svg.bars rect.bar-met"))).isNotEmpty();
        Chromium.screenshot(browser, "reports");
        assertThat(Chromium.consoleProblems(browser)).isEmpty();
    }

    /** Three or more English words in a row: a sentence (or a phrase) the page did not translate. */
    private static final Pattern ENGLISH = Pattern.compile("\\b[A-Za-z]{2,}(\\s+[A-Za-z]{2,}){2,}\\b");
    /**
     * The text a reader sees and hears, one piece per text node and shown attribute, leaving out what is not the page's
     * own words: commands and code, what is being typed, and elements marked as people's or runbooks' text.
     */
    private static final String SHOWN_TEXT = """
            const skip = 'code, pre, textarea, script, style, [data-user-text], [translate=no]';
            const shown = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const element = node.parentElement;
              if (element && !element.closest(skip) && element.checkVisibility() && node.textContent.trim()) {
                shown.push(node.textContent.replace(/\\s+/g, ' ').trim());
              }
            }
            for (const element of document.body.querySelectorAll('[title], [placeholder], [aria-label], [alt]')) {
              if (!element.closest(skip)) {
                for (const name of ['title', 'placeholder', 'aria-label', 'alt']) {
                  const value = element.getAttribute(name);
                  if (value && value.trim()) {
                    shown.push(value.trim());
                  }
                }
              }
            }
            return shown;
            """;

    @Test
    void aChineseReaderMeetsNoEnglishSentenceOnTheIncidentPageInARefusalOrInASearchThatCannotBeRead() throws Exception {
        Api api = new Api(port);
        String service = "zh-" + UUID.randomUUID().toString().substring(0, 8);
        String title = "Module downloads time out in every build";
        String summary = "GOPROXY switched to the company mirror";
        var declared = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"" + title + "\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        String key = json.readTree(declared.body()).get("key").asString();
        api.post("/api/v1/incidents/" + key + "/actions/acknowledge", GoldenfiveTest.ADMIN_TOKEN, "application/json", "");
        api.post("/api/v1/incidents/" + key + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"summary\":\"" + summary + "\"}");
        // what people and the runbook wrote is theirs, in whatever language they wrote it
        List<String> data = new ArrayList<>(List.of(title, service, summary, "admin"));
        strings(json.readTree(api.get("/api/v1/runbooks/go-module-download", GoldenfiveTest.ADMIN_TOKEN).body()), data);

        browser.get("http://localhost:" + port + "/login?lang=zh-CN");
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(GoldenfiveTest.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "事件"));
        browser.get("http://localhost:" + port + "/incidents/" + key);
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("panel-head")));
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("zh");
        List<String> incidentPage = english(data);

        browser.findElement(By.cssSelector("form[action$='/actions/close'] button")).click();
        String refusal = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]"))).getText();
        List<String> refusedPage = english(data);
        Chromium.screenshot(browser, "incident-close-refused-zh");

        browser.get("http://localhost:" + port + "/logs");
        browser.findElement(By.id("q")).sendKeys("level: \"connection refused\"");
        browser.findElement(By.cssSelector("form.log-query button[type=submit]")).click();
        String searchError = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]"))).getText();
        List<String> searchPage = english(data);
        Chromium.screenshot(browser, "logs-syntax-error-zh");

        assertThat(refusal).as("the refusal to close").contains(key).contains("复盘");
        assertThat(searchError).as("the search that cannot be read").contains("level:").contains("搜索");
        assertThat(incidentPage).as("English on the incident page").isEmpty();
        assertThat(refusedPage).as("English on the incident page with the refusal").isEmpty();
        assertThat(searchPage).as("English on the log search page with the error").isEmpty();
        browser.get("http://localhost:" + port + "/logs?lang=en&q=level:");
        assertThat(english(data)).as("the same look finds the English page's sentences").isNotEmpty();
    }

    /** Each piece of the page's own text that holds an English sentence, the data left out. */
    private List<String> english(List<String> data) {
        // longest first, and whole words only: a runbook's key "dns" must not cut a word of the page's own out
        List<Pattern> longestFirst = data.stream().filter(s -> !s.isBlank()).sorted(Comparator.comparingInt(String::length).reversed())
                .map(text -> Pattern.compile("(?<![A-Za-z])" + Pattern.quote(text) + "(?![A-Za-z])")).toList();
        @SuppressWarnings("unchecked")
        List<String> shown = (List<String>) ((JavascriptExecutor) browser).executeScript(SHOWN_TEXT);
        List<String> english = new ArrayList<>();
        for (String piece : shown) {
            String own = piece;
            for (Pattern text : longestFirst) {
                own = text.matcher(own).replaceAll(" | ");
            }
            if (ENGLISH.matcher(own).find()) {
                english.add(piece);
            }
        }
        return english;
    }

    /** Every text in a JSON document. */
    private static void strings(JsonNode node, List<String> into) {
        if (node.isString()) {
            into.add(node.asString());
        }
        node.forEach(child -> strings(child, into));
    }

    private void media(String type) {
        ((ChromiumDriver) browser).executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", type));
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private WebElement button(String action) {
        return browser.findElement(By.cssSelector(".review-form button[name=action][value=" + action + "]"));
    }

    private String display(String selector) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "return getComputedStyle(document.querySelector(arguments[0])).display", selector);
    }

    private WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(10));
    }
}
