package dev.goldenfive.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/** As the Helm chart runs it: the actuator on a port of its own, which only the cluster reaches. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
@ActiveProfiles("test")
class ManagementPortTest {

    @LocalServerPort
    int applicationPort;

    @LocalManagementPort
    int managementPort;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void prometheusScrapesTheManagementPortWithoutATokenButNotTheApplicationPort() throws Exception {
        var onManagement = get(managementPort, "/actuator/prometheus");
        var onApplication = get(applicationPort, "/actuator/prometheus");

        assertThat(managementPort).isNotEqualTo(applicationPort);
        assertThat(onManagement.statusCode()).isEqualTo(200);
        assertThat(onManagement.body()).contains("jvm_memory_used_bytes");
        assertThat(onApplication.statusCode()).isIn(401, 404);
    }

    @Test
    void theProbesAnswerOnTheManagementPort() throws Exception {
        assertThat(get(managementPort, "/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
        assertThat(get(managementPort, "/actuator/health/liveness").body()).contains("\"status\":\"UP\"");
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
