package dev.goldenfive.drill;

import java.util.UUID;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.SignedIn;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Drills on the pages and over the API: declared, marked as drills wherever they show, reported, compared, refused. */
@GoldenfiveTest
class DrillPagesTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    @Test
    void aResponderDeclaresADrillOnItsFormAndEveryPageMarksItAsOne() throws Exception {
        Cookie session = SignedIn.as(Role.RESPONDER, mvc, accounts);
        String service = "drill-" + UUID.randomUUID().toString().substring(0, 8);
        MvcResult declared = mvc.perform(post("/drills").cookie(session).with(csrf())
                        .param("scenario", "the proxy is unreachable").param("title", "Drill: builds cannot fetch modules")
                        .param("service", service).param("environment", "ci").param("severity", "SEV3").param("runbook", "go-module-download")
                        .param("fault", "BLACKHOLE").param("targets", "proxy.example.com, 203.0.113.0/24").param("port", "443")
                        .param("agents", "ci-runner-1").param("participants", "").param("expect", "").param("faultMinutes", "10"))
                .andExpect(redirectedUrlPattern("/incidents/INC-*")).andReturn();
        String key = declared.getResponse().getRedirectedUrl().substring("/incidents/".length());

        String incident = page("/incidents/" + key, session);
        assertThat(incident).contains("badge-drill").contains("the proxy is unreachable").contains("proxy.example.com, 203.0.113.0/24")
                .contains("ci-runner-1").contains("local-network").contains("nobody is paged").contains("No agent has reported the fault yet");
        assertThat(page("/", session)).contains(key).contains("badge-drill");
        assertThat(page("/incidents?service=" + service, session)).contains(key).contains("badge-drill");
        assertThat(page("/drills", session)).contains(key).contains("the proxy is unreachable (blackhole)");
        assertThat(page("/drills/" + key, session)).contains("id=\"drill-score\"").contains("Basic connectivity");

        // an agent of the drill says it injected the fault: the drill's page shows what, where and until when
        Api api = new Api(port);
        var reported = api.post("/api/v1/drills/" + key + "/faults", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"agent\":\"ci-runner-1\",\"fault\":\"blackhole\",\"target\":\"proxy.example.com\",\"state\":\"injected\","
                        + "\"where\":\"198.51.100.7\",\"detail\":\"ip route add blackhole 198.51.100.7\",\"until\":\"2026-12-06T10:10:00Z\"}");
        assertThat(reported.statusCode()).as(reported.body()).isEqualTo(201);
        assertThat(page("/incidents/" + key, session)).contains("198.51.100.7").contains("data-fault-state=\"injected\"").contains("10:10:00 UTC");

        api.post("/api/v1/incidents/" + key + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"summary\":\"drill over\"}");
        assertThat(page("/incidents/" + key + "/review", session)).contains("badge-drill");
        assertThat(page("/incidents/" + key + "/review.md", session)).startsWith("# [DRILL] " + key).contains("- Drill: the proxy is unreachable (blackhole)");
    }

    @Test
    void aFormThatNamesNoAgentForItsFaultComesBackWithTheFieldsProblem() throws Exception {
        Cookie session = SignedIn.as(Role.RESPONDER, mvc, accounts);
        String page = mvc.perform(post("/drills").cookie(session).with(csrf())
                        .param("scenario", "dns breaks").param("title", "Drill").param("service", "ci").param("environment", "ci")
                        .param("severity", "SEV3").param("runbook", "go-module-download").param("fault", "DNS")
                        .param("targets", "10.1.2.3").param("port", "443").param("agents", "").param("faultMinutes", "10"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("is not a host name, an IPv4 address or network (a DNS fault needs names)").contains("value=\"dns breaks\"");
    }

    @Test
    void theApiRefusesAScenarioThatIsNotWellFormedNamingTheField() throws Exception {
        Api api = new Api(port);
        String base = "{\"title\":\"drill\",\"service\":\"ci\",\"environment\":\"ci\",\"severity\":\"SEV3\",\"drill\":";
        assertProblem(api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                base + "{\"scenario\":\"x\",\"fault\":\"blackhole\",\"targets\":[\"-rf\"],\"agents\":[\"a\"]}}"), "drill.targets");
        assertProblem(api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                base + "{\"scenario\":\"x\",\"fault\":\"refuse\",\"targets\":[\"10.0.0.1\"]}}"), "drill.agents");
        assertProblem(api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                base + "{\"scenario\":\"x\",\"expect\":\"dns\",\"participants\":[\"nobody-" + UUID.randomUUID() + "\"]}}"), "drill.participants");
        assertProblem(api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                base + "{\"scenario\":\"x\",\"expect\":\"dns\",\"faultMinutes\":600}}"), "drill.faultMinutes");
        assertProblem(api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                base + "{\"scenario\":\"x\",\"fault\":\"none\"}}"), "drill.expect");
    }

    @Test
    void drillsOfARunbookAreComparedOverTimeAndOnlyTheScenariosAgentsReportItsFaults() throws Exception {
        Api api = new Api(port);
        String service = "drill-" + UUID.randomUUID().toString().substring(0, 8);
        String first = declare(api, service);
        String second = declare(api, service);
        // the second drill does better: its diagnosis is not asked for, but its first step is done
        api.post("/api/v1/incidents/" + second + "/steps/connectivity/go-env", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"outcome\":\"done\"}");

        JsonNode compared = json.readTree(api.get("/api/v1/drills?runbook=go-module-download", GoldenfiveTest.ADMIN_TOKEN).body());
        JsonNode drills = compared.get(0).get("drills");
        var keys = drills.valueStream().map(d -> d.get("key").asString()).toList();
        assertThat(keys.indexOf(first)).as("oldest first").isLessThan(keys.indexOf(second));
        JsonNode better = drills.get(keys.indexOf(second));
        assertThat(better.get("stepsDone").asInt()).isEqualTo(1);
        assertThat(better.get("score").get("steps").asInt()).isPositive();

        var refused = api.post("/api/v1/drills/" + first + "/faults", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"agent\":\"someone-else\",\"fault\":\"blackhole\",\"target\":\"proxy.example.com\",\"state\":\"injected\"}");
        assertProblem(refused, "agent");
        var other = api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"other-" + UUID.randomUUID().toString().substring(0, 8) + "\",\"labels\":{\"service\":\"another-service\"}}");
        String otherToken = json.readTree(other.body()).get("token").asString();
        var forbidden = api.post("/api/v1/drills/" + first + "/faults", otherToken, "application/json",
                "{\"agent\":\"ci-runner-1\",\"fault\":\"blackhole\",\"target\":\"proxy.example.com\",\"state\":\"removed\"}");
        assertThat(forbidden.statusCode()).as("an agent of another service says nothing of this drill").isEqualTo(403);
        assertThat(api.get("/api/v1/drills/INC-999999999", GoldenfiveTest.ADMIN_TOKEN).statusCode()).isEqualTo(404);
    }

    private String declare(Api api, String service) throws Exception {
        var response = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"drill\",\"service\":\"" + service + "\",\"environment\":\"ci\",\"severity\":\"SEV3\",\"drill\":{\"scenario\":"
                        + "\"proxy gone\",\"fault\":\"blackhole\",\"targets\":[\"proxy.example.com\"],\"agents\":[\"ci-runner-1\"]}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("key").asString();
    }

    private static void assertProblem(java.net.http.HttpResponse<String> response, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("problem+json"));
        assertThat(response.body()).contains("\"" + field + "\"");
    }

    private String page(String path, Cookie session) throws Exception {
        return mvc.perform(get(path).cookie(session)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }
}
