package dev.goldenfive.review;

import java.util.UUID;

import jakarta.servlet.http.Cookie;
import tools.jackson.databind.json.JsonMapper;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.SignedIn;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The review and report pages for each role, and what they answer to wrong input. */
@GoldenfiveTest
class ReviewPagesTest {

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    UserAccounts accounts;
    @Autowired
    JsonMapper json;

    @Test
    void aResponderWhoDidNotWorkOnTheIncidentReadsTheReviewButCannotChangeIt() throws Exception {
        String key = declared();
        Cookie bystander = SignedIn.as(Role.RESPONDER, mvc, accounts);

        mvc.perform(get("/incidents/" + key + "/review").cookie(bystander))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("Managers, administrators and the responders who worked on the incident")))
                .andExpect(content().string(not(containsString("class=\"form review-form\""))));
        mvc.perform(post("/incidents/" + key + "/review").cookie(bystander).with(csrf()).param("summary", "mine"))
                .andExpect(status().isForbidden());
        mvc.perform(get("/incidents/INC-999999999/review").cookie(bystander)).andExpect(status().isNotFound());
    }

    @Test
    void wrongValuesShowTheFormAgainWithTheirMessagesAndStoreNothing() throws Exception {
        String key = declared();
        Cookie manager = SignedIn.as(Role.MANAGER, mvc, accounts);

        mvc.perform(post("/incidents/" + key + "/review").cookie(manager).with(csrf())
                        .param("summary", "kept on the form").param("rootCauseCategory", "gremlins")
                        .param("items[0].title", "").param("items[0].owner", "dave").param("items[0].due", "soon")
                        .param("items[1].title", "Fix it").param("items[1].link", "ftp://example.org/x"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("is not a category")))
                .andExpect(content().string(containsString("an action item needs a title")))
                .andExpect(content().string(containsString("must be a date such as 2026-12-31")))
                .andExpect(content().string(containsString("kept on the form")));
        mvc.perform(post("/incidents/" + key + "/review").cookie(manager).with(csrf())
                        .param("summary", "x").param("items[1].title", "Fix it").param("items[1].link", "ftp://example.org/x"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("action item 2.link must be an http:// or https:// address")));

        mvc.perform(post("/incidents/" + key + "/review").cookie(manager).with(csrf()).param("action", "publish"))
                .andExpect(status().isBadRequest());

        var review = new Api(port).get("/api/v1/incidents/" + key + "/review", GoldenfiveTest.ADMIN_TOKEN);
        assertThat(json.readTree(review.body()).get("version").asLong()).as("nothing stored").isZero();
    }

    @Test
    void reopeningACompletedReviewOnThePageKeepsWhatItSays() throws Exception {
        String key = declared();
        Api api = new Api(port);
        api.post("/api/v1/incidents/" + key + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"summary\":\"fixed\"}");
        api.completeReview(key, GoldenfiveTest.ADMIN_TOKEN);
        Cookie manager = SignedIn.as(Role.MANAGER, mvc, accounts);

        mvc.perform(post("/incidents/" + key + "/review").cookie(manager).with(csrf()).param("action", "reopen").param("version", "2"))
                .andExpect(status().is3xxRedirection());

        var review = json.readTree(api.get("/api/v1/incidents/" + key + "/review", GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(review.get("status").asString()).isEqualTo("in-review");
        assertThat(review.get("summary").asString()).isEqualTo("s");
        assertThat(review.get("rootCauseCategory").asString()).isEqualTo("dns");
    }

    @Test
    void theReportsPageShowsTheFiguresChartsAndACsvOfTheRange() throws Exception {
        declared();
        Cookie responder = SignedIn.as(Role.RESPONDER, mvc, accounts);

        mvc.perform(get("/reports").cookie(responder))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("id=\"report-incidents\"")))
                .andExpect(content().string(containsString("class=\"bars\"")))
                .andExpect(content().string(containsString("id=\"report-by-severity\"")))
                .andExpect(content().string(containsString("/reports.csv?from=")));
        mvc.perform(get("/reports").cookie(responder).param("from", "yesterday"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("from must be a day such as 2026-11-01")));
        mvc.perform(get("/reports").cookie(responder).param("from", "2020-01-01").param("to", "2026-01-01"))
                .andExpect(content().string(containsString("to must be at most 400 days after from")));
        mvc.perform(get("/reports.csv").cookie(responder))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Disposition", containsString("attachment; filename=\"goldenfive-incidents-")))
                .andExpect(content().string(containsString(ReportCsv.HEADER)));
    }

    @Test
    void inChineseTheClosingAndCompletingRefusalsAndTheEmptySectionsSpeakChinese() throws Exception {
        String key = declared();
        Api api = new Api(port);
        api.post("/api/v1/incidents/" + key + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"summary\":\"fixed\"}");
        Cookie manager = SignedIn.as(Role.MANAGER, mvc, accounts);
        Cookie admin = SignedIn.as(Role.ADMIN, mvc, accounts);

        var closed = mvc.perform(post("/incidents/" + key + "/actions/close").cookie(admin).with(csrf())
                .header("Accept-Language", "zh-CN")).andReturn();
        String incidentPage = mvc.perform(get("/incidents/" + key).cookie(admin).header("Accept-Language", "zh-CN")
                .flashAttrs(closed.getFlashMap())).andReturn().getResponse().getContentAsString();
        String notInReview = mvc.perform(post("/incidents/" + key + "/review").cookie(manager).with(csrf())
                        .header("Accept-Language", "zh-CN").param("action", "complete"))
                .andReturn().getResponse().getContentAsString();
        mvc.perform(post("/incidents/" + key + "/review").cookie(manager).with(csrf()).param("action", "submit")
                .param("summary", "Modules timed out behind the proxy")).andExpect(status().is3xxRedirection());
        String reviewPage = mvc.perform(post("/incidents/" + key + "/review").cookie(manager).with(csrf())
                        .header("Accept-Language", "zh-CN").param("action", "complete").param("summary", "Modules timed out behind the proxy")
                        .param("version", "1"))
                .andReturn().getResponse().getContentAsString();

        assertThat(incidentPage).contains(key + " 要在复盘完成后才能关闭").doesNotContain("is closed once its");
        assertThat(notInReview).contains("的复盘当前为“起草中”").doesNotContain("it is completed from in-review");
        assertThat(reviewPage).contains("这些必填部分还是空的，复盘不能完成：").contains("根本原因").contains("完成复盘前必须填写")
                .doesNotContain("required sections are empty").doesNotContain("is required to complete");
    }

    private String declared() throws Exception {
        var response = new Api(port).post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"Modules time out\",\"service\":\"rp-" + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        return json.readTree(response.body()).get("key").asString();
    }
}
