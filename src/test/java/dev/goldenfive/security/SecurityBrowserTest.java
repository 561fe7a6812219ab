package dev.goldenfive.security;

import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.context.WebApplicationContext;

import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.InChromium;

import static org.assertj.core.api.Assertions.assertThat;

/** The hardened sign-in, account and search pages as a person meets them, in Chromium. */
@GoldenfiveTest
class SecurityBrowserTest extends InChromium {

    private static final String PASSWORD = "violet kettle harbour 42";

    @LocalServerPort
    int port;

    @Autowired
    UserAccounts accounts;

    @Autowired
    WebApplicationContext context;

    @Test
    void aPersonSignsInWithoutAnEarlierSessionLandsWhereTheyWereGoingAndMeetsThePagesRules() {
        // the application's own CSRF token store, which MockMvc tests of the shared application replace with theirs
        SessionHygieneTest.restoreCsrfTokenStore(context);
        String name = "b" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, null, PASSWORD, EnumSet.of(Role.RESPONDER));

        browser.get(url("/logs?q=timeout"));
        waitFor(By.id("username"));
        assertThat(browser.manage().getCookieNamed("SESSION")).as("no session before signing in").isNull();
        signIn(name);
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/logs?q=timeout"));
        assertThat(browser.manage().getCookieNamed("SESSION")).isNotNull();

        browser.get(url("/logs?q=x&from=%2B999999-12-31T23:59&to=2026-01-01T00:00"));
        assertThat(browser.findElement(By.id("main")).getText()).contains("From: must be between the years 1 and 9999");

        browser.get(url("/account"));
        browser.findElement(By.id("currentPassword")).sendKeys(PASSWORD);
        browser.findElement(By.id("newPassword")).sendKeys("Password1234!");
        browser.findElement(By.cssSelector("form[action='/account/password'] button[type=submit]")).click();
        assertThat(shows(By.id("newPassword-help"), "is too easy to guess")).isTrue();

        // the token form stays open here while the person signs out and in again in another tab
        String accountTab = browser.getWindowHandle();
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(url("/account"));
        browser.findElement(By.cssSelector("form[action='/logout'] button[type=submit]")).click();
        waitFor(By.id("username"));
        signIn(name);
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
        browser.close();
        browser.switchTo().window(accountTab);
        browser.findElement(By.id("name")).sendKeys("left open");
        browser.findElement(By.cssSelector("form[action='/account/tokens'] button[type=submit]")).click();

        assertThat(shows(By.id("main"), "This form has expired")).isTrue();
        assertThat(browser.findElement(By.id("main")).getText()).doesNotContain("Your role does not allow");
    }

    /** Waits for the page that the last action loads to show {@code text} in {@code where}. */
    private boolean shows(By where, String text) {
        return new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(where, text));
    }

    private void signIn(String name) {
        browser.findElement(By.id("username")).sendKeys(name);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
    }

    private org.openqa.selenium.WebElement waitFor(By what) {
        return new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(what));
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
