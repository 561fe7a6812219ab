package dev.goldenfive.web;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.InChromium;

import static org.assertj.core.api.Assertions.assertThat;

/** What a responder really sees: a note with an escape and a right-to-left override, arriving live. */
@GoldenfiveTest
class VisibleTextBrowserTest extends InChromium {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Test
    void aNoteThatWouldReadBackwardsShowsItsMarksWhenItArrivesLive() throws Exception {
        Api api = new Api(port);
        var declared = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"Modules time out\",\"service\":\"vb-" + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        String key = json.readTree(declared.body()).get("key").asString();
        browser.get("http://localhost:" + port + "/incidents/" + key);
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(GoldenfiveTest.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("timeline")));

        api.post("/api/v1/incidents/" + key + "/notes", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                json.writeValueAsString(Map.of("text", "Run \u001b[2J\u0007 then open invoice\u202etxt.exe")));

        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "Run \u241b[2J\u2407"));
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("open invoice\\u202etxt.exe")
                .doesNotContain("\u202e").doesNotContain("\u001b");
    }
}
