package dev.goldenfive.logarchive;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.InChromium;

import static org.assertj.core.api.Assertions.assertThat;

/** The retention page in a real Chromium: what each environment keeps and holds, production as prod, a change, a refusal. */
@GoldenfiveTest
class RetentionBrowserTest extends InChromium {

    @LocalServerPort
    int port;

    @Autowired
    ArchiveSizes sizes;

    @Test
    void anAdministratorSeesWhatEachEnvironmentKeepsAndHoldsAndChangesIt() throws Exception {
        String qa = "qa-" + UUID.randomUUID().toString().substring(0, 8);
        Api api = new Api(port);
        for (String environment : new String[] {qa, "production"}) {
            var stored = api.post("/api/v1/logs?environment=" + environment + "&service=retention", GoldenfiveTest.ADMIN_TOKEN,
                    "application/x-ndjson", "{\"message\":\"one\"}\n{\"message\":\"two\"}\n");
            assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
        }
        // PostgreSQL's statistics take a moment to count new rows
        for (int i = 0; i < 50 && sizes.refresh().stream().noneMatch(p -> p.environment().equals(qa) && p.lines() >= 2); i++) {
            Thread.sleep(200);
        }

        signIn("http://localhost:" + port + "/admin/logs/retention", "admin", GoldenfiveTest.ADMIN_PASSWORD);
        WebElement production = row("production");
        assertThat(production.getText()).contains("30").contains("as prod");
        WebElement ours = row(qa);
        assertThat(ours.getText()).contains("7").contains("as every other environment (*)");
        assertThat(ours.findElements(By.tagName("td")).get(2).getText()).isEqualTo("1");
        assertThat(ours.findElements(By.tagName("td")).get(3).getText()).isEqualTo("2");
        assertThat(ours.findElements(By.tagName("td")).get(5).getText()).endsWith("UTC");
        assertThat(browser.findElement(By.cssSelector("tr[data-environment='" + qa + "'] + tr.retention-days")).getAttribute("innerHTML"))
                .contains("data-day=\"" + LocalDate.now(ZoneOffset.UTC) + "\"");
        assertThat(browser.findElement(By.id("archive-size")).getAttribute("class")).as("past the test's 1 KB warning").contains("alert");

        // a refusal comes back on the form, with its message
        submit(qa, "0");
        assertThat(browser.findElement(By.id("days-help")).getText()).isNotBlank();
        assertThat(browser.findElement(By.id("environment")).getAttribute("value")).isEqualTo(qa);

        submit(qa, "3");
        assertThat(browser.findElement(By.cssSelector(".notice")).getText()).contains("Retention saved");
        assertThat(row(qa).getText()).contains("3").doesNotContain("as every other environment");

        assertThat(api.get("/actuator/prometheus", GoldenfiveTest.ADMIN_TOKEN).body())
                .containsPattern("goldenfive_log_archive_bytes\\{day=\"" + LocalDate.now(ZoneOffset.UTC) + "\",environment=\"" + qa + "\"\\} [0-9.E]+")
                .containsPattern("goldenfive_log_archive_lines\\{day=\"[0-9-]+\",environment=\"" + qa + "\"\\} 2\\.0");
    }

    private WebElement row(String environment) {
        return browser.findElement(By.cssSelector("tr[data-environment='" + environment + "']"));
    }

    private void submit(String environment, String days) {
        browser.findElement(By.id("environment")).clear();
        browser.findElement(By.id("environment")).sendKeys(environment);
        browser.findElement(By.id("days")).clear();
        browser.findElement(By.id("days")).sendKeys(days);
        var page = browser.findElement(By.tagName("html"));
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.stalenessOf(page));
    }
}
