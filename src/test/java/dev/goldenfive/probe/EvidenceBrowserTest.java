package dev.goldenfive.probe;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
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

/** A responder watches evidence arrive on the incident page: the grid, the checks and the fault boundary, live. */
@GoldenfiveTest
class EvidenceBrowserTest extends InChromium {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Test
    void probeResultsShowUpSideBySideAndTheDiagnosisAppearsWithoutReloading() throws Exception {
        Api api = new Api(port);
        var declared = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"Modules time out\",\"service\":\"ev-" + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        String key = json.readTree(declared.body()).get("key").asString();
        String token = json.readTree(api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"fra-" + UUID.randomUUID().toString().substring(0, 8) + "\"}").body()).get("token").asString();

        browser.get("http://localhost:" + port + "/incidents/" + key);
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(GoldenfiveTest.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("diagnosis"), "No probe results yet"));
        assertThat(browser.findElement(By.id("probe-command")).getAttribute("textContent"))
                .contains("/agent/goldenfive-probe.sh").contains("GOLDENFIVE_INCIDENT=" + key);
        ((JavascriptExecutor) browser).executeScript("window.stillTheSamePage = true");

        api.post("/api/v1/probes", token, "application/json", "[" + ProbeApiTest.result(ProbeApiTest.id(), key, "dns", true) + ","
                + ProbeApiTest.result(ProbeApiTest.id(), key, "icmp", true) + ","
                + ProbeApiTest.result(ProbeApiTest.id(), key, "tcp", true) + ","
                + ProbeApiTest.result(ProbeApiTest.id(), key, "http", false) + ","
                + ProbeApiTest.result(ProbeApiTest.id(), key, "http", true).replace("\"via\":\"direct\"", "\"via\":\"http://proxy.internal:3128\"") + "]");

        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("diagnosis"), "remote service or port"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.stillTheSamePage === true"))
                .as("swapped in place, not reloaded").isEqualTo(true);
        String grid = browser.findElement(By.cssSelector(".probe-grid")).getText();
        assertThat(grid).contains("http").contains("proxy.golang.org").contains("no answer").contains("HTTP 200");
        assertThat(browser.findElement(By.cssSelector("tr[data-check='http-responds']")).getText()).contains("failed");
        assertThat(browser.findElement(By.cssSelector("tr[data-check='dns-resolves']")).getText()).contains("passed");
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("Diagnosis: remote service or port");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('evidence-heading').scrollIntoView()");
        Chromium.screenshot(browser, "evidence");

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".probe-grid")));
        Object width = ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollWidth");
        assertThat(((Number) width).intValue()).as("nothing wider than the phone").isLessThanOrEqualTo(390);
        Chromium.screenshot(browser, "evidence-phone");
        assertThat(Chromium.consoleProblems(browser)).isEmpty();
    }

    @Test
    void probeAgainOnThePageBringsFreshResultsFromAStandingAgentAndTheEvidenceLeadsThePage() throws Exception {
        Api api = new Api(port);
        String service = "again-" + UUID.randomUUID().toString().substring(0, 8);
        HttpServer modules = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        modules.createContext("/", exchange -> TestModules.answer(exchange, 200, "a module proxy\n"));
        TestModules.proxy(modules, "");
        TestModules.checksumDatabase(modules, "/sumdb", true);
        modules.start();
        String local = "http://127.0.0.1:" + modules.getAddress().getPort();
        Path script = Files.createTempFile("goldenfive-probe", ".sh");
        Files.writeString(script, api.get(AgentScript.PATH, null).body());
        String token = json.readTree(api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"" + service + "\",\"labels\":{\"service\":\"" + service + "\",\"environment\":\"prod\"}}").body())
                .get("token").asString();
        try (StandingAgent agent = StandingAgent.start(List.of("sh", script.toString(), "watch", local), Map.of(
                "GOLDENFIVE_URL", "http://127.0.0.1:" + port, "GOLDENFIVE_TOKEN", token, "GOPROXY", local,
                "GOSUMDB", "sum.example " + local + "/sumdb", "GOLDENFIVE_MIRROR", local, "GOLDENFIVE_TIMEOUT", "2",
                "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"))) {
            assertThat(agent.awaitSaying("watching for work", Duration.ofSeconds(60))).as(agent.output()).isTrue();
            String key = json.readTree(api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                    "{\"title\":\"Modules time out\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}")
                    .body()).get("key").asString();
            assertThat(agent.awaitSaying(key + " connectivity (round 0) done", Duration.ofSeconds(60))).as(agent.output()).isTrue();
            long first = json.readTree(api.get("/api/v1/incidents/" + key + "/evidence", GoldenfiveTest.ADMIN_TOKEN).body()).get("total").asLong();

            browser.get("http://localhost:" + port + "/incidents/" + key);
            if (!browser.findElements(By.id("username")).isEmpty()) {
                browser.findElement(By.id("username")).sendKeys("admin");
                browser.findElement(By.id("password")).sendKeys(GoldenfiveTest.ADMIN_PASSWORD);
                browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
            }
            waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#panel-evidence"), first + " results"));
            int evidenceTop = browser.findElement(By.id("panel-evidence")).getLocation().getY();
            assertThat(evidenceTop).as("the diagnosis and its evidence come before the steps")
                    .isLessThan(browser.findElement(By.id("panel-runbook")).getLocation().getY());

            browser.findElement(By.id("probe-again")).click();

            new WebDriverWait(browser, Duration.ofSeconds(60)).until(
                    ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#panel-evidence"), 2 * first + " results"));
            assertThat(browser.findElement(By.id("timeline")).getText()).contains("asked the agents to probe again");
            assertThat(agent.output()).contains(key + " connectivity (round 1) done");
            assertThat(Chromium.consoleProblems(browser)).isEmpty();
        }
        finally {
            modules.stop(0);
            Files.deleteIfExists(script);
        }
    }

    private WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(10));
    }
}
