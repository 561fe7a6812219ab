package dev.goldenfive.incident;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.transaction.support.TransactionTemplate;

import dev.goldenfive.Api;
import dev.goldenfive.Benchmarks;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.SignedIn;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The incident pages with real sessions: what each role sees and does, and every form's validation. */
@GoldenfiveTest
class IncidentPagesTest {

    @Autowired
    MockMvc mvc;

    @LocalServerPort
    int port;

    @Autowired
    UserAccounts accounts;

    @Autowired
    IncidentCommands incidents;

    @Autowired
    Incidents reads;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void theDashboardListsOpenIncidentsWithTheirStageAndTimeLeft() throws Exception {
        IncidentKey key = incidents.declare(declaration("Dashboard shows me"), Actor.user("admin")).key();
        Cookie session = signIn(Role.MANAGER);

        String page = mvc.perform(get("/").cookie(session)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains(key.toString()).contains("Dashboard shows me").contains("connectivity").contains("data-deadline=")
                .doesNotContain("Declare incident");
    }

    @Test
    void aResponderDeclaresOnTheFormAndLandsOnTheIncidentPage() throws Exception {
        Cookie session = signIn(Role.RESPONDER);
        assertThat(mvc.perform(get("/incidents/new").cookie(session)).andReturn().getResponse().getContentAsString())
                .contains("1 min ago").contains("go-module-download");

        MvcResult declared = mvc.perform(post("/incidents").cookie(session).with(csrf())
                        .param("title", "go mod download times out").param("service", "ci").param("environment", "prod")
                        .param("severity", "SEV1").param("runbook", "go-module-download").param("startedMinutesAgo", "2"))
                .andExpect(redirectedUrlPattern("/incidents/INC-*")).andReturn();
        String page = mvc.perform(get(declared.getResponse().getRedirectedUrl()).cookie(session))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("go mod download times out").contains("Proxy switch and cache clean")
                .contains("go clean -modcache").contains("data-copy=").contains("Acknowledge")
                .contains("catch-up");
    }

    @Test
    void anInvalidDeclarationIsShownAgainWithAMessageBesideEachField() throws Exception {
        Cookie session = signIn(Role.RESPONDER);

        String page = mvc.perform(post("/incidents").cookie(session).with(csrf())
                        .param("title", " ").param("service", "ci").param("environment", "prod")
                        .param("runbook", "go-module-download").param("startedMinutesAgo", "0"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String notANumber = mvc.perform(post("/incidents").cookie(session).with(csrf())
                        .param("title", "x").param("service", "ci").param("environment", "prod").param("severity", "SEV2")
                        .param("runbook", "go-module-download").param("startedMinutesAgo", "soon"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String noRunbook = mvc.perform(post("/incidents").cookie(session).with(csrf())
                        .param("title", "x").param("service", "ci").param("environment", "prod").param("severity", "SEV2")
                        .param("runbook", "no-such-runbook").param("startedMinutesAgo", "0"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("must not be blank").contains("must not be null").contains("Declare an incident");
        assertThat(notANumber).contains("must be a whole number");
        assertThat(noRunbook).contains("is not a runbook");
        String badTime = mvc.perform(post("/incidents").cookie(session).with(csrf())
                        .param("title", "x").param("service", "ci").param("environment", "prod").param("severity", "SEV2")
                        .param("runbook", "go-module-download").param("startedMinutesAgo", "0").param("startedAtUtc", "yesterday"))
                .andReturn().getResponse().getContentAsString();
        String future = mvc.perform(post("/incidents").cookie(session).with(csrf())
                        .param("title", "x").param("service", "ci").param("environment", "prod").param("severity", "SEV2")
                        .param("runbook", "go-module-download").param("startedMinutesAgo", "0").param("startedAtUtc", "2999-01-01 00:00"))
                .andReturn().getResponse().getContentAsString();
        String impossible = mvc.perform(post("/incidents").cookie(session).with(csrf())
                        .param("title", "x").param("service", "ci").param("environment", "prod").param("severity", "SEV2")
                        .param("runbook", "go-module-download").param("startedMinutesAgo", "0").param("startedAtUtc", "2026-13-45 99:99"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(impossible).contains("is not a real date and time");
        assertThat(badTime).contains("must look like 2026-11-25 14:05 (UTC)");
        assertThat(future).contains("must not be in the future");
    }

    @Test
    void aDeclarationNamesWhatTheProbesNeedAndAMalformedProxyIsShownAgainWithWhy() throws Exception {
        Cookie session = signIn(Role.RESPONDER);

        String refused = mvc.perform(post("/incidents").cookie(session).with(csrf())
                        .param("title", "x").param("service", "ci").param("environment", "prod").param("severity", "SEV2")
                        .param("runbook", "go-module-download").param("startedMinutesAgo", "0").param("goproxy", "https://proxy/; rm -rf /"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        MvcResult declared = mvc.perform(post("/incidents").cookie(session).with(csrf())
                        .param("title", "private modules fail").param("service", "ci").param("environment", "prod").param("severity", "SEV2")
                        .param("runbook", "go-module-download").param("startedMinutesAgo", "0").param("goproxy", "https://proxy.corp.example")
                        .param("module", "git.corp.example/team/lib").param("goprivate", "git.corp.example"))
                .andExpect(redirectedUrlPattern("/incidents/INC-*")).andReturn();

        assertThat(refused).contains("must be a URL of a host");
        IncidentRef ref = reads.require(declared.getResponse().getRedirectedUrl().substring("/incidents/".length()));
        assertThat(ref.context()).containsEntry("goproxy", "https://proxy.corp.example")
                .containsEntry("module", "git.corp.example/team/lib").containsEntry("goprivate", "git.corp.example");
    }

    @Test
    void aManagerReadsTheIncidentPageButMayNotActOnIt() throws Exception {
        IncidentKey key = incidents.declare(declaration("Read only for managers"), Actor.user("admin")).key();
        Cookie session = signIn(Role.MANAGER);

        String page = mvc.perform(get("/incidents/" + key).cookie(session)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();

        assertThat(page).contains("Read only for managers").doesNotContain("/actions/acknowledge").doesNotContain("Add note");
        mvc.perform(post("/incidents/" + key + "/actions/acknowledge").cookie(session).with(csrf())).andExpect(status().isForbidden());
        mvc.perform(post("/incidents/" + key + "/notes").cookie(session).with(csrf()).param("text", "x")).andExpect(status().isForbidden());
        mvc.perform(post("/incidents/" + key + "/steps/connectivity/dns").cookie(session).with(csrf()).param("outcome", "done"))
                .andExpect(status().isForbidden());
        mvc.perform(post("/incidents").cookie(session).with(csrf()).param("title", "x")).andExpect(status().isForbidden());
        mvc.perform(get("/incidents/new").cookie(session)).andExpect(status().isForbidden());
    }

    @Test
    void formsActOnTheIncidentAndEveryChangeShowsInTheTimeline() throws Exception {
        IncidentKey key = incidents.declare(declaration("Walk it through"), Actor.user("admin")).key();
        Cookie session = signIn(Role.RESPONDER);

        mvc.perform(post("/incidents/" + key + "/actions/acknowledge").cookie(session).with(csrf()))
                .andExpect(redirectedUrl("/incidents/" + key));
        mvc.perform(post("/incidents/" + key + "/steps/connectivity/dns").cookie(session).with(csrf())
                .param("outcome", "failed").param("note", "NXDOMAIN")).andExpect(redirectedUrl("/incidents/" + key + "#step-connectivity-dns"));
        mvc.perform(post("/incidents/" + key + "/notes").cookie(session).with(csrf()).param("text", "resolver is down"));
        assertThat(mvc.perform(post("/incidents/" + key + "/actions/mitigate").cookie(session).with(csrf())
                .param("note", "GOPROXY points at the mirror")).andReturn().getFlashMap().get("notice"))
                .isEqualTo("incident.done.mitigate");
        assertThat((String) mvc.perform(post("/incidents/" + key + "/notes").cookie(session).with(csrf()).param("text", " "))
                .andReturn().getFlashMap().get("error")).isNotBlank();
        assertThat((String) mvc.perform(post("/incidents/" + key + "/steps/connectivity/dns").cookie(session).with(csrf())
                .param("outcome", "maybe")).andReturn().getFlashMap().get("error")).isNotBlank();
        MvcResult refused = mvc.perform(post("/incidents/" + key + "/actions/resolve").cookie(session).with(csrf()))
                .andExpect(redirectedUrl("/incidents/" + key)).andReturn();
        assertThat((String) refused.getFlashMap().get("error")).contains("Resolution").contains("must say how it was resolved");
        mvc.perform(post("/incidents/" + key + "/actions/resolve").cookie(session).with(csrf()).param("summary", "resolver restarted"));

        String page = mvc.perform(get("/incidents/" + key).cookie(session)).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("Acknowledged by").contains("NXDOMAIN").contains("resolver is down")
                .contains("Mitigated — GOPROXY points at the mirror").contains("Mitigated at")
                .contains("/incidents/" + key + "/review")
                .contains("Resolved in Basic connectivity: resolver restarted").contains("Reopen");
        MvcResult again = mvc.perform(post("/incidents/" + key + "/actions/resolve").cookie(session).with(csrf())
                .param("summary", "twice")).andReturn();
        assertThat((String) again.getFlashMap().get("error")).contains("not possible").contains("reopen, close");
    }

    @Test
    void thePagesSpeakChineseToAChineseBrowserUntilThePersonPicksAnotherLanguage() throws Exception {
        IncidentKey key = incidents.declare(declaration("Speak my language"), Actor.user("admin")).key();
        Cookie session = signIn(Role.RESPONDER);

        String chinese = mvc.perform(get("/incidents/" + key).cookie(session).header("Accept-Language", "zh-CN,zh;q=0.9"))
                .andReturn().getResponse().getContentAsString();
        MvcResult switched = mvc.perform(get("/").cookie(session).header("Accept-Language", "zh-CN").param("lang", "en"))
                .andReturn();
        Cookie language = switched.getResponse().getCookie("goldenfive-lang");
        String english = mvc.perform(get("/").cookie(session, language).header("Accept-Language", "zh-CN"))
                .andReturn().getResponse().getContentAsString();
        String unknown = mvc.perform(get("/").cookie(session).header("Accept-Language", "fr-FR"))
                .andReturn().getResponse().getContentAsString();

        assertThat(chinese).contains("lang=\"zh\"").contains("时间线").contains("确认").contains("SEV2 事件已发起")
                .doesNotContain(">Timeline<");
        assertThat(switched.getResponse().getContentAsString()).contains("Open incidents");
        assertThat(english).contains("Open incidents").contains("href=\"?lang=zh-CN\"");
        assertThat(unknown).contains("Open incidents").contains("lang=\"en\"");
    }

    @Test
    void whyACheckFailedReadsInTheReadersLanguageAndAsItWasWrittenWhenItHasNoCode() throws Exception {
        IncidentKey key = incidents.declare(declaration("Why it failed"), Actor.user("admin")).key();
        IncidentRef ref = reads.ref(key).orElseThrow();
        transactions.executeWithoutResult(status -> {
            incidents.record(ref, new Fact.CheckChanged("http-responds", "connectivity", "The proxy answers", "pending", "failed",
                    List.of(new Fact.Reason("HTTP 502 (expected 200)", "check.reason.status", List.of("502", "200"))), null),
                    "Check failed", Actor.user("agent"));
            incidents.record(ref, new Fact.CheckChanged("tcp-connects", "connectivity", "The port accepts", "pending", "failed",
                    List.of(Fact.Reason.said("written before reasons had codes")), null), "Check failed", Actor.user("agent"));
        });
        Cookie session = signIn(Role.RESPONDER);

        String chinese = mvc.perform(get("/incidents/" + key).cookie(session).header("Accept-Language", "zh-CN"))
                .andReturn().getResponse().getContentAsString();
        String english = mvc.perform(get("/incidents/" + key).cookie(session).header("Accept-Language", "en"))
                .andReturn().getResponse().getContentAsString();

        assertThat(chinese).contains("HTTP 502（预期 200）").contains("written before reasons had codes");
        assertThat(english).contains("HTTP 502 (expected 200)");
    }

    @Test
    void anUnknownIncidentIsTheNotFoundPageWithItsLayoutAndProblemJsonOnTheApi() throws Exception {
        mvc.perform(get("/incidents/nonsense").cookie(signIn(Role.MANAGER))).andExpect(status().isNotFound());
        String base = "http://localhost:" + port;
        HttpClient browser = Benchmarks.signedIn(base, "admin", GoldenfiveTest.ADMIN_PASSWORD);
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(base + "/incidents/INC-999999999"))
                .header("Accept", "text/html").header("Accept-Language", "zh-CN").build(), HttpResponse.BodyHandlers.ofString());
        // the pins of an incident are served by a page controller under /api: still problem+json there
        HttpResponse<String> api = new Api(port).get("/api/v1/incidents/INC-999999999/logs/pins", GoldenfiveTest.ADMIN_TOKEN);

        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).as("signed in: the navigation shows").contains("class=\"nav\"").contains("没有事件 INC-999999999。");
        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(api.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(api.body()).contains("No incident INC-999999999.");
    }

    @Test
    void theIncidentsListFindsPastIncidentsByStatusSeverityServiceTextAndDay() throws Exception {
        String tag = "list" + System.nanoTime();
        IncidentKey closedOne = incidents.declare(new IncidentCommands.Declaration("Checksum mismatch " + tag, tag, "prod",
                Severity.SEV1, null, null, null, null), Actor.user("admin")).key();
        incidents.act(closedOne, IncidentAction.RESOLVE, new IncidentCommands.ActionInput(null, "fixed", null, null), Actor.user("admin"));
        IncidentKey openOne = incidents.declare(new IncidentCommands.Declaration("Proxy 502 " + tag, tag, "staging",
                Severity.SEV3, null, null, null, null), Actor.user("admin")).key();
        Cookie session = signIn(Role.MANAGER);

        String bySeverity = list(session, "service", tag, "severity", "SEV1");
        String byStatus = list(session, "service", tag, "status", "OPEN");
        String byText = list(session, "q", "CHECKSUM MISMATCH " + tag);
        String byKey = list(session, "q", openOne.toString().toLowerCase());
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        String byDay = list(session, "service", tag, "from", today, "to", today);
        String before = list(session, "service", tag, "to", "2020-01-01");

        assertThat(bySeverity).contains(closedOne.toString()).doesNotContain(openOne + "<").contains("1 incident<");
        assertThat(byStatus).contains(openOne.toString()).doesNotContain(closedOne + "<");
        assertThat(byText).contains(closedOne.toString()).doesNotContain(openOne + "<");
        assertThat(byKey).contains(openOne.toString());
        assertThat(byDay).contains(openOne.toString()).contains(closedOne.toString()).contains("2 incidents<");
        assertThat(before).contains("No incident matches");
    }

    @Test
    void aWrongFilterIsShownBesideItsFieldAndTheListIsNotRead() throws Exception {
        Cookie session = signIn(Role.MANAGER);

        String page = list(session, "from", "2026-13-40", "severity", "SEV9");
        String reversed = list(session, "from", "2026-11-02", "to", "2026-11-01");

        assertThat(page).contains("has-error").contains("has the wrong form").doesNotContain("results-heading");
        assertThat(reversed).contains("must not be before the first day").doesNotContain("results-heading");
    }

    @Test
    void theDashboardsRecentListShowsEachIncidentsStatusAndLeadsToAllIncidents() throws Exception {
        IncidentKey key = incidents.declare(declaration("Resolved and listed"), Actor.user("admin")).key();
        incidents.act(key, IncidentAction.RESOLVE, new IncidentCommands.ActionInput(null, "fixed", null, null), Actor.user("admin"));

        String page = mvc.perform(get("/").cookie(signIn(Role.MANAGER))).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("Resolved and listed").contains("status-RESOLVED").contains("href=\"/incidents\"");
    }

    @Test
    void aLiveUpdateBringsOnlyWhatTheChangeTouched() throws Exception {
        IncidentKey key = incidents.declare(declaration("Live by panel"), Actor.user("admin")).key();
        long declared = reads.timeline(key, 0, 100).getLast().id();
        Cookie session = signIn(Role.RESPONDER);
        incidents.addNote(key, "a note and nothing else", Actor.user("admin"));
        String note = live(session, key, declared, "");
        long noted = reads.timeline(key, 0, 100).getLast().id();
        incidents.act(key, IncidentAction.ADVANCE, new IncidentCommands.ActionInput(null, null, "mirror works", null), Actor.user("admin"));
        String stage = live(session, key, noted, "");
        long last = reads.timeline(key, 0, 100).getLast().id();
        String evidence = live(session, key, last, "evidence");
        String traced = live(session, key, last, "evidence,trace-ids");
        String anything = live(session, key, last, "all");
        incidents.markStep(key, "connectivity", "dns", StepOutcome.DONE, "resolver fine", Actor.user("admin"));
        String marked = live(session, key, last, "");
        long markedAt = reads.timeline(key, 0, 100).getLast().id();
        incidents.act(key, IncidentAction.RESOLVE, new IncidentCommands.ActionInput(null, "fixed", null, null), Actor.user("admin"));
        String resolved = live(session, key, markedAt, "");

        assertThat(note).contains("a note and nothing else").doesNotContain("id=\"panel-stages\"")
                .doesNotContain("id=\"panel-runbook\"").doesNotContain("id=\"panel-evidence\"").doesNotContain("data-notice");
        assertThat(stage).as("a stage change moves no step: the stage bar names each box's state")
                .contains("id=\"panel-stages\"").contains("data-stage=\"proxy-switch\" data-state=\"current\"")
                .contains("id=\"panel-actions\"").contains("data-notice").contains("Proxy switch and cache clean")
                .doesNotContain("a note and nothing else").doesNotContain("id=\"panel-runbook\"").doesNotContain("class=\"runbook-step\"")
                .doesNotContain("id=\"panel-evidence\"");
        assertThat(evidence).as("results without trace ids leave the logs alone")
                .contains("id=\"panel-evidence\"").doesNotContain("id=\"panel-logs\"").doesNotContain("id=\"panel-runbook\"");
        assertThat(traced).contains("id=\"panel-evidence\"").contains("id=\"panel-logs\"")
                .as("pinned lines are not read again for new trace ids").doesNotContain("id=\"panel-pins\"");
        assertThat(anything).contains("id=\"panel-evidence\"").contains("id=\"panel-logs\"");
        assertThat(marked).as("a marked step comes alone").contains("id=\"step-connectivity-dns\"").contains("resolver fine")
                .doesNotContain("id=\"step-connectivity-ping\"").doesNotContain("id=\"panel-runbook\"");
        assertThat(resolved).as("resolving ends the steps").contains("id=\"panel-runbook\"").doesNotContain("class=\"runbook-step\"");
    }

    private String live(Cookie session, IncidentKey key, long after, String touched) throws Exception {
        return mvc.perform(get("/incidents/" + key + "/live").cookie(session).param("after", Long.toString(after))
                        .param("touched", touched))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    private String list(Cookie session, String... params) throws Exception {
        var request = get("/incidents").cookie(session);
        for (int i = 0; i < params.length; i += 2) {
            request.param(params[i], params[i + 1]);
        }
        return mvc.perform(request).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    private static IncidentCommands.Declaration declaration(String title) {
        return new IncidentCommands.Declaration(title, "build", "prod", Severity.SEV2, null, null, null, null);
    }

    private Cookie signIn(Role role) throws Exception {
        return SignedIn.as(role, mvc, accounts);
    }
}
