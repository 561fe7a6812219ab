package dev.goldenfive.oncall;

import java.util.Set;
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

@GoldenfiveTest
class SchedulePagesTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    @Test
    void anAdministratorWritesAScheduleInYamlAndResponderSeesWhoIsOnCallAndGetsACalendarLink() throws Exception {
        Cookie admin = SignedIn.as(Role.ADMIN, mvc, accounts);
        Cookie responder = SignedIn.as(Role.RESPONDER, mvc, accounts);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String person = "dana-" + suffix;
        accounts.create(person, person, "correct horse battery staple " + suffix, Set.of(Role.RESPONDER));
        String document = """
                key: page-%s
                name: Page schedule %s
                team: page-team
                timeZone: Asia/Shanghai
                layers:
                  - name: primary
                    handoff: 2026-01-05T10:00:00
                    shift: P7D
                    members: [%s]
                """.formatted(suffix, suffix, person);

        assertThat(mvc.perform(get("/admin/schedules/new").cookie(admin)).andReturn().getResponse().getContentAsString())
                .contains("timeZone: Europe/Berlin");
        String refused = mvc.perform(post("/admin/schedules").cookie(admin).with(csrf())
                        .param("document", document.replace("members: [" + person + "]", "members: [nobody-" + suffix + "]")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        mvc.perform(post("/admin/schedules").cookie(admin).with(csrf()).param("document", document))
                .andExpect(redirectedUrl("/oncall"));

        assertThat(refused).contains("layers[0].members[0]").contains("is not a user").contains("nobody-" + suffix);
        String page = mvc.perform(get("/oncall").cookie(responder)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("Page schedule " + suffix).contains("On call now").contains(person).contains("Asia/Shanghai");
        MvcResult link = mvc.perform(post("/oncall/calendar").cookie(responder).with(csrf())).andExpect(redirectedUrl("/oncall")).andReturn();
        assertThat(link.getFlashMap().get("calendarUrl").toString()).contains("/calendar/").endsWith(".ics");
        mvc.perform(get("/oncall").cookie(SignedIn.as(Role.MANAGER, mvc, accounts))).andExpect(status().isForbidden());
        mvc.perform(post("/admin/schedules/page-" + suffix + "/delete").cookie(admin).with(csrf())).andExpect(redirectedUrl("/oncall"));
    }
}
