package dev.goldenfive.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Our own files are served under /assets only, by names that change with their content; other paths are never files. */
@GoldenfiveTest
class AssetsTest {

    private static final Pattern STYLESHEET = Pattern.compile("href=\"(/assets/css/app-[0-9a-f]{32}\\.css)\"");

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void pagesLinkTheStylesheetByItsContentAndItIsServedFromThere() throws Exception {
        Matcher link = STYLESHEET.matcher(get("/login").body());
        assertThat(link.find()).as("a link named by the file's content").isTrue();

        HttpResponse<String> css = get(link.group(1));
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/css"));
        assertThat(css.body()).contains(".stage-steps");
        assertThat(get("/assets/js/app.js").statusCode()).as("the plain name too").isEqualTo(200);
    }

    @Test
    void aFileOfOursIsNotServedOutsideAssets() throws Exception {
        HttpResponse<String> outside = get("/css/app.css");
        assertThat(outside.statusCode()).isIn(302, 404);
        assertThat(outside.body()).doesNotContain(".stage-steps");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
