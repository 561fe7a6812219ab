package dev.goldenfive.alert;

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
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@GoldenfiveTest
class AlertRoutePagesTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    @Autowired
    AlertRoutes routes;

    @Test
    void anAdministratorEditsTheRulesAsYamlAndAWrongRuleComesBackWithItsField() throws Exception {
        Cookie admin = SignedIn.as(Role.ADMIN, mvc, accounts);
        String yaml = """
                routes:
                  - name: build
                    match: {team: build}
                    service: "${service}"
                    environment: "${env}"
                    severity: SEV1
                    runbook: go-module-download
                    resolve: true
                  - name: quiet
                    match: {team: "quiet*"}
                    service: "quiet-${alertname}"
                    environment: staging
                """;

        mvc.perform(post("/admin/alert-routes").cookie(admin).with(csrf()).param("document", yaml))
                .andExpect(redirectedUrl("/admin/alert-routes"));
        String refused = mvc.perform(post("/admin/alert-routes").cookie(admin).with(csrf())
                        .param("document", "routes:\n  - name: x\n    severity: SEV9\n"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String page = mvc.perform(get("/admin/alert-routes").cookie(admin)).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();

        assertThat(routes.list()).extracting(AlertRoute::name).containsExactly("build", "quiet");
        assertThat(refused).contains("were not saved").contains("severity").contains("routes:\n  - name: x");
        assertThat(page).contains("team=build").contains("quiet-${alertname}");
        mvc.perform(get("/admin/alert-routes").cookie(SignedIn.as(Role.MANAGER, mvc, accounts))).andExpect(status().isForbidden());
    }
}
