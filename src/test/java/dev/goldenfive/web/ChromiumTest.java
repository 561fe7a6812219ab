package dev.goldenfive.web;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** A real Chromium signs in and uses the pages; screenshots land in target/screenshots. */
@GoldenfiveTest
class ChromiumTest {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @LocalServerPort
    int port;

    WebDriver browser;

    @BeforeEach
    void startChromium() {
        Assumptions.assumeTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
                "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver); .ci/run installs them");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).build(), options);
    }

    @AfterEach
    void stopChromium() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theAdminSignsInCreatesATokenAndCopiesItWithoutAnyContentSecurityPolicyViolation() throws Exception {
        browser.get(url("/"));
        assertThat(browser.getCurrentUrl()).endsWith("/login");
        screenshot("login");

        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(GoldenfiveTest.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();

        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Incidents"));
        assertThat(browser.findElement(By.cssSelector("nav")).getText()).contains("Users").contains("Tokens");
        assertThat(((JavascriptExecutor) browser).executeScript("return typeof htmx")).isEqualTo("object");
        screenshot("home");

        browser.get(url("/account"));
        browser.findElement(By.id("name")).sendKeys("值班 laptop – Zürich");
        browser.findElement(By.cssSelector("form[action='/account/tokens'] button[type=submit]")).click();
        String token = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("issued-token"))).getText();
        assertThat(token).matches("gfu_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}");
        assertThat(browser.findElement(By.id("issued-heading")).getText())
                .as("a non-ASCII form value survives the round trip").contains("值班 laptop – Zürich");
        screenshot("account-token-issued");

        browser.get(url("/admin/users/new"));
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        assertThat(browser.findElement(By.cssSelector(".field.has-error")).getText()).contains("must be 2–64 characters");
        screenshot("new-user-errors");

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.get(url("/admin/tokens"));
        screenshot("tokens-phone");

        List<LogEntry> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .toList();
        assertThat(problems).as("console errors (a CSP violation shows here)").isEmpty();
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

    private void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
