package dev.goldenfive.web;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.spring6.view.ThymeleafViewResolver;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.util.HtmlUtils;

import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.SignedIn;
import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.Severity;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;
import dev.goldenfive.timeline.Actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Text from people and agents that would act instead of showing (an escape, a bell, a backspace, a right-to-left
 * override) is shown as pictures and written-out marks on every page that shows it, and refused in names.
 */
@GoldenfiveTest
class VisibleTextPagesTest {

    /** Escape sequence, bell, backspace and a right-to-left override that turns "exe.txt" round. */
    private static final String DECEIVING = "\u001b[31m\u0007\b\u202etxt.exe";
    private static final String SHOWN = "\u241b[31m\u2407\u2408\\u202etxt.exe";
    private static final Pattern ACTING = Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]");

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    UserAccounts accounts;
    @Autowired
    IncidentCommands incidents;
    @Autowired
    JsonMapper json;
    @Autowired
    ThymeleafViewResolver views;

    private Api api;
    private String service;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        service = "vt-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void anIncidentsTitleAndNotesShowPicturesOnItsPageItsLiveRefreshAndTheDashboard() throws Exception {
        // titles from alerts and other modules reach the incident as they come, without the API's check
        IncidentKey key = incidents.declare(new IncidentCommands.Declaration("Title " + DECEIVING, service, "prod", Severity.SEV2,
                null, null, null, null), Actor.user("admin")).key();
        assertThat(api.post("/api/v1/incidents/" + key + "/notes", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                json.writeValueAsString(Map.of("text", "Note " + DECEIVING))).statusCode()).isEqualTo(201);
        Cookie session = SignedIn.as(Role.RESPONDER, mvc, accounts);

        String page = page("/incidents/" + key, session, false);
        String refreshed = page("/incidents/" + key, session, true);
        String dashboard = page("/", session, false);

        assertThat(page).contains("Title " + SHOWN).contains("Note " + SHOWN);
        assertThat(refreshed).contains("Title " + SHOWN).contains("Note " + SHOWN);
        assertThat(dashboard).contains("Title " + SHOWN);
        for (String shown : new String[] {page, refreshed, dashboard}) {
            assertThat(ACTING.matcher(shown).find()).as("a character that acts is on the page").isFalse();
        }
    }

    @Test
    void anAlertsLabelsShowAsPicturesOnTheIncidentItOpened() throws Exception {
        String name = "Proxy" + DECEIVING;
        String body = """
                {"version":"4","groupKey":"{}:{alertname=\\"%s\\"}","truncatedAlerts":0,"status":"firing","receiver":"goldenfive",
                 "groupLabels":{"alertname":%s},"commonLabels":{"alertname":%s,"service":%s},"commonAnnotations":{},
                 "alerts":[{"status":"firing","labels":{"alertname":%s,"service":%s},"annotations":{},
                  "startsAt":"%s","endsAt":"0001-01-01T00:00:00Z","fingerprint":"%s"}]}""".formatted(
                UUID.randomUUID(), quote(name), quote(name), quote(service), quote(name), quote(service),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), UUID.randomUUID());
        HttpResponse<String> fired = api.post("/api/v1/alerts/alertmanager", GoldenfiveTest.ADMIN_TOKEN, "application/json", body);
        assertThat(fired.statusCode()).as(fired.body()).isEqualTo(200);
        String key = json.readTree(fired.body()).get("incident").asString();

        String page = page("/incidents/" + key, SignedIn.as(Role.RESPONDER, mvc, accounts), false);

        assertThat(page).as("the timeline says which alert fired").contains("firing: Proxy" + SHOWN)
                .as("the title made of its name").contains("\\u202etxt.exe");
        assertThat(ACTING.matcher(page).find()).isFalse();
    }

    @Test
    void aProbesErrorMessageShowsAsPicturesInTheEvidencePanel() throws Exception {
        String key = declare();
        var agent = api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"name\":\"probe-" + service + "\"}");
        String token = json.readTree(agent.body()).get("token").asString();
        String result = """
                {"id":"%s","incident":"%s","type":"tcp","target":"proxy.golang.org:443","via":"direct","startedAt":"%s",
                 "durationMs":3.5,"success":false,"error":{"class":"refused","message":%s}}""".formatted(UUID.randomUUID(), key,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), quote("dial tcp: " + DECEIVING));
        var posted = api.post("/api/v1/probes", token, "application/json", result);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);

        String page = page("/incidents/" + key, SignedIn.as(Role.RESPONDER, mvc, accounts), false);

        assertThat(page).contains("dial tcp: " + SHOWN);
        assertThat(ACTING.matcher(page).find()).isFalse();
    }

    @Test
    void aReviewSectionShowsPicturesWhileItsTextAreaKeepsWhatWasWritten() throws Exception {
        String key = declare();
        api.post("/api/v1/incidents/" + key + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"summary\":\"fixed\"}");
        String summary = "Summary " + DECEIVING + "\nsecond line";
        var written = api.put("/api/v1/incidents/" + key + "/review", GoldenfiveTest.ADMIN_TOKEN,
                json.writeValueAsString(Map.of("summary", summary)));
        assertThat(written.statusCode()).as(written.body()).isEqualTo(200);

        String page = page("/incidents/" + key + "/review", SignedIn.as(Role.MANAGER, mvc, accounts), false);

        Matcher area = Pattern.compile("<textarea[^>]*id=\"summary\"[^>]*>(.*?)</textarea>", Pattern.DOTALL).matcher(page);
        assertThat(area.find()).as("the summary's text area").isTrue();
        assertThat(HtmlUtils.htmlUnescape(area.group(1)).strip()).as("the edit form sends back what is stored").isEqualTo(summary);
        String outsideTextAreas = page.replaceAll("(?s)<textarea.*?</textarea>", "");
        assertThat(outsideTextAreas).contains("Summary " + SHOWN);
        assertThat(ACTING.matcher(outsideTextAreas).find()).isFalse();
    }

    @Test
    void namesAndTitlesWithAReorderingMarkAreRefusedNamingTheField() throws Exception {
        HttpResponse<String> token = api.post("/api/v1/tokens", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"ci-\u202etxt.exe\"}");
        HttpResponse<String> incident = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"Modules \u2067time out\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        HttpResponse<String> escape = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"Modules time out\",\"service\":\"" + service + "\\u001b\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");

        assertThat(token.statusCode()).isEqualTo(400);
        assertThat(json.readTree(token.body()).toString()).contains("\"name\"").contains("reorder text");
        assertThat(incident.statusCode()).isEqualTo(400);
        assertThat(json.readTree(incident.body()).toString()).contains("\"title\"").contains("reorder text");
        assertThat(escape.statusCode()).isEqualTo(400);
        assertThat(json.readTree(escape.body()).toString()).contains("\"service\"").contains("control characters");
    }

    @Test
    void theErrorPageIsWrittenByTheSameEngineAsEveryOtherPage() throws Exception {
        Cookie session = SignedIn.as(Role.RESPONDER, mvc, accounts);

        String notFound = mvc.perform(get("/error").cookie(session).header("Accept", "text/html")
                        .requestAttr("jakarta.servlet.error.status_code", 404).requestAttr("jakarta.servlet.error.request_uri", "/nothing"))
                .andExpect(status().isNotFound()).andReturn().getResponse().getContentAsString();

        assertThat(notFound).contains("404");
        assertThat(((SpringTemplateEngine) views.getTemplateEngine()).getDialects())
                .as("the dialect of the engine behind every view, the error page's too").hasAtLeastOneElementOfType(VisibleTextDialect.class);
    }

    private String page(String path, Cookie session, boolean live) throws Exception {
        var request = get(path).cookie(session);
        if (live) {
            request.header("HX-Request", "true");
        }
        return mvc.perform(request).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    private String declare() throws Exception {
        var response = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"Modules time out\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("key").asString();
    }

    private String quote(String text) {
        return json.writeValueAsString(text);
    }
}
