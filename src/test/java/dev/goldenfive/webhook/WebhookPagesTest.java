package dev.goldenfive.webhook;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.SignedIn;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@GoldenfiveTest
class WebhookPagesTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    @Test
    void anAdministratorAddsAWebhookSeesItsSecretOnceAndReadsItsLog() throws Exception {
        Cookie admin = SignedIn.as(Role.ADMIN, mvc, accounts);

        String page = mvc.perform(post("/admin/webhooks").cookie(admin).with(csrf()).param("name", "status page")
                        .param("url", "http://127.0.0.1:9/status-page").param("events", "incident.resolved"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String refused = mvc.perform(post("/admin/webhooks").cookie(admin).with(csrf()).param("name", "bad").param("url", "ftp://files.example.com/"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).containsPattern("whsec_[A-Za-z0-9_-]{43}").contains("status page").contains("incident.resolved");
        assertThat(refused).contains("must be an http or https URL");
        String list = mvc.perform(get("/admin/webhooks").cookie(admin)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(list).doesNotContainPattern("whsec_[A-Za-z0-9_-]{43}");
        String id = list.replaceAll("(?s).*href=\"/admin/webhooks/(\\d+)\".*", "$1");
        assertThat(mvc.perform(get("/admin/webhooks/" + id).cookie(admin)).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString()).contains("Nothing sent yet");
        mvc.perform(get("/admin/webhooks").cookie(SignedIn.as(Role.RESPONDER, mvc, accounts))).andExpect(status().isForbidden());
        // no messages for it once other tests resolve incidents
        mvc.perform(post("/admin/webhooks/" + id + "/delete").cookie(admin).with(csrf())).andExpect(status().is3xxRedirection());
    }

    @Test
    void theListAndTheLogShowAWebhooksUrlWithoutItsCredentials() throws Exception {
        Cookie admin = SignedIn.as(Role.ADMIN, mvc, accounts);
        String created = mvc.perform(post("/admin/webhooks").cookie(admin).with(csrf()).param("name", "chat with basic auth")
                        .param("url", "http://hook-user:hook-pass@127.0.0.1:9/chat").param("events", "incident.resolved"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String id = created.replaceAll("(?s).*href=\"/admin/webhooks/(\\d+)\".*", "$1");
        try {
            String list = mvc.perform(get("/admin/webhooks").cookie(admin)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
            String log = mvc.perform(get("/admin/webhooks/" + id).cookie(admin)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

            assertThat(list).contains("http://***@127.0.0.1:9/chat").doesNotContain("hook-pass").doesNotContain("hook-user");
            assertThat(log).contains("http://***@127.0.0.1:9/chat").doesNotContain("hook-pass").doesNotContain("hook-user");
        }
        finally {
            mvc.perform(post("/admin/webhooks/" + id + "/delete").cookie(admin).with(csrf())).andExpect(status().is3xxRedirection());
        }
    }

    @Test
    void theFormNamesTheRefusedAddressOfACloudMetadataUrl() throws Exception {
        String page = mvc.perform(post("/admin/webhooks").cookie(SignedIn.as(Role.ADMIN, mvc, accounts)).with(csrf())
                        .param("name", "metadata").param("url", "http://169.254.169.254/latest/meta-data"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("169.254.169.254 is a cloud metadata address").doesNotContainPattern("whsec_[A-Za-z0-9_-]{43}");
    }
}
