package dev.goldenfive.oncall;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.InChromium;
import dev.goldenfive.security.ApiTokens;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;

/** A paged person with goldenfive open in a browser sees it there: a browser notification and a note on the page. */
@GoldenfiveTest
class PagingBrowserTest extends InChromium {

    /** Notes every notification the page shows, then shows it. */
    private static final String SPY = """
            window.shownNotifications = [];
            const Real = window.Notification;
            if (Real) {
              const Spy = function (title, options) {
                window.shownNotifications.push({ title, body: options && options.body });
                return new Real(title, options);
              };
              Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
              Spy.requestPermission = (...args) => Real.requestPermission(...args);
              window.Notification = Spy;
            }
            """;

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    UserAccounts accounts;

    @Autowired
    ApiTokens tokens;

    @Test
    void aSecondBrowserOnTheDashboardShowsTheNotificationWhenItsPersonIsPaged() throws Exception {
        Pager pager = new Pager(new Api(port), json, accounts, tokens);
        String kim = pager.person("kim", "{\"channels\":[{\"kind\":\"email\",\"to\":\"" + pager.email("kim") + "\"}],\"browser\":true}");
        String service = "browser-" + pager.suffix;
        pager.policy("browser-" + pager.suffix, service, "[{\"targets\":[{\"user\":\"" + kim + "\"}]}]");
        ChromeDriver chrome = (ChromeDriver) browser;
        chrome.executeCdpCommand("Browser.grantPermissions", Map.of("origin", "http://localhost:" + port, "permissions", List.of("notifications")));
        chrome.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", SPY));
        signIn("http://localhost:" + port + "/", kim, "correct horse battery staple " + kim);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Incidents");
        assertThat(((JavascriptExecutor) browser).executeScript("return Notification.permission")).isEqualTo("granted");

        // declared from elsewhere (another browser, an alert): this dashboard only listens
        String key = pager.declare(service, "SEV2");

        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("page-toasts"), key));
        assertThat(browser.findElement(By.cssSelector(".page-toast a")).getAttribute("href")).endsWith("/incidents/" + key);
        Object shown = ((JavascriptExecutor) browser).executeScript("return window.shownNotifications");
        assertThat(shown).asList().singleElement().asString().contains("[SEV2] " + key).contains("You are paged (level 1)");
        assertThat(pager.notifications("incident=" + key)).filteredOn(n -> n.get("kind").asString().equals("browser"))
                .extracting(n -> n.get("status").asString()).containsExactly("delivered");
    }
}
