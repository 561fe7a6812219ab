package dev.goldenfive.logarchive;

import java.time.Instant;
import java.util.UUID;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;

import dev.goldenfive.Api;
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

/** The incident's logs panel (its service, environment, window and evidence traces) and pinning lines to it. */
@GoldenfiveTest
class LogPinTest {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    @Test
    void theIncidentPageShowsItsLinesAndTracedOnesAndAPinnedLineGoesToTheTimeline() throws Exception {
        Api api = new Api(port);
        String service = "pin-" + UUID.randomUUID().toString().substring(0, 8);
        String trace = UUID.randomUUID().toString().replace("-", "");
        String key = json.readTree(api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"Builds fail\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}").body())
                .get("key").asString();
        api.post("/api/v1/probes", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"id\":\"" + UUID.randomUUID() + "\",\"incident\":\"" + key
                + "\",\"type\":\"http\",\"target\":\"https://proxy.golang.org\",\"startedAt\":\"" + Instant.now() + "\",\"durationMs\":5001,"
                + "\"success\":false,\"traceId\":\"" + trace + "\"}");
        String now = Instant.now().toString();
        api.post("/api/v1/logs?environment=prod", GoldenfiveTest.ADMIN_TOKEN, "application/x-ndjson", String.join("\n",
                "{\"timestamp\":\"" + now + "\",\"message\":\"own service line\",\"service\":\"" + service + "\"}",
                "{\"timestamp\":\"" + now + "\",\"message\":\"the proxy's side of the trace\",\"service\":\"goproxy\",\"trace_id\":\"" + trace + "\"}",
                "{\"timestamp\":\"" + now + "\",\"message\":\"unrelated\",\"service\":\"other-" + service + "\"}"));
        Cookie responder = SignedIn.as(Role.RESPONDER, mvc, accounts);

        String page = mvc.perform(get("/incidents/" + key).cookie(responder)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("own service line").contains("the proxy&#39;s side of the trace").doesNotContain("unrelated");
        String line = json.readTree(api.get("/api/v1/logs/search?q=service:" + service + "+own", GoldenfiveTest.ADMIN_TOKEN).body())
                .get("lines").get(0).get("key").asString();
        mvc.perform(post("/incidents/" + key + "/logs/pin").cookie(responder).with(csrf()).param("line", line))
                .andExpect(redirectedUrl("/incidents/" + key + "#logs-heading"));
        String pinnedPage = mvc.perform(get("/incidents/" + key).cookie(responder)).andReturn().getResponse().getContentAsString();
        assertThat(pinnedPage.substring(pinnedPage.indexOf("id=\"pins-heading\""), pinnedPage.indexOf("id=\"panel-logs\"")))
                .as("the pinned line, above the logs").contains("own service line");
        var again = api.post("/api/v1/incidents/" + key + "/logs/pins", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"line\":\"" + line + "\"}");
        assertThat(again.statusCode()).as("pinned already").isEqualTo(200);
        JsonNode pins = json.readTree(api.get("/api/v1/incidents/" + key + "/logs/pins", GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(pins).singleElement().satisfies(p -> assertThat(p.get("line").get("message").asString()).isEqualTo("own service line"));
        JsonNode timeline = json.readTree(api.get("/api/v1/incidents/" + key + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(timeline.valueStream().filter(e -> e.get("kind").asString().equals("log-pinned")))
                .singleElement().satisfies(e -> assertThat(e.get("summary").asString()).contains("own service line"));
        mvc.perform(post("/incidents/" + key + "/logs/pin").cookie(SignedIn.as(Role.MANAGER, mvc, accounts)).with(csrf()).param("line", line))
                .andExpect(status().isForbidden());
        assertThat(api.post("/api/v1/incidents/" + key + "/logs/pins", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"line\":\"nonsense\"}")
                .statusCode()).isEqualTo(400);
    }
}
