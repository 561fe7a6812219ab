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

    @Test
    void anAdministratorWritesAnEscalationPolicyInYamlAndTheOnCallPageListsIt() throws Exception {
        Cookie admin = SignedIn.as(Role.ADMIN, mvc, accounts);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String document = """
                key: pol-%s
                name: Policy %s
                services: [svc-%s]
                levels:
                  - targets: [{user: admin}]
                  - targets: [{user: admin}]
                    after: PT5M
                """.formatted(suffix, suffix, suffix);

        assertThat(mvc.perform(get("/admin/escalation-policies/new").cookie(admin)).andReturn().getResponse().getContentAsString())
                .contains("Escalation policy (YAML)").contains("after: stage");
        String refused = mvc.perform(post("/admin/escalation-policies").cookie(admin).with(csrf())
                        .param("document", document.replace("after: PT5M", "after: later")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        mvc.perform(post("/admin/escalation-policies").cookie(admin).with(csrf()).param("document", document))
                .andExpect(redirectedUrl("/oncall"));

        assertThat(refused).contains("The escalation policy was not saved").contains("levels[1].after").contains("after: later");
        String page = mvc.perform(get("/oncall").cookie(admin)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("Policy " + suffix).contains("svc-" + suffix).contains("until the stage ends").contains("for PT5M");
        assertThat(mvc.perform(get("/admin/escalation-policies/pol-" + suffix + "/edit").cookie(admin)).andReturn().getResponse()
                .getContentAsString()).contains("svc-" + suffix);
        mvc.perform(post("/admin/escalation-policies/pol-" + suffix + "/delete").cookie(admin).with(csrf())).andExpect(redirectedUrl("/oncall"));
    }

    @Test
    void aPersonWritesTheirNotificationRulesAndWrongOnesComeBackWithTheirProblems() throws Exception {
        Cookie responder = SignedIn.as(Role.RESPONDER, mvc, accounts);
        String page = mvc.perform(get("/me/notifications").cookie(responder)).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
        assertThat(page).contains("How you are paged").contains("kind: email");

        String refused = mvc.perform(post("/me/notifications").cookie(responder).with(csrf()).param("document", """
                        channels:
                          - kind: email
                            to: not an address
                          - kind: slack
                            to: http://169.254.169.254/latest
                          - kind: wecom
                            to: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k
                            secret: no-such-thing
                        quiet: {severities: [SEV4], from: "22:00", to: "07:00", timeZone: Mars/Olympus}
                        """))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("The rules were not saved").contains("channels[0].to").contains("channels[1].to")
                .contains("a cloud metadata address").contains("channels[2].secret").contains("quiet.timeZone");
        mvc.perform(post("/me/notifications").cookie(responder).with(csrf()).param("document", """
                        channels:
                          - kind: feishu
                            to: https://open.feishu.cn/open-apis/bot/v2/hook/abc
                            secret: s3cret
                        """))
                .andExpect(redirectedUrl("/me/notifications"));
        String saved = mvc.perform(get("/me/notifications").cookie(responder)).andReturn().getResponse().getContentAsString();
        assertThat(saved).contains("open.feishu.cn").contains("(kept)").doesNotContain("s3cret");
        mvc.perform(get("/admin/notifications").cookie(responder)).andExpect(status().isForbidden());
        assertThat(mvc.perform(get("/admin/notifications").cookie(SignedIn.as(Role.ADMIN, mvc, accounts))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString()).contains("Paging messages");
    }
}
