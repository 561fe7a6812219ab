package dev.goldenfive.incident;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.StringJoiner;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.Chromium;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.InChromium;
import dev.goldenfive.timeline.Actor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages an incident is worked on, on a phone (390 px) and a laptop (1366 px), in a real Chromium, with what
 * makes pages wide: a probe grid from several senders, long URLs in evidence, pinned lines and notes.
 */
@GoldenfiveTest
class LayoutBrowserTest extends InChromium {

    /** Elements that reach past the viewport and are not inside a box of their own that scrolls. */
    private static final String TOO_WIDE = """
            const width = document.documentElement.clientWidth;
            const scrolls = (e) => {
              for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
                const overflow = getComputedStyle(p).overflowX;
                if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') return p.getBoundingClientRect().right <= width + 1;
              }
              return false;
            };
            const wide = [...document.querySelectorAll('body *')]
                .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > width + 1 && !scrolls(e))
                .map((e) => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ' in ' + e.parentElement.tagName + '.'
                    + e.parentElement.className + ' "' + e.textContent.trim().slice(0, 40) + '"');
            if (document.documentElement.scrollWidth > width + 1) {
              const outermost = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > width + 1
                  && !(e.parentElement.getBoundingClientRect().right > width + 1));
              wide.push('the page scrolls sideways (' + document.documentElement.scrollWidth + ' px) because of '
                  + outermost.map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', '));
            }
            return wide.join(', ');
            """;

    @LocalServerPort
    int port;

    @Autowired
    IncidentCommands incidents;

    @Test
    void nothingIsWiderThanAPhoneOrALaptopAndOnAPhoneTheActionsAreWithinTwoScreens() throws Exception {
        String service = "layout-" + UUID.randomUUID().toString().substring(0, 8);
        IncidentKey key = incidents.declare(new IncidentCommands.Declaration("Go modules time out behind the corporate proxy",
                service, "prod", Severity.SEV2, null, null, null, null), Actor.user("admin")).key();
        String longUrl = "https://goproxy.corp.example.com/github.com/some-organisation/some-very-long-module-name/v2/@v/v2.17.0-20261201123456-abcdef123456.zip";
        postProbes(key.toString(), longUrl);
        String lineKey = postLogAndFindIt(service, "GET " + longUrl + ": dial tcp 10.20.30.40:443: i/o timeout");
        api().post("/api/v1/incidents/" + key + "/logs/pins", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"line\":\"" + lineKey + "\"}");
        incidents.addNote(key, "Tried " + longUrl + " by hand from the runner: same timeout", Actor.user("admin"));
        for (int i = 0; i < 40; i++) {
            incidents.addNote(key, "check " + i, Actor.user("admin"));
        }
        signIn();

        for (int width : new int[] {390, 1366}) {
            browser.manage().window().setSize(new Dimension(width, 844));
            for (String page : new String[] {"/incidents/" + key, "/reports", "/logs?q=" + service, "/incidents"}) {
                browser.get("http://localhost:" + port + page);
                new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
                Chromium.screenshot(browser, "layout-" + width + page.replaceAll("[^a-z0-9]+", "-"));
                assertThat(((JavascriptExecutor) browser).executeScript(TOO_WIDE)).as("too wide at " + width + " px: " + page).isEqualTo("");
            }
        }

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.get("http://localhost:" + port + "/incidents/" + key);
        JavascriptExecutor script = (JavascriptExecutor) browser;
        for (String action : new String[] {"acknowledge", "advance", "mitigate", "resolve", "note"}) {
            Object top = script.executeScript("const e = document.querySelector(`.action-bar [data-action='${arguments[0]}']`);"
                    + " return e && e.getClientRects().length ? e.getBoundingClientRect().top + window.scrollY : null", action);
            assertThat(top).as(action + " on a phone").isNotNull();
            assertThat(((Number) top).doubleValue()).as(action + " within two screens").isLessThan(2 * 844);
        }
        Object diagnosis = script.executeScript("return document.getElementById('evidence-heading').getBoundingClientRect().top + window.scrollY");
        assertThat(((Number) diagnosis).doubleValue()).as("the evidence and diagnosis within two screens").isLessThan(2 * 844);
        assertThat(browser.findElement(By.id("logs-details")).getAttribute("open")).as("logs folded on a phone").isNull();
        assertThat(Chromium.consoleProblems(browser)).isEmpty();
    }

    private void postProbes(String key, String longUrl) throws Exception {
        StringJoiner results = new StringJoiner(",", "[", "]");
        String[] types = {"icmp", "tcp", "http", "dns", "tls", "goproxy"};
        for (int i = 0; i < 24; i++) {
            String type = types[i % types.length];
            String target = switch (type) {
                case "http", "goproxy" -> longUrl;
                case "tcp", "tls" -> "goproxy.corp.example.com:443";
                default -> "goproxy.corp.example.com";
            };
            results.add("""
                    {"id": "layout-%s-%d", "incident": "%s", "labels": {"site": "site-with-a-long-name-%d"}, "type": "%s",
                     "target": "%s", "via": "%s", "startedAt": "%s", "durationMs": %d, "success": %b,
                     "error": {"class": "timeout", "message": "GET %s: dial tcp 10.20.30.40:443: i/o timeout"}}"""
                    .formatted(key, i, key, i % 4, type, target, i % 2 == 0 ? "direct" : "http://proxy.corp.example.com:3128",
                            Instant.now().minusSeconds(30 - i), 10 + i, false, longUrl));
        }
        assertThat(api().post("/api/v1/probes", GoldenfiveTest.ADMIN_TOKEN, "application/json", results.toString()).statusCode())
                .isEqualTo(200);
    }

    private String postLogAndFindIt(String service, String message) throws Exception {
        HttpResponse<String> stored = api().post("/api/v1/logs?environment=prod&service=" + service, GoldenfiveTest.ADMIN_TOKEN,
                "application/json", "{\"timestamp\":\"" + Instant.now() + "\",\"level\":\"error\",\"message\":\"" + message + "\"}");
        assertThat(stored.statusCode()).as(stored.body()).isLessThan(300);
        String found = api().get("/api/v1/logs/search?q=service:" + service, GoldenfiveTest.ADMIN_TOKEN).body();
        return found.replaceAll("(?s).*?\"key\":\"([^\"]+)\".*", "$1");
    }

    private Api api() {
        return new Api(port);
    }

    private void signIn() {
        browser.get("http://localhost:" + port + "/");
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(GoldenfiveTest.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Incidents"));
    }
}
