package dev.goldenfive.security;

import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The browser chain: sign-in, sessions, CSRF, throttling, roles and the admin pages. */
@GoldenfiveTest
class BrowserAccessTest {

    static final String PASSWORD = "correct horse battery";

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aPageWithoutASessionRedirectsToTheLoginPage() throws Exception {
        mvc.perform(get("/")).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
        mvc.perform(get("/admin/users")).andExpect(status().isFound());
    }

    @Test
    void theLoginPageIsInOurLayoutAndCarriesTheSecurityHeaders() throws Exception {
        mvc.perform(get("/login"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("goldenfive")))
                .andExpect(content().string(containsString("name=\"_csrf\"")))
                .andExpect(header().string("Content-Security-Policy",
                        org.hamcrest.Matchers.startsWith("default-src 'self'; script-src 'self'")))
                .andExpect(header().string("Content-Security-Policy",
                        org.hamcrest.Matchers.containsString("frame-ancestors 'none'")))
                .andExpect(header().string("Referrer-Policy", "same-origin"))
                .andExpect(header().string("X-Frame-Options", "DENY"));
    }

    @Test
    void theAdminSignsInWithThePasswordFromTheEnvironmentAndSeesTheAdminNavigation() throws Exception {
        Cookie session = signIn("admin", GoldenfiveTest.ADMIN_PASSWORD, "10.0.0.1");

        String home = mvc.perform(get("/").cookie(session)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(home).contains("href=\"/admin/users\"").contains("admin").contains("Sign out");
    }

    @Test
    void aResponderSeesNoAdminNavigationAndIsForbiddenFromAdminPages() throws Exception {
        String name = newUser(EnumSet.of(Role.RESPONDER));
        Cookie session = signIn(name, PASSWORD, "10.0.0.2");

        String home = mvc.perform(get("/").cookie(session)).andReturn().getResponse().getContentAsString();
        assertThat(home).doesNotContain("/admin/users");
        mvc.perform(get("/admin/users").cookie(session)).andExpect(status().isForbidden());
    }

    @Test
    void aWrongPasswordShowsTheLoginPageAgainWithAMessage() throws Exception {
        String name = newUser(EnumSet.of(Role.RESPONDER));

        mvc.perform(login(name, "wrong password!", "10.0.0.3")).andExpect(redirectedUrl("/login?error"));

        mvc.perform(get("/login?error"))
                .andExpect(content().string(containsString("Wrong user name or password")));
    }

    @Test
    void repeatedFailuresBlockThatUserNameEvenWithTheRightPasswordButNotOtherUsers() throws Exception {
        String victim = newUser(EnumSet.of(Role.RESPONDER));
        String bystander = newUser(EnumSet.of(Role.RESPONDER));
        for (int i = 0; i < 5; i++) {
            mvc.perform(login(victim, "guess number " + i, "10.1.0." + i)).andExpect(redirectedUrl("/login?error"));
        }

        String blocked = mvc.perform(login(victim, PASSWORD, "10.1.0.99")).andReturn().getResponse().getRedirectedUrl();
        assertThat(blocked).matches("/login\\?error&retryAfter=(29|30)");
        String page = mvc.perform(get(blocked)).andReturn().getResponse().getContentAsString();
        assertThat(page).containsPattern("Too many failed sign-ins. Try again in (29|30) seconds.");

        signIn(bystander, PASSWORD, "10.1.0.100");
    }

    @Test
    void repeatedFailuresFromOneAddressBlockThatAddressForEveryUserName() throws Exception {
        String address = "10.2.0.1";
        for (int i = 0; i < 20; i++) {
            mvc.perform(login("nobody" + i, "guess", address));
        }
        String name = newUser(EnumSet.of(Role.RESPONDER));

        assertThat(mvc.perform(login(name, PASSWORD, address)).andReturn().getResponse().getRedirectedUrl())
                .startsWith("/login?error&retryAfter=");
        signIn(name, PASSWORD, "10.2.0.2");
    }

    @Test
    void aHugeUserNameIsAWrongSignInNotAServerError() throws Exception {
        mvc.perform(login("a".repeat(50_000), "wrong password!", "10.2.0.3")).andExpect(redirectedUrl("/login?error"));
    }

    @Test
    void anAdministratorsPasswordResetLiftsTheBlockOnThatUserName() throws Exception {
        String name = newUser(EnumSet.of(Role.RESPONDER));
        for (int i = 0; i < 5; i++) {
            mvc.perform(login(name, "guess number " + i, "10.2.1." + i));
        }
        accounts.resetPassword(accounts.findByUsername(name).orElseThrow().id(), "a brand new password");

        signIn(name, "a brand new password", "10.2.1.99");
    }

    @Test
    void aNulCharacterInAFormIsAClientErrorNotAServerError() throws Exception {
        mvc.perform(login("ad\u0000min", PASSWORD, "10.0.0.20")).andExpect(status().isBadRequest());
    }

    @Test
    void aFormWithoutTheCsrfTokenIsRefused() throws Exception {
        Cookie session = signIn("admin", GoldenfiveTest.ADMIN_PASSWORD, "10.0.0.4");

        mvc.perform(post("/account/tokens").cookie(session).param("name", "x")).andExpect(status().isForbidden());
    }

    @Test
    void theAdminCreatesAUserWhoCanThenSignIn() throws Exception {
        Cookie admin = signIn("admin", GoldenfiveTest.ADMIN_PASSWORD, "10.0.0.5");
        String name = "new" + UUID.randomUUID().toString().substring(0, 6);

        mvc.perform(post("/admin/users").cookie(admin).with(csrf())
                        .param("username", name).param("displayName", "New Person")
                        .param("password", PASSWORD).param("roles", "RESPONDER", "MANAGER"))
                .andExpect(status().isFound());

        assertThat(accounts.findByUsername(name)).hasValueSatisfying(u ->
                assertThat(u.roles()).containsExactlyInAnyOrder(Role.RESPONDER, Role.MANAGER));
        signIn(name, PASSWORD, "10.0.0.6");
    }

    @Test
    void anInvalidNewUserFormIsShownAgainWithAMessageBesideEachField() throws Exception {
        Cookie admin = signIn("admin", GoldenfiveTest.ADMIN_PASSWORD, "10.0.0.7");

        String page = mvc.perform(post("/admin/users").cookie(admin).with(csrf())
                        .param("username", "a b").param("password", "short"))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();

        assertThat(page).contains("must be 2–64 characters").contains("must be 12 to 72 characters")
                .contains("choose at least one role").contains("value=\"a b\"");
    }

    @Test
    void aTakenUserNameIsRefusedOnTheForm() throws Exception {
        Cookie admin = signIn("admin", GoldenfiveTest.ADMIN_PASSWORD, "10.0.0.8");

        String page = mvc.perform(post("/admin/users").cookie(admin).with(csrf())
                        .param("username", "ADMIN").param("password", PASSWORD).param("roles", "RESPONDER"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("is already taken");
    }

    @Test
    void disablingAUserEndsTheirSessionsForGoodEvenWhenTheyAreEnabledAgain() throws Exception {
        String name = newUser(EnumSet.of(Role.RESPONDER));
        Cookie session = signIn(name, PASSWORD, "10.0.0.9");
        Cookie admin = signIn("admin", GoldenfiveTest.ADMIN_PASSWORD, "10.0.0.10");
        long id = accounts.findByUsername(name).orElseThrow().id();

        mvc.perform(post("/admin/users/" + id + "/enabled").cookie(admin).with(csrf()).param("enabled", "false"))
                .andExpect(status().isFound());

        mvc.perform(login(name, PASSWORD, "10.0.0.9")).andExpect(redirectedUrl("/login?error"));
        mvc.perform(post("/admin/users/" + id + "/enabled").cookie(admin).with(csrf()).param("enabled", "true"))
                .andExpect(status().isFound());

        // enabled again, the person signs in anew: the session left open meanwhile does not come back
        mvc.perform(get("/").cookie(session)).andExpect(redirectedUrl("/login?expired"));
    }

    @Test
    void resettingAPasswordEndsTheUsersSessionsAndTheNewPasswordWorks() throws Exception {
        String name = newUser(EnumSet.of(Role.RESPONDER));
        Cookie session = signIn(name, PASSWORD, "10.0.0.11");
        Cookie admin = signIn("admin", GoldenfiveTest.ADMIN_PASSWORD, "10.0.0.12");
        long id = accounts.findByUsername(name).orElseThrow().id();

        mvc.perform(post("/admin/users/" + id + "/password").cookie(admin).with(csrf())
                .param("password", "another long password")).andExpect(status().isFound());

        mvc.perform(get("/").cookie(session)).andExpect(redirectedUrl("/login?expired"));
        signIn(name, "another long password", "10.0.0.11");
    }

    @Test
    void changedRolesApplyToAnOpenSessionAtOnce() throws Exception {
        String name = newUser(EnumSet.of(Role.RESPONDER));
        Cookie session = signIn(name, PASSWORD, "10.0.0.13");
        mvc.perform(get("/admin/users").cookie(session)).andExpect(status().isForbidden());

        accounts.changeRoles(accounts.findByUsername(name).orElseThrow().id(), EnumSet.of(Role.ADMIN));

        mvc.perform(get("/admin/users").cookie(session)).andExpect(status().isOk());
    }

    @Test
    void theLastEnabledAdminCannotBeDisabledOrLoseTheAdminRole() throws Exception {
        Cookie admin = signIn("admin", GoldenfiveTest.ADMIN_PASSWORD, "10.0.0.14");
        // other tests may have made admins; leave exactly one
        accounts.list().stream().filter(u -> u.roles().contains(Role.ADMIN) && !u.username().equals("admin"))
                .forEach(u -> accounts.changeRoles(u.id(), EnumSet.of(Role.RESPONDER)));
        long id = accounts.findByUsername("admin").orElseThrow().id();

        String page = mvc.perform(post("/admin/users/" + id + "/enabled").cookie(admin).with(csrf())
                        .param("enabled", "false"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("no enabled administrator");
        mvc.perform(post("/admin/users/" + id + "/roles").cookie(admin).with(csrf()).param("roles", "RESPONDER"))
                .andExpect(status().isOk());

        assertThat(accounts.get(id).enabled()).isTrue();
        assertThat(accounts.get(id).roles()).contains(Role.ADMIN);
    }

    @Test
    void aUserCreatesAPersonalTokenOnTheAccountPageAndSeesItOnceWithoutItEnteringTheSession() throws Exception {
        String name = newUser(EnumSet.of(Role.RESPONDER));
        Cookie session = signIn(name, PASSWORD, "10.0.0.15");

        String shown = mvc.perform(post("/account/tokens").cookie(session).with(csrf())
                        .param("name", "my laptop").param("expiresInDays", "30"))
                .andExpect(status().isOk())
                .andExpect(header().string("Cache-Control", containsString("no-store")))
                .andReturn().getResponse().getContentAsString();
        String again = mvc.perform(get("/account").cookie(session)).andReturn().getResponse().getContentAsString();

        Matcher secret = Pattern.compile("gfu_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}").matcher(shown);
        assertThat(secret.find()).as("the secret on the page").isTrue();
        assertThat(shown).contains("my laptop");
        assertThat(again).doesNotContainPattern("gfu_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}").contains("my laptop");
        assertThat(storedSessionsContaining(secret.group())).as("stored sessions holding the secret").isZero();
    }

    @Test
    void aValueOfTheWrongTypeIsShownBesideItsFieldInPlainWords() throws Exception {
        Cookie session = signIn(newUser(EnumSet.of(Role.RESPONDER)), PASSWORD, "10.0.0.20");

        String page = mvc.perform(post("/account/tokens").cookie(session).with(csrf())
                        .param("name", "laptop").param("expiresInDays", "soon"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("must be a whole number").doesNotContain("Failed to convert");
    }

    @Test
    void theAdminRegistersAnAgentOnTheAgentsPageAndSeesItsTokenOnce() throws Exception {
        Cookie admin = signIn("admin", GoldenfiveTest.ADMIN_PASSWORD, "10.0.0.16");

        String shown = mvc.perform(post("/admin/agents").cookie(admin).with(csrf()).param("name", "probe-eu-west")
                        .param("labels", "environment=prod\nsite=fra1\nnetwork="))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        Matcher secret = Pattern.compile("gfa_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}").matcher(shown);
        assertThat(secret.find()).as("the secret on the page").isTrue();
        assertThat(shown).contains("probe-eu-west").contains("site=fra1").contains("goldenfive-probe.sh");
        assertThat(storedSessionsContaining(secret.group())).as("stored sessions holding the secret").isZero();
        String blank = mvc.perform(post("/admin/agents").cookie(admin).with(csrf()).param("name", " "))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(blank).contains("must not be blank");
        String badLabels = mvc.perform(post("/admin/agents").cookie(admin).with(csrf()).param("name", "probe-x").param("labels", "no equals sign"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(badLabels).contains("is not name=value");
    }

    @Test
    void aUserChangesTheirOwnPasswordOnlyWithTheCurrentOneAndStaysSignedIn() throws Exception {
        String name = newUser(EnumSet.of(Role.RESPONDER));
        Cookie session = signIn(name, PASSWORD, "10.0.0.17");

        String wrong = mvc.perform(post("/account/password").cookie(session).with(csrf())
                        .param("currentPassword", "not my password").param("newPassword", "a brand new password"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(wrong).contains("is not your current password");

        Cookie renewed = mvc.perform(post("/account/password").cookie(session).with(csrf())
                        .param("currentPassword", PASSWORD).param("newPassword", "a brand new password"))
                .andExpect(redirectedUrl("/account")).andReturn().getResponse().getCookie("SESSION");
        assertThat(renewed).as("a new session id after the change").isNotNull();
        assertThat(renewed.getValue()).isNotEqualTo(session.getValue());
        mvc.perform(get("/").cookie(renewed)).andExpect(status().isOk());
        mvc.perform(get("/").cookie(session)).andExpect(status().isFound());
        signIn(name, "a brand new password", "10.0.0.17");
    }

    @Test
    void theAccountPageRefusesAWeakPasswordAndTheCurrentOneAgain() throws Exception {
        String name = newUser(EnumSet.of(Role.RESPONDER));
        Cookie session = signIn(name, PASSWORD, "10.0.0.21");

        String common = changeOwnPassword(session, PASSWORD, "Password1234!", "10.0.0.21");
        String same = changeOwnPassword(session, PASSWORD, PASSWORD, "10.0.0.21");
        String ownName = changeOwnPassword(session, PASSWORD, name + "-" + name + "!", "10.0.0.21");

        assertThat(common).contains("is too easy to guess");
        assertThat(same).contains("must differ from the current password");
        assertThat(ownName).contains("must not be made of the user name");
    }

    @Test
    void wrongCurrentPasswordsOnTheAccountPageBlockThatUserNameLikeFailedSignIns() throws Exception {
        String name = newUser(EnumSet.of(Role.RESPONDER));
        Cookie session = signIn(name, PASSWORD, "10.0.0.22");
        for (int i = 0; i < 5; i++) {
            assertThat(changeOwnPassword(session, "guess number " + i, "a brand new password", "10.0.0.22"))
                    .contains("is not your current password");
        }

        String blocked = changeOwnPassword(session, PASSWORD, "a brand new password", "10.0.0.22");

        assertThat(blocked).containsPattern("was tried wrongly too often; try again in (29|30) seconds");
        assertThat(mvc.perform(login(name, PASSWORD, "10.0.0.23")).andReturn().getResponse().getRedirectedUrl())
                .startsWith("/login?error&retryAfter=");
    }

    private String changeOwnPassword(Cookie session, String current, String next, String address) throws Exception {
        return mvc.perform(post("/account/password").cookie(session).with(csrf()).with(from(address))
                        .param("currentPassword", current).param("newPassword", next))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    @Test
    void anUnknownPageShowsTheErrorPageInTheLayout() throws Exception {
        Cookie session = signIn("admin", GoldenfiveTest.ADMIN_PASSWORD, "10.0.0.18");

        mvc.perform(get("/no/such/page").cookie(session).accept("text/html"))
                .andExpect(status().isNotFound());
    }

    @Test
    void signingOutEndsTheSession() throws Exception {
        String name = newUser(EnumSet.of(Role.RESPONDER));
        Cookie session = signIn(name, PASSWORD, "10.0.0.19");

        mvc.perform(post("/logout").cookie(session).with(csrf())).andExpect(redirectedUrl("/login?logout"));

        mvc.perform(get("/").cookie(session)).andExpect(status().isFound());
    }

    private int storedSessionsContaining(String text) {
        return jdbc.sql("select count(*) from spring_session_attributes where position(convert_to(?, 'UTF8') in attribute_bytes) > 0")
                .param(text).query(Integer.class).single();
    }

    private String newUser(Set<Role> roles) {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, null, PASSWORD, roles);
        return name;
    }

    private MockHttpServletRequestBuilder login(String username, String password, String address) {
        return post("/login").param("username", username).param("password", password).with(csrf()).with(from(address));
    }

    private Cookie signIn(String username, String password, String address) throws Exception {
        MvcResult result = mvc.perform(login(username, password, address)).andExpect(redirectedUrl("/")).andReturn();
        Cookie session = result.getResponse().getCookie("SESSION");
        assertThat(session).as("session cookie after signing in").isNotNull();
        return session;
    }

    private static RequestPostProcessor from(String address) {
        return request -> {
            request.setRemoteAddr(address);
            return request;
        };
    }
}
