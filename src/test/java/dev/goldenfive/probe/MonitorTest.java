package dev.goldenfive.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.sun.net.httpserver.HttpServer;
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
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Monitors run by a standing agent against a server that really goes away: the monitor opens an incident with
 * the evidence attached and t0 at the first failed result, and resolves it when the server is back.
 */
@GoldenfiveTest
class MonitorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    @Test
    void aMonitorOpensOneIncidentWhenItsTargetFailsTwiceInARowAndResolvesItWhenTheTargetIsBack() throws Exception {
        Api api = new Api(port);
        String service = "monitored-" + UUID.randomUUID().toString().substring(0, 8);
        int targetPort = BlackboxExporterTest.freePort();
        HttpServer target = serve(targetPort);
        Path script = Files.createTempFile("goldenfive-probe", ".sh");
        Files.writeString(script, api.get(AgentScript.PATH, null).body());
        var created = api.post("/api/v1/monitors", GoldenfiveTest.ADMIN_TOKEN, "application/json", """
                {"name":"%s","probe":"http","target":"http://127.0.0.1:%d","intervalSeconds":5,"service":"%s","environment":"prod",
                 "runbook":"go-module-download","failAfter":2,"minAgents":1,"resolveOnRecovery":true}""".formatted(service, targetPort, service));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        try (StandingAgent agent = StandingAgent.start(List.of("sh", script.toString(), "watch"), Map.of(
                "GOLDENFIVE_URL", "http://127.0.0.1:" + port, "GOLDENFIVE_TOKEN", agentToken(api), "GOLDENFIVE_TIMEOUT", "2",
                "GOLDENFIVE_LABELS", "service=" + service + ",environment=prod", "GOSUMDB", "off",
                // the incident's work fetches modules through GOPROXY and the mirror: both here, nothing leaves the machine
                "GOPROXY", "http://127.0.0.1:" + targetPort, "GOLDENFIVE_MIRROR", "http://127.0.0.1:" + targetPort,
                "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"))) {
            assertThat(agent.awaitSaying("monitor " + service + " done: 2 probes, 0 failed", PATIENCE)).as(agent.output()).isTrue();
            assertThat(incidents(api, service)).as("nothing opens while the target answers").isEmpty();

            Instant onset = Instant.now();
            target.stop(0);
            JsonNode incident = await(() -> incidents(api, service).stream().findFirst().orElse(null));
            assertThat(incident).as(agent.output()).isNotNull();
            String key = incident.get("key").asString();
            assertThat(Instant.parse(incident.get("startedAt").asString())).as("t0 is the first failed result")
                    .isAfterOrEqualTo(onset.minusSeconds(1)).isBefore(Instant.now());
            JsonNode evidence = json.readTree(api.get("/api/v1/incidents/" + key + "/evidence", GoldenfiveTest.ADMIN_TOKEN).body());
            assertThat(evidence.get("total").asLong()).as("the failed results are its evidence already").isGreaterThanOrEqualTo(2);
            assertThat(evidence.get("checks").valueStream().filter(c -> c.get("key").asString().equals("tcp-connects")))
                    .singleElement().satisfies(c -> assertThat(c.get("state").asString()).isEqualTo("failed"));

            target = serve(targetPort);
            JsonNode resolved = await(() -> {
                JsonNode now = json.readTree(api.get("/api/v1/incidents/" + key, GoldenfiveTest.ADMIN_TOKEN).body());
                return now.get("status").asString().equals("RESOLVED") ? now : null;
            });
            assertThat(resolved).as(agent.output()).isNotNull();
            assertThat(api.get("/api/v1/incidents/" + key + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body())
                    .contains("Monitor " + service + " passes again");
            assertThat(incidents(api, service)).as("one incident for the one outage").hasSize(1);
        }
        finally {
            target.stop(0);
            api.delete("/api/v1/monitors/" + service, GoldenfiveTest.ADMIN_TOKEN);
            Files.deleteIfExists(script);
        }
    }

    @Test
    void aMonitorThatIsNotSoundIsRefusedWithEveryWrongFieldNamed() throws Exception {
        var refused = new Api(port).post("/api/v1/monitors", GoldenfiveTest.ADMIN_TOKEN, "application/json", """
                {"name":"bad one","probe":"smtp","target":"ftp://files/; rm -rf /","intervalSeconds":1,"service":"ci",
                 "runbook":"no-such-runbook"}""");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("\"name\"", "\"probe\"", "\"target\"", "\"intervalSeconds\"", "\"runbook\"", "\"environment\"");
        var optionLike = new Api(port).post("/api/v1/monitors", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"netrc\",\"probe\":\"dns\",\"target\":\"-f.netrc\",\"service\":\"ci\"}");
        assertThat(optionLike.statusCode()).as("a target no tool may take for an option").isEqualTo(400);
        var urlForAReference = new Api(port).post("/api/v1/monitors", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"ref\",\"probe\":\"reference\",\"target\":\"https://1.1.1.1\",\"service\":\"ci\"}");
        assertThat(urlForAReference.body()).contains("with its port");
    }

    @Test
    void anAdministratorAddsAMonitorOnThePageAndSeesWhatWasWrongWithTheFormAgain() throws Exception {
        Cookie admin = SignedIn.as(Role.ADMIN, mvc, accounts);
        String name = "page-" + UUID.randomUUID().toString().substring(0, 8);

        String refused = mvc.perform(post("/admin/monitors").cookie(admin).with(csrf()).param("name", name).param("probe", "http")
                        .param("target", "not a url").param("intervalSeconds", "soon").param("service", "ci"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        mvc.perform(post("/admin/monitors").cookie(admin).with(csrf()).param("name", name).param("probe", "dns")
                        .param("target", "proxy.golang.org").param("intervalSeconds", "30").param("service", "ci"))
                .andExpect(status().is3xxRedirection());

        assertThat(refused).contains("must be a URL of a host").contains("must be 5 to 3600 seconds").contains("value=\"not a url\"");
        assertThat(mvc.perform(get("/admin/monitors").cookie(admin)).andReturn().getResponse().getContentAsString())
                .contains("data-monitor=\"" + name + "\"").contains("proxy.golang.org");
        mvc.perform(get("/admin/monitors").cookie(SignedIn.as(Role.RESPONDER, mvc, accounts))).andExpect(status().isForbidden());
        mvc.perform(post("/admin/monitors/" + name + "/delete").cookie(admin).with(csrf())).andExpect(status().is3xxRedirection());
    }

    private List<JsonNode> incidents(Api api, String service) throws Exception {
        return json.readTree(api.get("/api/v1/incidents?service=" + service, GoldenfiveTest.ADMIN_TOKEN).body()).get("items").valueStream().toList();
    }

    private String agentToken(Api api) throws Exception {
        var response = api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"monitor-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        return json.readTree(response.body()).get("token").asString();
    }

    /** Asks until the answer is not null, for a failing test's sake only; null if it never was. */
    private static <T> T await(Answer<T> answer) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            T found = answer.get();
            if (found != null) {
                return found;
            }
            Thread.sleep(250);
        }
        return null;
    }

    private interface Answer<T> {
        T get() throws Exception;
    }

    private static HttpServer serve(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> TestModules.answer(exchange, 200, "ok\n"));
        server.start();
        return server;
    }
}
