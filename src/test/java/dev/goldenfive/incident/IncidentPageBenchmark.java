package dev.goldenfive.incident;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.context.ConfigurableApplicationContext;

import dev.goldenfive.Benchmarks;
import dev.goldenfive.Chromium;
import dev.goldenfive.timeline.Actor;

/**
 * The incident page under load: {@code ./mvnw test -Pbenchmark}. Not part of {@code ./mvnw verify}.
 * <ul>
 * <li>Render time of an incident page with 500 timeline entries, against the sign-in page (layout, no data)
 *     rendered in the same run. Goal: p95 ≤ 50 ms.</li>
 * <li>Time from an action (a note posted over the API) to a second browser showing it, against the time the
 *     same request takes to answer. Goal: ≤ 1 s.</li>
 * </ul>
 */
class IncidentPageBenchmark {

    @Test
    void incidentPageRenderAndLiveUpdateLatency() throws Exception {
        try (ConfigurableApplicationContext app = Benchmarks.application()) {
            String base = Benchmarks.base(app);
            IncidentCommands incidents = app.getBean(IncidentCommands.class);
            IncidentKey key = incidents.declare(new IncidentCommands.Declaration("Benchmark", "bench", "prod", Severity.SEV3,
                    null, null, null, null), Actor.user("admin")).key();
            for (int i = 0; i < 498; i++) {
                incidents.addNote(key, "Note number " + i + ": dig +short proxy.golang.org returned nothing", Actor.user("admin"));
            }
            int entries = app.getBean(Incidents.class).timeline(key, 0, 1000).size();

            HttpClient http = Benchmarks.signedIn(base, "admin", Benchmarks.PASSWORD);
            List<Double> page = Benchmarks.timeGets(http, base + "/incidents/" + key, 200, 300);
            List<Double> baseline = Benchmarks.timeGets(HttpClient.newHttpClient(), base + "/login", 200, 300);

            System.out.printf("%nIncident page benchmark: %d timeline entries%n", entries);
            System.out.printf("%-22s %10s %10s %8s%n", "render (ms)", "p50", "p95", "");
            System.out.printf("%-22s %10.1f %10.1f%n", "incident page", Benchmarks.percentile(page, .5), Benchmarks.percentile(page, .95));
            System.out.printf("%-22s %10.1f %10.1f%n", "sign-in page (base)", Benchmarks.percentile(baseline, .5), Benchmarks.percentile(baseline, .95));
            System.out.printf("ratio p95: %.1f; goal p95 <= 50 ms: %s%n", Benchmarks.percentile(page, .95) / Benchmarks.percentile(baseline, .95),
                    Benchmarks.percentile(page, .95) <= 50 ? "met" : "NOT MET");

            liveUpdate(base, key.toString());
        }
    }

    /** A second browser watches the incident while notes are posted over the API. */
    private static void liveUpdate(String base, String key) throws Exception {
        WebDriver browser = Chromium.start();
        try {
            browser.get(base + "/login");
            browser.findElement(By.id("username")).sendKeys("admin");
            browser.findElement(By.id("password")).sendKeys(Benchmarks.PASSWORD);
            browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
            new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlToBe(base + "/"));
            browser.get(base + "/incidents/" + key);
            HttpClient http = HttpClient.newHttpClient();
            List<Double> visible = new ArrayList<>();
            List<Double> answered = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String text = "live-" + i;
                long sent = System.nanoTime();
                http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/incidents/" + key + "/notes"))
                        .header("Authorization", "Bearer " + Benchmarks.TOKEN).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + "\"}")).build(),
                        HttpResponse.BodyHandlers.discarding());
                answered.add((System.nanoTime() - sent) / 1e6);
                new WebDriverWait(browser, Duration.ofSeconds(5), Duration.ofMillis(5))
                        .until(driver -> (Boolean) ((JavascriptExecutor) driver).executeScript(
                                "return document.getElementById('timeline')?.textContent.includes(arguments[0])", text));
                visible.add((System.nanoTime() - sent) / 1e6);
                Thread.sleep(200);
            }
            System.out.printf("%-22s %10s %10s %10s%n", "action → 2nd browser", "p50", "p95", "max");
            System.out.printf("%-22s %10.1f %10.1f %10.1f%n", "shown (ms)", Benchmarks.percentile(visible, .5), Benchmarks.percentile(visible, .95),
                    Benchmarks.percentile(visible, 1));
            System.out.printf("%-22s %10.1f %10.1f %10.1f%n", "request (base, ms)", Benchmarks.percentile(answered, .5),
                    Benchmarks.percentile(answered, .95), Benchmarks.percentile(answered, 1));
            System.out.printf("ratio p95: %.1f; goal <= 1000 ms: %s%n%n", Benchmarks.percentile(visible, .95) / Benchmarks.percentile(answered, .95),
                    Benchmarks.percentile(visible, 1) <= 1000 ? "met" : "NOT MET");
        }
        finally {
            browser.quit();
        }
    }
}
