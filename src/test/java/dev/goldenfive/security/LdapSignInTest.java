package dev.goldenfive.security;

import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.Cookie;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import dev.goldenfive.Eventually;
import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Signing in with the company's directory (a real LDAP server, UnboundID's, on a loopback port): a bind as the
 * person, their groups looked up and mapped by the same rules as OpenID Connect, and a person removed from the
 * directory disabled at the next check. Local passwords are off in this configuration.
 */
@IdentityProviders.Test
class LdapSignInTest {

    private static final TestDirectory DIRECTORY = IdentityProviders.DIRECTORY;
    private static final String PASSWORD = "directory-password-42";
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    @Autowired
    Audit audit;

    @Autowired
    MeterRegistry meters;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aPersonSignsInWithTheirDirectoryPasswordAndHoldsTheRolesAndTeamsOfTheirGroups() throws Exception {
        String uid = unique("carol");
        DIRECTORY.person(uid, "Carol Chen", PASSWORD, "sre", "team-storage");

        signIn(uid, PASSWORD).andExpect(redirectedUrl("/"));

        UserView person = accounts.findByUsername(uid).orElseThrow();
        assertThat(person.source()).isEqualTo(Source.LDAP);
        assertThat(person.displayName()).isEqualTo("Carol Chen");
        assertThat(person.email()).isEqualTo(uid + "@example.test");
        assertThat(person.roles()).containsExactly(Role.RESPONDER);
        assertThat(person.teams()).containsExactly("storage");
        assertThat(audit.search(new Audit.Query(uid, "sign-in", AuditEvent.Outcome.SUCCESS, null, null, null), 10))
                .singleElement().satisfies(line -> assertThat(line.method()).isEqualTo("ldap"));

        // their roles, teams and password are the directory's: an administrator is told so, and nothing changes
        mvc.perform(patch("/api/v1/people/" + uid).header("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN)
                        .contentType("application/json").content("{\"roles\":[\"ADMIN\"]}"))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("follows the identity provider")));
        mvc.perform(post("/api/v1/people/" + uid + "/password").header("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN)
                        .contentType("application/json").content("{\"password\":\"a long enough new one 7\"}"))
                .andExpect(status().isBadRequest());
        assertThat(accounts.findByUsername(uid).orElseThrow().roles()).containsExactly(Role.RESPONDER);

        // typed in capitals, the same entry: the same person, not a second one refused for the name
        signIn(uid.toUpperCase(), PASSWORD).andExpect(redirectedUrl("/"));
        assertThat(accounts.list().stream().filter(p -> p.username().equals(uid))).hasSize(1);
    }

    @Test
    void aPersonWhoseEntryMovedInTheDirectoryStaysOnePerson() throws Exception {
        String uid = unique("hank");
        DIRECTORY.person(uid, "Hank Hill", PASSWORD, "sre");
        signIn(uid, PASSWORD).andExpect(redirectedUrl("/"));
        long id = accounts.findByUsername(uid).orElseThrow().id();
        // as goldenfive knew them before their entry moved (another OU): the directory now gives another DN
        jdbc.sql("update app_user set external_id = :old where id = :id")
                .param("old", "uid=" + uid + ",ou=former-staff,dc=example,dc=test").param("id", id).update();

        signIn(uid, PASSWORD).andExpect(redirectedUrl("/"));

        assertThat(accounts.findByUsername(uid).orElseThrow().id()).isEqualTo(id);
        assertThat(jdbc.sql("select external_id from app_user where id = :id").param("id", id).query(String.class).single())
                .isEqualTo(TestDirectory.dnOf(uid));
        assertThat(audit.search(new Audit.Query(uid, "person.moved", null, null, null, null), 10)).hasSize(1);
    }

    @Test
    void aWrongDirectoryPasswordFailsAndIsAudited() throws Exception {
        String uid = unique("dan");
        DIRECTORY.person(uid, "Dan Doe", PASSWORD, "sre");

        signIn(uid, "not-the-password").andExpect(redirectedUrl("/login?error"));

        assertThat(accounts.findByUsername(uid)).isEmpty();
        assertThat(meters.counter("goldenfive.sign.ins", "method", "ldap", "outcome", "failure").count()).isPositive();
        assertThat(audit.search(new Audit.Query(uid, "sign-in", AuditEvent.Outcome.FAILURE, null, null, null), 10))
                .singleElement().satisfies(line -> {
                    assertThat(line.method()).isEqualTo("ldap");
                    assertThat(line.detail()).containsEntry("reason", "bad-credentials");
                    assertThat(line.address()).startsWith("10.7.");
                });
    }

    @Test
    void aDirectoryPersonWithoutAGroupThatGivesARoleIsRefusedSayingWhy() throws Exception {
        String uid = unique("erin");
        DIRECTORY.person(uid, "Erin Example", PASSWORD, "team-storage");

        signIn(uid, PASSWORD).andExpect(redirectedUrl("/login?refused=no-role"));

        assertThat(accounts.findByUsername(uid)).isEmpty();
    }

    @Test
    void aLocalAccountCannotSignInWithItsPasswordWhilePasswordSignInIsOff() throws Exception {
        String name = unique("local");
        accounts.create(name, null, PASSWORD, EnumSet.of(Role.RESPONDER));

        signIn(name, PASSWORD).andExpect(redirectedUrl("/login?error"));

        assertThat(audit.search(new Audit.Query(name, "sign-in", AuditEvent.Outcome.FAILURE, null, null, null), 10))
                .singleElement().satisfies(line -> assertThat(line.method()).isEqualTo("password"));
    }

    @Test
    void aPersonRemovedFromTheDirectoryIsDisabledAtTheNextCheckAndTheirSessionEnds() throws Exception {
        String uid = unique("gina");
        DIRECTORY.person(uid, "Gina Gray", PASSWORD, "sre");
        Cookie session = signIn(uid, PASSWORD).andExpect(redirectedUrl("/")).andReturn().getResponse().getCookie("SESSION");
        assertThat(mvc.perform(get("/").cookie(session)).andReturn().getResponse().getRedirectedUrl()).as("signed in").isNull();

        DIRECTORY.remove(uid);

        assertThat(Eventually.holds(() -> !accounts.findByUsername(uid).orElseThrow().enabled(), Duration.ofSeconds(15)))
                .as("disabled at the next check").isTrue();
        mvc.perform(get("/").cookie(session)).andExpect(redirectedUrl("/login?expired"));
        signIn(uid, PASSWORD).andExpect(redirectedUrl("/login?error"));
    }

    private ResultActions signIn(String username, String password) throws Exception {
        int address = ADDRESSES.incrementAndGet();
        return mvc.perform(post("/login").param("username", username).param("password", password).with(csrf())
                .with(request -> {
                    request.setRemoteAddr("10.7." + address / 250 + "." + address % 250);
                    return request;
                }));
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 6);
    }
}
