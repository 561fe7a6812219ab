package dev.goldenfive.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Chromium;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.InChromium;
import dev.goldenfive.runbook.RunbookFormat;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.timeline.Actor;

import static org.assertj.core.api.Assertions.assertThat;

/** An on-call engineer in a real Chromium: declare, follow the stages as they change, tick a step, resolve. */
@GoldenfiveTest
class IncidentBrowserTest extends InChromium {

    /** The heading of the stage the page shows as current. */
    private static final By CURRENT_STAGE = By.cssSelector(".stage-steps[data-state=current] h2");

    @LocalServerPort
    int port;

    @Autowired
    Runbooks runbooks;

    @Autowired
    IncidentCommands incidents;

    @Test
    void declareOnAShortRunbookWatchTheStageChangeTickAStepAndResolve() throws Exception {
        String runbook = "browser-" + UUID.randomUUID().toString().substring(0, 8);
        runbooks.publish("""
                key: %s
                title: Three short stages
                stages:
                  - {key: one, title: Look around, startSeconds: 0, endSeconds: 4, goal: See what is broken,
                     steps: [{key: dig, title: Resolve the name, commands: ["dig +short proxy.golang.org"], expected: An address}]}
                  - {key: two, title: Switch the proxy, startSeconds: 4, endSeconds: 60, goal: Get builds going,
                     steps: [{key: switch, title: Switch GOPROXY, commands: ["go env -w GOPROXY=https://goproxy.cn,direct"]}]}
                  - {key: three, title: Fall back, startSeconds: 60, endSeconds: 120, goal: Build offline,
                     steps: [{key: vendor, title: Build vendored, commands: ["go build -mod=vendor ./..."]}]}
                """.formatted(runbook), RunbookFormat.YAML, "admin");

        signIn();
        Chromium.screenshot(browser, "dashboard");
        // the dashboard may be swapped by a live refresh (another test's deadline firing) between find and click
        waitFor(Duration.ofSeconds(3)).ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    d.findElement(By.cssSelector("a[href='/incidents/new']")).click();
                    return true;
                });
        browser.findElement(By.id("title")).sendKeys("go mod download times out in CI");
        browser.findElement(By.id("service")).sendKeys("ci");
        new Select(browser.findElement(By.id("runbook"))).selectByValue(runbook);
        Chromium.screenshot(browser, "declare");
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();

        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(CURRENT_STAGE, "Look around"));
        String countdown = browser.findElement(By.cssSelector(".countdown.big")).getText();
        assertThat(countdown).matches("0:0[0-4]");
        Chromium.screenshot(browser, "incident");

        // the window ends: the page shows the next stage by itself, without loading again
        ((JavascriptExecutor) browser).executeScript("window.stillTheSamePage = true");
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(CURRENT_STAGE, "Switch the proxy"));
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("Entered Switch the proxy (window ended");
        assertThat(((JavascriptExecutor) browser).executeScript("return window.stillTheSamePage === true"))
                .as("swapped in place, not reloaded").isEqualTo(true);

        browser.findElement(By.cssSelector("#step-two-switch button[value=done]")).click();
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#step-two-switch h3"), "done"));

        browser.findElement(By.id("summary")).sendKeys("GOPROXY switched to the mirror");
        browser.findElement(By.cssSelector("form[action$='/actions/resolve'] button")).click();
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".facts .status"), "Resolved"));
        assertThat(browser.findElement(By.id("timeline")).getText())
                .contains("Switch GOPROXY: done").contains("Resolved in Switch the proxy: GOPROXY switched to the mirror");
        Chromium.screenshot(browser, "incident-resolved");

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        Chromium.screenshot(browser, "incident-phone");
        Object overflowing = ((JavascriptExecutor) browser).executeScript("return [...document.querySelectorAll('body *')]"
                + ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
                + ".map(e => e.tagName + '.' + e.className).join(', ')");
        assertThat(overflowing).as("elements wider than a phone's screen").isEqualTo("");
        assertThat(Chromium.consoleProblems(browser)).as("console errors (a CSP violation shows here)").isEmpty();
    }

    @Test
    void aSecondBrowserSeesTheFirstOnesActionsWithoutReloading() throws Exception {
        WebDriver colleague = Chromium.start();
        try {
            signIn(browser);
            signIn(colleague);
            colleague.get("http://localhost:" + port + "/?lang=zh-CN"); // the colleague watches the dashboard, in Chinese

            browser.get("http://localhost:" + port + "/incidents/new");
            browser.findElement(By.id("title")).sendKeys("Checksum mismatch on every build");
            browser.findElement(By.id("service")).sendKeys("build");
            browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
            String key = waitFor(browser, Duration.ofSeconds(10))
                    .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".incident-head h1 span"))).getText();

            waitFor(colleague, Duration.ofSeconds(3)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("main"), key));
            // the dashboard may be swapped by a live refresh between finding the link and clicking it: try again
            waitFor(colleague, Duration.ofSeconds(3)).ignoring(StaleElementReferenceException.class)
                    .until(d -> {
                        d.findElement(By.linkText(key)).click();
                        return true;
                    });
            waitFor(colleague, Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), key));

            browser.findElement(By.cssSelector("form[action$='/actions/acknowledge'] button")).click();
            waitFor(colleague, Duration.ofSeconds(3)).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".facts"), "由 admin 确认"));
            // the colleague has started a note of their own: a live refresh must not throw it away
            colleague.findElement(By.id("note-text")).sendKeys("half a thought");
            blur(colleague);
            browser.findElement(By.id("note-text")).sendKeys("Looking at GOSUMDB now");
            browser.findElement(By.cssSelector("form[action$='/notes'] button")).click();
            Thread.sleep(1500);
            assertThat(colleague.findElement(By.id("note-text")).getAttribute("value")).isEqualTo("half a thought");
            colleague.findElement(By.id("note-text")).clear();
            blur(colleague);
            waitFor(colleague, Duration.ofSeconds(3)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "Looking at GOSUMDB now"));
            Chromium.screenshot(colleague, "incident-colleague-zh");
        }
        finally {
            colleague.quit();
        }
    }

    @Test
    void aDraftItsCaretAndAnOpenNextStageOutliveTenUpdatesAndTheStageChangeShowsWithinASecond() throws Exception {
        String runbook = "drafts-" + UUID.randomUUID().toString().substring(0, 8);
        runbooks.publish("""
                key: %s
                title: A short first stage
                stages:
                  - {key: one, title: Look around, startSeconds: 0, endSeconds: 8, goal: See what is broken,
                     steps: [{key: dig, title: Resolve the name}]}
                  - {key: two, title: Switch the proxy, startSeconds: 8, endSeconds: 60, goal: Get builds going,
                     steps: [{key: switch, title: Switch GOPROXY}]}
                  - {key: three, title: Fall back, startSeconds: 60, endSeconds: 120, goal: Build offline,
                     steps: [{key: vendor, title: Build vendored}]}
                """.formatted(runbook), RunbookFormat.YAML, "admin");
        signIn();
        IncidentView incident = incidents.declare(new IncidentCommands.Declaration("Drafts survive", "ci", "prod",
                Severity.SEV2, runbook, null, null, null), Actor.user("admin"));
        browser.get("http://localhost:" + port + "/incidents/" + incident.key());
        JavascriptExecutor page = (JavascriptExecutor) browser;

        browser.findElement(By.cssSelector("#steps-two summary")).click();
        WebElement note = browser.findElement(By.id("note-one-dig"));
        note.sendKeys("resolver answers SERVFAIL");
        page.executeScript("arguments[0].setSelectionRange(9, 9)", note);

        // ten marks of a step of the next stage, each re-rendering the panels of steps: the page follows every one
        for (int i = 1; i <= 10; i++) {
            incidents.markStep(incident.key(), "two", "switch", i % 2 == 0 ? StepOutcome.DONE : StepOutcome.SKIPPED,
                    "mark " + i, Actor.user("admin"));
            waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#step-two-switch"), "mark " + i));
        }
        assertThat(browser.findElement(By.id("steps-two")).getAttribute("open")).as("the next stage stays unfolded").isNotNull();
        assertDraftKept(page);

        // the first window ends while the draft waits: the new stage shows, the draft stays where it was typed
        Instant deadline = incident.stages().getFirst().endsAt();
        waitFor(Duration.ofSeconds(15)).pollingEvery(Duration.ofMillis(20))
                .until(ExpectedConditions.textToBePresentInElementLocated(CURRENT_STAGE, "Switch the proxy"));
        Duration shownAfter = Duration.between(deadline, Instant.now());
        assertThat(shownAfter).as("the stage change shows within a second of the deadline").isLessThan(Duration.ofSeconds(1));
        assertThat(browser.findElement(By.id("live-notice")).getText()).contains("Switch the proxy");
        assertDraftKept(page);
        assertThat(browser.findElement(By.id("heading-one")).getText()).as("the stage that ended, still unfolded while a draft waits there")
                .isEqualTo("Before: Look around");
        assertThat(browser.findElement(By.id("steps-one")).getAttribute("open")).isNotNull();
        assertThat(Chromium.consoleProblems(browser)).isEmpty();
    }

    private void assertDraftKept(JavascriptExecutor page) {
        WebElement note = browser.findElement(By.id("note-one-dig"));
        assertThat(note.getAttribute("value")).isEqualTo("resolver answers SERVFAIL");
        assertThat(page.executeScript("return document.activeElement.id")).as("still typing there").isEqualTo("note-one-dig");
        assertThat(page.executeScript("return arguments[0].selectionStart", note)).as("the caret where it was").isEqualTo(9L);
    }

    @Test
    void keysHelpAResponderDeclareSendNotesAndListThemAndAClosingRefusalLeadsToTheReview() throws Exception {
        signIn();
        JavascriptExecutor page = (JavascriptExecutor) browser;
        waitFor(Duration.ofSeconds(5)).ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    d.findElement(By.tagName("body")).sendKeys("d");
                    return d.getCurrentUrl().endsWith("/incidents/new");
                });
        assertThat(page.executeScript("return document.activeElement.id")).as("the title is ready to type in").isEqualTo("title");
        browser.switchTo().activeElement().sendKeys("Keys only");
        browser.findElement(By.id("service")).sendKeys("ci");
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("note-text")));

        browser.findElement(By.tagName("body")).sendKeys("t");
        browser.switchTo().activeElement().sendKeys("sent with the keyboard", Keys.chord(Keys.CONTROL, Keys.ENTER));
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "sent with the keyboard"));

        browser.findElement(By.tagName("body")).sendKeys("?");
        String keys = waitFor(Duration.ofSeconds(3)).until(ExpectedConditions.visibilityOfElementLocated(By.id("shortcut-list"))).getText();
        assertThat(keys).contains("a").contains("Acknowledge").contains("Note").contains("Resolve");
        browser.findElement(By.cssSelector("#shortcut-list button")).click();

        WebElement skipped = browser.findElement(By.cssSelector(".step-mark button[value=skipped]"));
        assertThat(skipped.getCssValue("border-top-color")).as("Skipped has a button's border").isNotEqualTo("rgba(0, 0, 0, 0)");

        browser.findElement(By.id("summary")).sendKeys("never mind");
        browser.findElement(By.cssSelector("form[action$='/actions/resolve'] button")).click();
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("form[action$='/actions/close'] button"))).click();
        WebElement refusal = waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".alert a")));
        assertThat(refusal.getAttribute("href")).endsWith("/review");
        assertThat(Chromium.consoleProblems(browser)).isEmpty();
    }

    /** Leaves the field being typed in, the way a person clicks elsewhere (the page may be swapped meanwhile). */
    private static void blur(WebDriver browser) {
        ((JavascriptExecutor) browser).executeScript("document.activeElement?.blur()");
    }

    private void signIn() {
        signIn(browser);
    }

    private void signIn(WebDriver browser) {
        browser.get("http://localhost:" + port + "/");
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(GoldenfiveTest.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        waitFor(browser, Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Incidents"));
    }

    private WebDriverWait waitFor(Duration timeout) {
        return waitFor(browser, timeout);
    }

    private static WebDriverWait waitFor(WebDriver browser, Duration timeout) {
        return new WebDriverWait(browser, timeout);
    }
}
