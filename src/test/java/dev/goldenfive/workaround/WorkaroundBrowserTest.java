package dev.goldenfive.workaround;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.Chromium;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.InChromium;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger in a real browser: recorded on the incident page, shown on the dashboard, and holding the close until kept with a reason. */
@GoldenfiveTest
class WorkaroundBrowserTest extends InChromium {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Test
    void aResponderRecordsAWorkaroundThatHoldsTheCloseUntilTheyLeaveItInPlaceSayingWhy() throws Exception {
        Api api = new Api(port);
        String service = "ledger-" + UUID.randomUUID().toString().substring(0, 8);
        String key = json.readTree(api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"checksum database unreachable\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}")
                .body()).get("key").asString();
        signIn("http://localhost:" + port + "/", "admin", GoldenfiveTest.ADMIN_PASSWORD);
        browser.get("http://localhost:" + port + "/incidents/" + key);
        WebElement panel = browser.findElement(By.id("panel-workarounds"));
        assertThat(panel.getText()).contains("No temporary change recorded.");

        String tomorrow = LocalDateTime.now(ZoneOffset.UTC).plusDays(1).truncatedTo(ChronoUnit.MINUTES).toString();
        fill(tomorrow, "nobody-at-all");
        assertThat(browser.findElement(By.id("workaround-problems-new")).getText()).as("the form comes back with its problem")
                .contains("owner").contains("is not a user");
        assertThat(browser.findElement(By.id("new-what")).getAttribute("value")).isEqualTo("GOSUMDB=off on the CI runners");
        fill(tomorrow, "admin");
        assertThat(browser.findElement(By.id("panel-workarounds")).getText()).contains("1 in place").contains("GOSUMDB=off on the CI runners")
                .contains("admin undoes it by");

        browser.get("http://localhost:" + port + "/");
        assertThat(browser.findElement(By.id("panel-workarounds")).getText()).as("on the dashboard").contains(key)
                .contains("GOSUMDB=off on the CI runners");

        api.post("/api/v1/incidents/" + key + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"summary\":\"fixed\"}");
        api.completeReview(key, GoldenfiveTest.ADMIN_TOKEN);
        browser.get("http://localhost:" + port + "/incidents/" + key);
        submit(browser.findElement(By.cssSelector("form[action$='/actions/close'] button")));
        assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText()).contains("1 workaround(s) still in place");

        WebElement why = browser.findElement(By.cssSelector("#panel-workarounds input[name=note]"));
        why.sendKeys("the checksum mirror is not back yet");
        submit(why.findElement(By.xpath("./following-sibling::button")));
        submit(browser.findElement(By.cssSelector("form[action$='/actions/close'] button")));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#panel-workarounds details.workarounds-closed summary"), "Closed (1)"));
        browser.findElement(By.cssSelector("#panel-workarounds details.workarounds-closed summary")).click();
        assertThat(browser.findElement(By.id("panel-workarounds")).getText()).contains("left in place by admin: the checksum mirror is not back yet");
        assertThat(json.readTree(api.get("/api/v1/incidents/" + key, GoldenfiveTest.ADMIN_TOKEN).body()).get("status").asString())
                .isEqualTo("CLOSED");
        Chromium.screenshot(browser, "workarounds");
        assertThat(Chromium.consoleProblems(browser)).isEmpty();
    }

    private void fill(String revertBy, String owner) {
        WebElement open = browser.findElement(By.cssSelector("details.workaround-new"));
        if (open.getAttribute("open") == null) {
            open.findElement(By.tagName("summary")).click();
        }
        browser.findElement(By.id("new-kind")).sendKeys("GOSUMDB off");
        WebElement what = browser.findElement(By.id("new-what"));
        what.clear();
        what.sendKeys("GOSUMDB=off on the CI runners");
        WebElement where = browser.findElement(By.id("new-where"));
        where.clear();
        where.sendKeys("ci runners");
        WebElement who = browser.findElement(By.id("new-owner"));
        who.clear();
        who.sendKeys(owner);
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1]", browser.findElement(By.id("new-revertBy")), revertBy);
        submit(browser.findElement(By.cssSelector("details.workaround-new button[type=submit]")));
    }

    /** Clicks a form's button and waits for the page the form leads to (a click does not wait for it). */
    private void submit(WebElement button) {
        WebElement page = browser.findElement(By.tagName("html"));
        button.click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.stalenessOf(page));
    }
}
