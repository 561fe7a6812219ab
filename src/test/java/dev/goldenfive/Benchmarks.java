package dev.goldenfive;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** What the benchmarks share: percentiles, a signed-in HTTP client, timing page loads. */
public final class Benchmarks {

    /** The admin's API token and password in a benchmark's application. */
    public static final String TOKEN = "benchmark-admin-token-0123456789abcdefghij";
    public static final String PASSWORD = "benchmark-password";

    private Benchmarks() {
    }

    /** goldenfive on a free port with an empty embedded PostgreSQL of its own, logging warnings only. */
    public static ConfigurableApplicationContext application() {
        return new SpringApplicationBuilder(GoldenfiveApplication.class).run(
                "--server.port=0", "--management.server.port=", "--goldenfive.embedded-db.ephemeral=true",
                "--goldenfive.security.bcrypt-strength=10", "--goldenfive.security.admin-token=" + TOKEN,
                "--goldenfive.security.admin-password=" + PASSWORD, "--logging.level.root=WARN");
    }

    /** Where {@code app} answers HTTP. */
    public static String base(ConfigurableApplicationContext app) {
        return "http://localhost:" + port(app);
    }

    public static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    /** The nearest-rank percentile {@code p} (0–1) of {@code values}. */
    public static double percentile(List<Double> values, double p) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(p * sorted.size()) - 1)));
    }

    /** An HTTP client holding the session of {@code username}, signed in through the sign-in form. */
    public static HttpClient signedIn(String base, String username, String password) throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String login = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(login);
        if (!csrf.find()) {
            throw new IllegalStateException("no CSRF token on the sign-in page");
        }
        String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf=" + csrf.group(1);
        http.send(HttpRequest.newBuilder(URI.create(base + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.discarding());
        return http;
    }

    /**
     * Milliseconds of {@code measured} GETs of {@code url} (with {@code headers}, as name, value, …), after
     * {@code warmUp} unmeasured ones (for the JIT).
     */
    public static List<Double> timeGets(HttpClient http, String url, int warmUp, int measured, String... headers)
            throws Exception {
        List<Double> times = new ArrayList<>();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        HttpRequest request = builder.build();
        for (int i = 0; i < warmUp + measured; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
            if (i >= warmUp) {
                times.add((System.nanoTime() - start) / 1e6);
            }
        }
        return times;
    }
}
