package dev.goldenfive.security;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.test.web.support.WebTestUtils;
import org.springframework.web.context.WebApplicationContext;

import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Sessions hold only what a person's sign-in put there: never a token, never a request that carried one. */
@GoldenfiveTest
class SessionHygieneTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    /** Pages, paths that only look like the API, and paths outside both chains. */
    private static final List<String> PATHS = List.of("/", "/incidents", "/account", "/API/v1/me", "/api/v1/me/",
            "/v1/logs/", "/metrics", "/login", "/admin/users", "/logs?q=x");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    UserAccounts accounts;

    @Autowired
    ApiTokens tokens;

    @Autowired
    WebApplicationContext context;

    /**
     * MockMvc's {@code csrf()}, used by other tests of this shared application, swaps the browser chain's token
     * store for a session-based one of its own, for good; these tests speak real HTTP, so they put ours back.
     */
    @BeforeEach
    void theApplicationsOwnCsrfTokenStore() {
        restoreCsrfTokenStore(context);
    }

    /** Puts the application's own CSRF token store back into the browser chain (see above). */
    static void restoreCsrfTokenStore(WebApplicationContext context) {
        WebTestUtils.setCsrfTokenRepository(new MockHttpServletRequest(context.getServletContext()), new SessionOrCookieCsrfTokens());
    }

    @Test
    void requestsCarryingABearerTokenLeaveNoSessionAndNoTokenInTheSessionTables() throws Exception {
        String token = personalTokenOfANewUser();
        var http = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL)).build();
        long sessionsBefore = sessions();

        for (String path : PATHS) {
            var response = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(response.headers().allValues("Set-Cookie")).as(path).noneMatch(c -> c.startsWith("SESSION="));
        }

        assertThat(sessions()).isEqualTo(sessionsBefore);
        assertThat(sessionBytesContaining(token)).isZero();
        assertThat(sessionBytesContaining(GoldenfiveTest.ADMIN_TOKEN)).isZero();
    }

    @Test
    void anAnonymousVisitToTheLoginPageOrAPageCreatesNoSession() throws Exception {
        var http = HttpClient.newHttpClient();
        long sessionsBefore = sessions();

        for (String path : List.of("/login", "/", "/incidents/INC-1", "/admin/users")) {
            var response = http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(response.headers().allValues("Set-Cookie")).as(path).noneMatch(c -> c.startsWith("SESSION="));
        }

        assertThat(sessions()).isEqualTo(sessionsBefore);
    }

    @Test
    void afterSigningInThePersonLandsOnThePageTheyAskedFor() throws Exception {
        var browser = new Browser();
        var asked = browser.get("/logs?q=timeout");
        assertThat(asked.statusCode()).isEqualTo(302);

        var landed = browser.signIn(newUser(), SignedInPassword.VALUE);

        assertThat(landed.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/logs?q=timeout"));
    }

    @Test
    void aRequestWithATokenAndTheSessionCookieLeavesTheBrowserSignedIn() throws Exception {
        var browser = new Browser();
        browser.signIn(newUser(), SignedInPassword.VALUE);
        String session = browser.cookie("SESSION");
        assertThat(session).isNotNull();
        // older than the minute after which any request with the session renews it
        long lastAccessBefore = age(session);

        for (String path : PATHS) {
            var response = browser.send(HttpRequest.newBuilder(uri(path))
                    .header("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN));
            assertThat(response.headers().allValues("Set-Cookie")).as(path).noneMatch(c -> c.startsWith("SESSION="));
        }

        var withToken = browser.send(HttpRequest.newBuilder(uri("/account"))
                .header("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN));
        assertThat(withToken.statusCode()).as("the page is served as to someone without a session").isEqualTo(302);
        assertThat(lastAccess(session)).as("the session was not even renewed").isEqualTo(lastAccessBefore);

        assertThat(browser.cookie("SESSION")).isEqualTo(session);
        assertThat(browser.get("/account").statusCode()).isEqualTo(200);
        assertThat(sessionBytesContaining(GoldenfiveTest.ADMIN_TOKEN)).isZero();
    }

    @Test
    void aSessionIsWrittenWhenItsIdChangesButItsLastAccessOnlyOnceAMinute() throws Exception {
        var browser = new Browser();
        browser.get("/logs?q=timeout");
        String before = browser.cookie("SESSION");
        browser.signIn(newUser(), SignedInPassword.VALUE);
        String session = browser.cookie("SESSION");
        assertThat(session).as("signing in gives the session a new id").isNotEqualTo(before);
        assertThat(browser.get("/account").statusCode()).as("and that id was written").isEqualTo(200);
        long signedIn = lastAccess(session);

        assertThat(browser.get("/incidents").statusCode()).isEqualTo(200);
        assertThat(lastAccess(session)).as("read, not written, within the minute").isEqualTo(signedIn);

        long aged = age(session);
        assertThat(browser.get("/incidents").statusCode()).isEqualTo(200);
        assertThat(lastAccess(session)).as("renewed once the minute has passed").isGreaterThan(aged + 60_000);
    }

    @Test
    void aFormSentWithATokenThatNoLongerHoldsSaysTheFormExpiredNotThatTheRoleForbidsIt() throws Exception {
        var browser = new Browser();
        browser.signIn(newUser(), SignedInPassword.VALUE);

        var refused = browser.send(HttpRequest.newBuilder(uri("/account/tokens")).header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=late&expiresInDays=30&_csrf=from-a-page-long-gone")));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("This form has expired").doesNotContain("Your role does not allow");
    }

    @Test
    void behindATlsProxyTheSessionCookieIsSecureAndHstsIsSent() throws Exception {
        var behindProxy = new Browser("https");
        var signedIn = behindProxy.signIn(newUser(), SignedInPassword.VALUE);

        assertThat(signedIn.headers().allValues("Set-Cookie")).filteredOn(c -> c.startsWith("SESSION="))
                .singleElement().satisfies(c -> assertThat(c).contains("; Secure").contains("HttpOnly").contains("SameSite=Lax"));
        assertThat(signedIn.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(h -> assertThat(h).contains("max-age="));

        var plain = new Browser();
        var overHttp = plain.signIn(newUser(), SignedInPassword.VALUE);
        assertThat(overHttp.headers().allValues("Set-Cookie")).filteredOn(c -> c.startsWith("SESSION="))
                .singleElement().satisfies(c -> assertThat(c).doesNotContain("Secure"));
        assertThat(overHttp.headers().firstValue("Strict-Transport-Security")).isEmpty();
    }

    /** The password every user of these tests gets. */
    private static final class SignedInPassword {
        static final String VALUE = "violet kettle harbour 42";
    }

    private String newUser() {
        String name = "h" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, null, SignedInPassword.VALUE, EnumSet.of(Role.RESPONDER));
        return name;
    }

    private String personalTokenOfANewUser() {
        String name = newUser();
        long id = accounts.findByUsername(name).orElseThrow().id();
        return tokens.issuePersonal(id, "hygiene", null).token();
    }

    /** When the session behind a SESSION cookie (its id, base64) was last used, in milliseconds. */
    private long lastAccess(String cookie) {
        String id = new String(java.util.Base64.getDecoder().decode(cookie), StandardCharsets.UTF_8);
        return jdbc.sql("select last_access_time from spring_session where session_id = :id").param("id", id)
                .query(Long.class).single();
    }

    /** Moves the session's last access two minutes back, as if it had not been used since; returns the new value. */
    private long age(String cookie) {
        String id = new String(java.util.Base64.getDecoder().decode(cookie), StandardCharsets.UTF_8);
        jdbc.sql("update spring_session set last_access_time = last_access_time - 120000 where session_id = :id").param("id", id).update();
        return lastAccess(cookie);
    }

    private long sessions() {
        return jdbc.sql("select count(*) from spring_session").query(Long.class).single();
    }

    private long sessionBytesContaining(String secret) {
        return jdbc.sql("select count(*) from spring_session_attributes where position(:secret in attribute_bytes) > 0")
                .param("secret", secret.getBytes(StandardCharsets.UTF_8))
                .query(Long.class).single();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** A browser: keeps cookies, follows no redirects. */
    private final class Browser {

        private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).build();
        /** The scheme a proxy in front says the browser used ({@code X-Forwarded-Proto}), or null for none. */
        private final String forwardedProto;

        Browser() {
            this(null);
        }

        Browser(String forwardedProto) {
            this.forwardedProto = forwardedProto;
        }

        /** As a person navigating to a page. */
        HttpResponse<String> get(String path) throws Exception {
            return send(HttpRequest.newBuilder(uri(path)).header("Accept", "text/html,application/xhtml+xml"));
        }

        HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            if (forwardedProto != null) {
                request.header("X-Forwarded-Proto", forwardedProto);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (forwardedProto != null) {
                // java.net's cookie store keeps Secure cookies from http:// to itself; the test reads them from the header
                cookies.getCookieStore().getCookies().forEach(c -> c.setSecure(false));
            }
            return response;
        }

        HttpResponse<String> signIn(String username, String password) throws Exception {
            Matcher csrf = CSRF.matcher(get("/login").body());
            assertThat(csrf.find()).as("the login form carries a CSRF token").isTrue();
            String form = "username=" + username + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                    + "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
            var response = send(HttpRequest.newBuilder(uri("/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
            assertThat(response.statusCode()).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
            return response;
        }

        String cookie(String name) {
            return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                    .map(java.net.HttpCookie::getValue).findFirst().orElse(null);
        }
    }
}
