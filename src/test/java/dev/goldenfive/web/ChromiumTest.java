package dev.goldenfive.web;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Chromium;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.InChromium;

import static org.assertj.core.api.Assertions.assertThat;

/** A real Chromium signs in and uses the pages; screenshots land in target/screenshots. */
@GoldenfiveTest
class ChromiumTest extends InChromium {

    @LocalServerPort
    int port;

    @Test
    void theAdminSignsInCreatesATokenAndCopiesItWithoutAnyContentSecurityPolicyViolation() throws Exception {
        browser.get(url("/"));
        assertThat(browser.getCurrentUrl()).endsWith("/login");
        Chromium.screenshot(browser, "login");

        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(GoldenfiveTest.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();

        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Incidents"));
        assertThat(browser.findElement(By.cssSelector("nav")).getText()).contains("Users").contains("Tokens");
        assertThat(browser.findElement(By.id("main")).getAttribute("data-live")).as("the page updates itself").isEqualTo("/live");
        Chromium.screenshot(browser, "home");

        browser.get(url("/account"));
        browser.findElement(By.id("name")).sendKeys("值班 laptop – Zürich");
        browser.findElement(By.cssSelector("form[action='/account/tokens'] button[type=submit]")).click();
        String token = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("issued-token"))).getText();
        assertThat(token).matches("gfu_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}");
        assertThat(browser.findElement(By.id("issued-heading")).getText())
                .as("a non-ASCII form value survives the round trip").contains("值班 laptop – Zürich");
        Chromium.screenshot(browser, "account-token-issued");

        browser.get(url("/admin/users/new"));
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        assertThat(browser.findElement(By.cssSelector(".field.has-error")).getText()).contains("must be 2–64 characters");
        Chromium.screenshot(browser, "new-user-errors");

        browser.get(url("/runbooks/go-module-download/versions/1"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).contains("Go module download failures");
        Chromium.screenshot(browser, "runbook");
        browser.get(url("/runbooks/new"));
        var source = browser.findElement(By.id("source"));
        source.clear();
        source.sendKeys("key: broken\ntitle: Broken\nstages: []\n");
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        assertThat(waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".alert"))).getText())
                .contains("Line 3").contains("stages");
        Chromium.screenshot(browser, "runbook-errors");

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.get(url("/admin/tokens"));
        Chromium.screenshot(browser, "tokens-phone");

        assertThat(Chromium.consoleProblems(browser)).as("console errors (a CSP violation shows here)").isEmpty();
    }

    @Test
    void theSwaggerUiLoadsUnderItsOwnPolicy() {
        browser.get(url("/swagger-ui.html"));

        // Swagger UI renders after its scripts load: wait for the text, not just the element
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".swagger-ui .info"),
                "goldenfive API"));
    }

    private WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(10));
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
