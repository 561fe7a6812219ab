package dev.goldenfive.web;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.SignedIn;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Input a client can get wrong is answered with a 4xx that says what to change, never a 500 and a stack trace. */
@GoldenfiveTest
@ExtendWith(OutputCaptureExtension.class)
class ClearClientErrorsTest {

    private static final String FAR_FUTURE = "%2B999999999-12-31T23:59:59Z";
    private static final String FAR_PAST = "-999999999-01-01T00:00:00Z";

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    DataSource dataSource;

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    private Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    void extremeTimesOnLogSearchProbesAndIncidentsAre400NamingTheField() throws Exception {
        for (String path : new String[] {"/api/v1/logs/search", "/api/v1/probes", "/api/v1/incidents", "/api/v1/reports/summary"}) {
            assertNamesField(api.get(path + "?from=" + FAR_FUTURE, GoldenfiveTest.ADMIN_TOKEN), path, "from");
            assertNamesField(api.get(path + "?to=" + FAR_FUTURE, GoldenfiveTest.ADMIN_TOKEN), path, "to");
            assertNamesField(api.get(path + "?from=" + FAR_PAST, GoldenfiveTest.ADMIN_TOKEN), path, "from");
        }
    }

    @Test
    void anExtremeTimeInAJsonBodyIs400NamingItsPath() throws Exception {
        var agent = api.post("/api/v1/agents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"name\":\"times-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        String token = json.readTree(agent.body()).get("token").asString();
        String probe = """
                {"id":"%s","type":"tls","target":"proxy.golang.org:443","startedAt":"%s","durationMs":3,"success":true,
                 "tls":{"earliestCertExpiry":"+999999999-12-31T23:59:59Z"}}""".formatted(UUID.randomUUID(), Instant.now());

        var response = api.post("/api/v1/probes", token, "application/json", probe);

        assertNamesField(response, "/api/v1/probes", "tls.earliestCertExpiry");
    }

    @Test
    void anExtremeTimeOnTheLogPageIsShownWithTheForm() throws Exception {
        var session = SignedIn.as(Role.RESPONDER, mvc, accounts);

        String page = mvc.perform(get("/logs").param("q", "x").param("from", "+999999-12-31T23:59").param("to", "2026-01-01T00:00")
                        .cookie(session))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("From: must be between the years 1 and 9999");
    }

    @Test
    void aSearchStoppedByTheStatementTimeoutSaysToNarrowItWithoutAnErrorInTheLog(CapturedOutput output) throws Exception {
        int before = output.getOut().length();
        // a lock that holds every reader of the archive until PostgreSQL stops the search at its timeout
        try (Connection holder = dataSource.getConnection(); Statement sql = holder.createStatement()) {
            holder.setAutoCommit(false);
            sql.execute("lock table log_line in access exclusive mode");
            var search = CompletableFuture.supplyAsync(() -> {
                try {
                    return api.get("/api/v1/logs/search?q=anything&range=1h", GoldenfiveTest.ADMIN_TOKEN);
                }
                catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            var response = search.get();
            holder.rollback();

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("10");
            assertThat(json.readTree(response.body()).get("detail").asString()).contains("Narrow it");
        }
        assertThat(output.getOut().substring(before)).doesNotContain(" ERROR ");
    }

    @Test
    void aRunbookWithASecondYamlDocumentSaysJustThat() throws Exception {
        var response = api.post("/api/v1/runbooks", GoldenfiveTest.ADMIN_TOKEN, "application/yaml", """
                key: two-docs
                title: Two
                ---
                key: other
                """);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json.readTree(response.body()).get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("(document)");
        assertThat(error.get("message").asString()).isEqualTo("must be a single document: nothing may follow it (no second '---' document)");
        assertThat(response.body()).doesNotContain("Trailing").doesNotContain("Feature").doesNotContain("jackson");
    }

    private void assertNamesField(java.net.http.HttpResponse<String> response, String path, String field) throws Exception {
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(400);
        JsonNode error = json.readTree(response.body()).get("errors").get(0);
        assertThat(error.get("field").asString()).as(path).isEqualTo(field);
        assertThat(error.get("message").asString()).as(path).contains("between the years 1 and 9999");
    }
}
