package dev.goldenfive.runbook;

import java.util.UUID;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.SignedIn;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Runbook pages: everyone reads versions and differences; administrators import and edit. */
@GoldenfiveTest
class RunbookPagesTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    @Autowired
    Runbooks runbooks;

    @Test
    void aResponderReadsTheListAndAVersionWithItsStagesChecksAndRules() throws Exception {
        Cookie session = signIn(Role.RESPONDER);

        String list = mvc.perform(get("/runbooks").cookie(session)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        mvc.perform(get("/runbooks/go-module-download").cookie(session)).andExpect(redirectedUrl("/runbooks/go-module-download/versions/1"));
        String version = mvc.perform(get("/runbooks/go-module-download/versions/1").cookie(session))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(list).contains("Go module download failures").doesNotContain("Import runbook");
        assertThat(version).contains("Basic connectivity").contains("0–60 s").contains("go clean -modcache")
                .contains("The proxy&#39;s name resolves").contains("PROXY_CONFIGURATION").doesNotContain("/edit\"");
        mvc.perform(get("/runbooks/new").cookie(session)).andExpect(status().isForbidden());
        mvc.perform(post("/runbooks").cookie(session).with(csrf()).param("source", "key: x")).andExpect(status().isForbidden());
    }

    @Test
    void anAdminPublishesFromTheEditorAndSeesEachProblemAtItsLine() throws Exception {
        Cookie admin = signIn(Role.ADMIN);
        String key = "page-" + UUID.randomUUID().toString().substring(0, 8);
        String valid = RunbookDocumentTest.SHORT.replace("key: short", "key: " + key);

        String refused = mvc.perform(post("/runbooks").cookie(admin).with(csrf())
                        .param("source", valid.replace("startSeconds: 2", "startSeconds: 1")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        MvcResult published = mvc.perform(post("/runbooks").cookie(admin).with(csrf()).param("source", valid))
                .andExpect(redirectedUrl("/runbooks/" + key + "/versions/1")).andReturn();

        assertThat(refused).contains("Line 14").contains("stages[1].startSeconds").contains("id=\"line-14\" class=\"bad\"")
                .contains("startSeconds: 1");
        assertThat(published.getFlashMap().get("notice")).isEqualTo("runbook.published");
        assertThat(mvc.perform(get("/runbooks/" + key + "/edit").cookie(admin)).andReturn().getResponse().getContentAsString())
                .contains("key: " + key);
    }

    @Test
    void theDifferenceBetweenTwoVersionsShowsRemovedAndAddedLines() throws Exception {
        String key = "diff-" + UUID.randomUUID().toString().substring(0, 8);
        String v1 = RunbookDocumentTest.SHORT.replace("key: short", "key: " + key);
        runbooks.publish(v1, RunbookFormat.YAML, "admin");
        runbooks.publish(v1.replace("title: Look around", "title: Look around carefully"), RunbookFormat.YAML, "admin");

        String diff = mvc.perform(get("/runbooks/" + key + "/diff").param("from", "1").param("to", "2").cookie(signIn(Role.MANAGER)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(diff).contains("diff-removed").contains("diff-added").contains("title: Look around carefully")
                .contains("v1 → v2");
    }

    private Cookie signIn(Role role) throws Exception {
        return SignedIn.as(role, mvc, accounts);
    }
}
