package dev.goldenfive.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** GOLDENFIVE_ADMIN_TOKEN is the source of truth at every start: a new value replaces the old one. */
@GoldenfiveTest
class ProvisionedAdminTokenTest {

    @LocalServerPort
    int port;

    @Autowired
    ApiTokens tokens;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void restoreTheSuitesToken() {
        tokens.provisionAdminToken(GoldenfiveTest.ADMIN_TOKEN, FirstStart.ADMIN);
    }

    @Test
    void aChangedValueWorksAndTheOldOneIsRevoked() throws Exception {
        String rotated = "rotated-admin-token-abcdefghijklmnopqrstuvwxyz";

        tokens.provisionAdminToken(rotated, FirstStart.ADMIN);

        assertThat(statusOf(rotated)).isEqualTo(200);
        assertThat(statusOf(GoldenfiveTest.ADMIN_TOKEN)).isEqualTo(401);
    }

    @Test
    void removingTheValueRevokesItAndSettingItAgainRestoresIt() throws Exception {
        tokens.provisionAdminToken("", FirstStart.ADMIN);
        assertThat(statusOf(GoldenfiveTest.ADMIN_TOKEN)).isEqualTo(401);

        tokens.provisionAdminToken(GoldenfiveTest.ADMIN_TOKEN, FirstStart.ADMIN);
        assertThat(statusOf(GoldenfiveTest.ADMIN_TOKEN)).isEqualTo(200);
    }

    @Test
    void provisioningTheSameValueTwiceKeepsOneToken() {
        tokens.provisionAdminToken(GoldenfiveTest.ADMIN_TOKEN, FirstStart.ADMIN);
        tokens.provisionAdminToken(GoldenfiveTest.ADMIN_TOKEN, FirstStart.ADMIN);

        assertThat(tokens.listAll()).filteredOn(t -> t.provisioned() && t.active()).hasSize(1);
    }

    @Test
    void aValueAnAdministratorRevokedStaysRevokedAtTheNextStart() throws Exception {
        String leaked = "leaked-admin-token-abcdefghijklmnopqrstuvwxyz";
        assertThat(tokens.provisionAdminToken(leaked, FirstStart.ADMIN)).isTrue();
        long id = tokens.listAll().stream().filter(t -> t.provisioned() && t.active()).findFirst().orElseThrow().id();

        tokens.revoke(id);

        assertThat(tokens.provisionAdminToken(leaked, FirstStart.ADMIN)).isFalse();
        assertThat(statusOf(leaked)).isEqualTo(401);
    }

    private int statusOf(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/me"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
