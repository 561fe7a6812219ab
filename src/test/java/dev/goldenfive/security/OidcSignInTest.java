package dev.goldenfive.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Eventually;
import dev.goldenfive.InChromium;
import testidp.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing in with the company's OpenID provider (a real one, Spring Authorization Server, over HTTP) in Chromium:
 * the code flow with PKCE, the provider's groups becoming roles and teams, and a person the provider disables
 * refused at once, and signed out with their tokens stopped at the next check.
 */
@IdentityProviders.Test
class OidcSignInTest extends InChromium {

    private static final TestIdentityProvider PROVIDER = IdentityProviders.PROVIDER;
    private static final String PASSWORD = "provider-password-123";

    @LocalServerPort
    int port;

    @Autowired
    UserAccounts accounts;

    @Autowired
    ApiTokens tokens;

    @Autowired
    Audit audit;

    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void theProviderKnowsGoldenfive() {
        // 127.0.0.1, not localhost: the provider sends people back only to an address of loopback, not a name
        PROVIDER.allowRedirectTo(app("/login/oauth2/code/oidc"));
    }

    @Test
    void aPersonSignsInThroughTheCodeFlowWithPkceAndHoldsTheRolesAndTeamsOfTheirGroups() {
        String name = unique("alice");
        PROVIDER.person(name, PASSWORD, List.of("sre", "team-Payments", "unrelated"));

        signInAtProvider(name);

        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlToBe(app("/")));
        assertThat(browser.findElement(By.cssSelector("main h1")).isDisplayed()).isTrue();
        Map<String, String[]> asked = PROVIDER.authorizationRequests().getLast();
        assertThat(asked.get("code_challenge")).as("PKCE's challenge in the authorization request").isNotNull();
        assertThat(asked.get("code_challenge_method")).containsExactly("S256");

        UserView person = accounts.findByUsername(name).orElseThrow();
        assertThat(person.source()).isEqualTo(Source.OIDC);
        assertThat(person.roles()).containsExactly(Role.RESPONDER);
        assertThat(person.teams()).containsExactly("payments");
        assertThat(person.email()).isEqualTo(name + "@example.test");
        assertThat(person.lastSignInAt()).isNotNull();
        assertThat(audit.search(new Audit.Query(name, "sign-in", AuditEvent.Outcome.SUCCESS, null, null, null), 10))
                .singleElement().satisfies(line -> {
                    assertThat(line.method()).isEqualTo("oidc");
                    assertThat(line.address()).isEqualTo("127.0.0.1");
                });
    }

    @Test
    void aPersonWhoseGroupsGiveNoRoleIsToldWhyAndNotCreated() {
        String name = unique("dave");
        PROVIDER.person(name, PASSWORD, List.of("marketing"));

        signInAtProvider(name);

        assertThat(shows(By.id("refused"), "none of your groups gives a role")).isTrue();
        assertThat(accounts.findByUsername(name)).isEmpty();
        assertThat(audit.search(new Audit.Query(name, "sign-in", AuditEvent.Outcome.FAILURE, null, null, null), 10))
                .singleElement().satisfies(line -> assertThat(line.detail()).containsEntry("reason", "no-role"));
    }

    @Test
    void aPersonDisabledAtTheProviderCannotSignIn() {
        String name = unique("carol");
        PROVIDER.person(name, PASSWORD, List.of("sre"));
        PROVIDER.disable(name);

        signInAtProvider(name);

        assertThat(new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("error")))
                .isTrue();
        assertThat(browser.getCurrentUrl()).startsWith(PROVIDER.issuer());
        assertThat(accounts.findByUsername(name)).isEmpty();
    }

    @Test
    void aPersonDisabledAtTheProviderAfterSigningInLosesTheirSessionAndTokensAtTheNextCheck() throws Exception {
        String name = unique("erin");
        PROVIDER.person(name, PASSWORD, List.of("sre"));
        signedInAtProvider(name);
        UserView person = accounts.findByUsername(name).orElseThrow();
        String token = tokens.issuePersonal(person.id(), "automation", null).token();
        assertThat(me(token)).isEqualTo(200);

        // groups changed at the provider reach the roles at the next check, with the session still open
        PROVIDER.groups(name, List.of("sre", "gf-admins"));
        assertThat(Eventually.holds(() -> accounts.findByUsername(name).orElseThrow().roles().contains(Role.ADMIN),
                Duration.ofSeconds(15))).as("ADMIN from the new group").isTrue();
        browser.get(app("/admin/users"));
        assertThat(browser.findElement(By.cssSelector("main h1")).getText()).isNotBlank();
        assertThat(browser.getCurrentUrl()).isEqualTo(app("/admin/users"));

        PROVIDER.disable(name);

        assertThat(Eventually.holds(() -> !accounts.findByUsername(name).orElseThrow().enabled(), Duration.ofSeconds(15)))
                .as("disabled at the next check").isTrue();
        assertThat(accounts.findByUsername(name).orElseThrow().disabledBy()).isEqualTo("PROVIDER");
        assertThat(me(token)).isEqualTo(401);
        browser.get(app("/"));
        assertThat(browser.getCurrentUrl()).contains("/login?expired");
        assertThat(audit.search(new Audit.Query(name, "person.disabled", null, null, null, null), 10))
                .singleElement().satisfies(line -> assertThat(line.detail()).containsEntry("by", "provider"));
    }

    @Test
    void aPersonTheCheckCannotAskAboutKeepsWorkingTokensOnlyForTwoCheckIntervalsAfterSigningIn() throws Exception {
        String name = unique("gail");
        PROVIDER.person(name, PASSWORD, List.of("sre"));
        signedInAtProvider(name);
        long id = accounts.findByUsername(name).orElseThrow().id();
        String token = tokens.issuePersonal(id, "automation", null).token();
        // as when the provider gave no refresh token, or it was kept under a client secret since changed
        jdbc.sql("update app_user set refresh_token = null where id = :id").param("id", id).update();

        assertThat(me(token)).as("just signed in").isEqualTo(200);
        assertThat(Eventually.holds(() -> {
            try {
                return me(token) == 401;
            }
            catch (Exception ex) {
                return false;
            }
        }, Duration.ofSeconds(15))).as("refused once two check intervals (4 s here) have passed").isTrue();
        assertThat(accounts.findByUsername(name).orElseThrow().enabled()).as("not disabled: nobody said they left").isTrue();
    }

    @Test
    void aPersonAnAdministratorDisabledHereCannotSignInThroughTheProvider() {
        String name = unique("frank");
        PROVIDER.person(name, PASSWORD, List.of("sre"));
        signedInAtProvider(name);
        accounts.setEnabled(accounts.findByUsername(name).orElseThrow().id(), false);
        browser.manage().deleteAllCookies();

        browser.get(app("/login"));
        browser.findElement(By.id("sign-in-provider")).click();

        assertThat(shows(By.id("refused"), "An administrator has disabled your account")).isTrue();
    }

    @Test
    void theLoginPageOffersTheProviderAndTheDirectoryButNoLocalPasswords() {
        browser.get(app("/login"));

        assertThat(browser.findElement(By.id("sign-in-provider")).getText()).isEqualTo("Sign in with Example SSO");
        assertThat(browser.findElements(By.id("password"))).as("the directory's people use the form").hasSize(1);
    }

    /** Through the provider, back on goldenfive's dashboard. */
    private void signedInAtProvider(String name) {
        signInAtProvider(name);
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlToBe(app("/")));
    }

    /** From goldenfive's login page to the provider's form, and back. */
    private void signInAtProvider(String name) {
        browser.get(app("/login"));
        browser.findElement(By.id("sign-in-provider")).click();
        var wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.urlContains(PROVIDER.issuer() + "/login"));
        browser.findElement(By.id("username")).sendKeys(name);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        var form = browser.findElement(By.tagName("html"));
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.stalenessOf(form));
    }

    private boolean shows(By where, String text) {
        return new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.textToBePresentInElementLocated(where, text));
    }

    private int me(String token) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(app("/api/v1/me"))).header("Authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    private String app(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 6);
    }
}
