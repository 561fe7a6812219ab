package dev.goldenfive.security;

import java.util.EnumSet;
import java.util.UUID;

import jakarta.servlet.http.Cookie;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.SignedIn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The audit and a person's teams as administrators see them on the pages. */
@GoldenfiveTest
class AuditPageTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    @Test
    void anAdministratorSeesSignInsAndChangesFilteredByPersonAndExportsThem() throws Exception {
        Cookie admin = SignedIn.as(Role.ADMIN, mvc, accounts);
        String name = "t" + UUID.randomUUID().toString().substring(0, 8);
        long id = accounts.create(name, null, "long enough passphrase 1", EnumSet.of(Role.RESPONDER)).id();

        mvc.perform(post("/admin/users/" + id + "/teams").param("teams", "Payments, storage").with(csrf()).cookie(admin))
                .andExpect(status().is3xxRedirection());
        assertThat(accounts.get(id).teams()).containsExactly("payments", "storage");

        String page = mvc.perform(get("/admin/audit").param("person", name).cookie(admin))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("person.created", "person.teams", "[payments, storage]");
        assertThat(page).doesNotContain("sign-in</td>");

        String failed = mvc.perform(get("/admin/audit").param("action", "sign-in").param("outcome", "SUCCESS").cookie(admin))
                .andReturn().getResponse().getContentAsString();
        assertThat(failed).contains("sign-in</td>").doesNotContain("person.created");

        mvc.perform(get("/admin/audit/export").param("person", name).cookie(admin))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith("application/x-ndjson"));
    }

    @Test
    void aTeamTooLongComesBackOnTheFormAndNobodyButAdministratorsSeesTheAudit() throws Exception {
        Cookie admin = SignedIn.as(Role.ADMIN, mvc, accounts);
        Cookie manager = SignedIn.as(Role.MANAGER, mvc, accounts);
        long id = accounts.create("t" + UUID.randomUUID().toString().substring(0, 8), null, "long enough passphrase 1",
                EnumSet.of(Role.RESPONDER)).id();

        String page = mvc.perform(post("/admin/users/" + id + "/teams").param("teams", "x".repeat(101)).with(csrf()).cookie(admin))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("each team must be 1–100 printable characters");
        assertThat(accounts.get(id).teams()).isEmpty();

        assertThat(mvc.perform(get("/admin/audit").param("from", "yesterday").cookie(admin)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString()).contains("Not a day (YYYY-MM-DD), so left out of the filter: yesterday");
        mvc.perform(get("/admin/audit").cookie(manager)).andExpect(status().isForbidden());
    }
}
