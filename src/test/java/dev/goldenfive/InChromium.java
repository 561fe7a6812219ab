package dev.goldenfive;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A browser test: each test gets a fresh Chromium in {@link #browser}, quit afterwards. */
public abstract class InChromium {

    protected WebDriver browser;

    @BeforeEach
    void startChromium() {
        browser = Chromium.start();
    }

    /** Signs in through the sign-in form at {@code page} (which may carry {@code ?lang=}), and waits for the page after it. */
    protected void signIn(String page, String username, String password) {
        browser.get(page);
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        var login = browser.findElement(By.tagName("html"));
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        var wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        wait.until(ExpectedConditions.stalenessOf(login));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main h1")));
    }

    @AfterEach
    void stopChromium() {
        if (browser != null) {
            browser.quit();
        }
    }
}
