package dev.goldenfive.logarchive;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.Chromium;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.InChromium;

import static org.assertj.core.api.Assertions.assertThat;

/** Searching logs in a real Chromium: matches marked, hostile text shown as text, the histogram, context. */
@GoldenfiveTest
class LogBrowserTest extends InChromium {

    @LocalServerPort
    int port;

    @Test
    void aResponderFindsTheLineThatMattersAndHostileTextStaysText() throws Exception {
        String service = "web-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        String body = String.join("\n",
                line(now.minusSeconds(50), "info", "starting download of golang.org/x/text", service),
                line(now.minusSeconds(40), "error", "checksum mismatch for golang.org/x/text <script>window.pwned=1</script>", service),
                line(now.minusSeconds(30), "warn", "\\u001b[31mred alert\\u001b[0m from the terminal", service),
                line(now.minusSeconds(20), "info", "download finished", service));
        var stored = new Api(port).post("/api/v1/logs?environment=prod&host=ci-3", GoldenfiveTest.ADMIN_TOKEN, "application/x-ndjson", body);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);

        browser.get("http://localhost:" + port + "/logs");
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(GoldenfiveTest.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("q")));
        browser.findElement(By.tagName("body")).sendKeys("/");
        browser.switchTo().activeElement().sendKeys("service:" + service + " checksum OR terminal", Keys.ENTER);

        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".log-lines")));
        assertThat(browser.findElements(By.cssSelector(".log-lines tbody tr"))).hasSize(2);
        assertThat(browser.findElements(By.cssSelector(".log-message mark"))).extracting(e -> e.getText())
                .contains("checksum", "terminal");
        String messages = browser.findElement(By.cssSelector(".log-lines tbody")).getText();
        assertThat(messages).contains("<script>window.pwned=1</script>").contains("␛[31mred alert␛[0m");
        assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned === undefined")).isEqualTo(true);
        assertThat(browser.findElements(By.cssSelector(".histogram rect.bar"))).isNotEmpty();
        Chromium.screenshot(browser, "logs");

        String chosenLine = browser.findElement(By.cssSelector(".log-lines tbody tr:last-child")).getAttribute("data-line");
        browser.findElement(By.cssSelector(".log-lines tbody tr:last-child td a")).click();
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "around"));
        assertThat(browser.findElements(By.cssSelector(".log-lines tbody tr"))).hasSize(4);
        assertThat(browser.findElement(By.cssSelector("tr[aria-current=true]")).getAttribute("data-line"))
                .as("the chosen line is marked among those around it").isEqualTo(chosenLine);
        assertThat(browser.getCurrentUrl()).as("and scrolled to").endsWith("#chosen");

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().back();
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".log-lines")));
        Object overflowing = ((JavascriptExecutor) browser).executeScript("return [...document.querySelectorAll('body *')]"
                + ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
                + ".map(e => e.tagName + '.' + e.className).join(', ')");
        assertThat(overflowing).as("elements wider than a phone's screen").isEqualTo("");
        assertThat(Chromium.consoleProblems(browser)).isEmpty();
    }

    private static String line(Instant at, String level, String message, String service) {
        return "{\"timestamp\":\"" + at + "\",\"level\":\"" + level + "\",\"message\":\"" + message + "\",\"service\":\"" + service + "\"}";
    }

    private WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(10));
    }
}
