package dev.goldenfive.web;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.SignedIn;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** Absolute links come from goldenfive.base-url (https://goldenfive.example.test here), never from a request's Host header. */
@GoldenfiveTest
class BaseUrlTest {

    private static final String BASE = "https://goldenfive.example.test";

    @LocalServerPort
    int port;

    @Autowired
    MockMvc mvc;

    @Autowired
    UserAccounts accounts;

    @Autowired
    JsonMapper json;

    @Test
    void theAgentCommandShownOnRegistrationUsesTheConfiguredAddress() throws Exception {
        Cookie admin = SignedIn.as(Role.ADMIN, mvc, accounts);

        String page = mvc.perform(post("/admin/agents").cookie(admin).with(csrf()).with(hostHeader("attacker.example"))
                        .param("name", "base-" + UUID.randomUUID().toString().substring(0, 8)).param("labels", ""))
                .andReturn().getResponse().getContentAsString();

        assertThat(page).contains("curl -fsSLO " + BASE + "/agent/goldenfive-probe.sh")
                .contains("GOLDENFIVE_URL=" + BASE + " GOLDENFIVE_TOKEN=gfa_")
                .doesNotContain("attacker.example");
    }

    @Test
    void theOpenApiDocumentNamesTheConfiguredServer() throws Exception {
        String document = mvc.perform(get("/v3/api-docs").with(hostHeader("attacker.example")))
                .andReturn().getResponse().getContentAsString();

        assertThat(json.readTree(document).get("servers").get(0).get("url").asString()).isEqualTo(BASE);
    }

    @Test
    void redirectsOverRealHttpDoNotEchoTheHostHeader() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /incidents HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);

            assertThat(answer).startsWith("HTTP/1.1 302").doesNotContain("attacker.example");
        }
    }

    private static RequestPostProcessor hostHeader(String host) {
        return request -> {
            request.setServerName(host);
            request.addHeader("Host", host);
            return request;
        };
    }
}
