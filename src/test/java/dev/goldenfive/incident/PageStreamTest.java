package dev.goldenfive.incident;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;

import dev.goldenfive.Api;
import dev.goldenfive.EventStream;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.SignedIn;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;
import dev.goldenfive.timeline.Actor;

import static org.assertj.core.api.Assertions.assertThat;

/** A page's own event stream is sent the page's panels, rendered for its reader, as the incident changes. */
@GoldenfiveTest
class PageStreamTest {

    @LocalServerPort
    int port;

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    @Autowired
    IncidentCommands incidents;

    @Autowired
    Incidents reads;

    @Autowired
    JsonMapper json;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<EventStream> opened = new ArrayList<>();

    @Test
    void aNoteAndAStageChangeArriveAsThePanelsTheyTouched() throws Exception {
        IncidentKey key = declare("Pushed panels");
        EventStream page = open("/incidents/" + key + "/events?after=" + newest(key), SignedIn.as(Role.RESPONDER, mvc, accounts), "en");
        page.next("ready");

        incidents.addNote(key, "the mirror answers", Actor.user("admin"));
        String note = nextUpdate(page);
        assertThat(note).contains("data-live-update").contains("the mirror answers").doesNotContain("id=\"panel-actions\"")
                .as("an entry says by itself what it touched").doesNotContain("id=\"panel-evidence\"");

        incidents.act(key, IncidentAction.ADVANCE, new IncidentCommands.ActionInput(null, null, "mirror works", null), Actor.user("admin"));
        String stage = nextUpdate(page);
        assertThat(stage).contains("data-stage=\"proxy-switch\" data-state=\"current\"")
                .contains("action=\"/incidents/" + key + "/actions/resolve\"")
                .as("no request to take a CSRF token from: the page gives its own").doesNotContain("_csrf")
                .contains("Proxy switch and cache clean").doesNotContain("the mirror answers");
    }

    @Test
    void aProbeResultThatChangesNoCheckArrivesAsTheEvidencePanelAlone() throws Exception {
        IncidentKey key = declare("Pushed evidence");
        Api api = new Api(port);
        // the first result passes a check (an entry of its own); the same again changes nothing but the evidence
        postProbe(api, key);
        EventStream page = open("/incidents/" + key + "/events?after=" + newest(key), SignedIn.as(Role.RESPONDER, mvc, accounts), "en");
        page.next("ready");

        postProbe(api, key);

        assertThat(nextUpdate(page)).contains("id=\"panel-evidence\"").contains("mirror.internal.example:443")
                .doesNotContain("id=\"panel-stages\"").doesNotContain("id=\"panel-logs\"").doesNotContain("<li id=\"entry-");
    }

    private static void postProbe(Api api, IncidentKey key) throws Exception {
        var posted = api.post("/api/v1/probes", GoldenfiveTest.ADMIN_TOKEN, "application/json", """
                [{"id": "%s", "incident": "%s", "type": "tcp", "target": "mirror.internal.example:443",
                  "startedAt": "%s", "durationMs": 12, "success": true}]""".formatted(UUID.randomUUID(), key, Instant.now()));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    }

    @Test
    void aPageSeesWhatItLacksAtOnceInItsReadersLanguageAndOnlyWhatItMayDo() throws Exception {
        IncidentKey key = declare("Caught up");
        incidents.act(key, IncidentAction.ADVANCE, new IncidentCommands.ActionInput(null, null, "moving on", null), Actor.user("admin"));

        EventStream manager = open("/incidents/" + key + "/events?after=0", SignedIn.as(Role.MANAGER, mvc, accounts), "zh-CN");
        manager.next("ready");
        String caughtUp = nextUpdate(manager);

        assertThat(caughtUp).as("Chinese, for a Chinese reader").contains("进入").contains("moving on")
                .as("a manager reads: no forms").doesNotContain("<form");
    }

    @Test
    void theDashboardsStreamSendsItsListsWhenAnIncidentIsDeclared() throws Exception {
        EventStream dashboard = open("/events?after=" + reads.newestEntryId(), SignedIn.as(Role.MANAGER, mvc, accounts), "en");
        dashboard.next("ready");

        declare("Seen on the dashboard");

        assertThat(updateNaming(dashboard, "Seen on the dashboard")).contains("id=\"panel-open\"").contains("Seen on the dashboard");
    }

    private IncidentKey declare(String title) {
        return incidents.declare(new IncidentCommands.Declaration(title, "ci", "prod", Severity.SEV2, null, null, null, null),
                Actor.user("admin")).key();
    }

    private long newest(IncidentKey key) {
        return reads.timeline(key, 0, 1000).getLast().id();
    }

    private EventStream open(String path, Cookie session, String language) {
        EventStream stream = EventStream.open(http, URI.create("http://localhost:" + port + path),
                "Cookie", "SESSION=" + session.getValue(), "Accept-Language", language);
        opened.add(stream);
        return stream;
    }

    /** The HTML of the stream's next event, which must be an update. */
    /**
     * The first of the next few updates that names {@code text}: other tests' incidents, paged and escalated by
     * the shared application's workers, change the dashboard too, and may come first.
     */
    private String updateNaming(EventStream stream, String text) throws InterruptedException {
        String html = nextUpdate(stream);
        for (int i = 0; i < 5 && !html.contains(text); i++) {
            html = nextUpdate(stream);
        }
        return html;
    }

    private String nextUpdate(EventStream stream) throws InterruptedException {
        return json.readTree(stream.next("update").data()).get("html").asString();
    }

    @AfterEach
    void closeStreams() {
        opened.forEach(EventStream::close);
    }
}
