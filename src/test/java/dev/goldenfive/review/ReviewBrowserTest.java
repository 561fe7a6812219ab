package dev.goldenfive.review;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
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

/** A manager writes the review of a resolved incident in Chromium: the gate, the form's messages, the filters, print. */
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
