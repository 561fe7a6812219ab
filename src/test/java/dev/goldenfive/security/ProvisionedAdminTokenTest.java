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
    void aValueShorterThan32CharactersOrWithSpacesIsRefusedBeforeTheApplicationStarts() {
        var validator = jakarta.validation.Validation.buildDefaultValidatorFactory().getValidator();
        var throttle = new SecuritySettings.LoginThrottle(5, 20, java.time.Duration.ofSeconds(30),
                java.time.Duration.ofMinutes(15), java.time.Duration.ofMinutes(15));

        assertThat(validator.validate(new SecuritySettings("", "too-short", 12, throttle)))
                .singleElement().satisfies(v -> assertThat(v.getMessage()).contains("at least 32 characters"));
        assertThat(validator.validate(new SecuritySettings("", "a token with spaces in it that is long", 12, throttle)))
                .hasSize(1);
        assertThat(validator.validate(new SecuritySettings("", GoldenfiveTest.ADMIN_TOKEN, 12, throttle))).isEmpty();
        assertThat(validator.validate(new SecuritySettings("", "", 12, throttle))).isEmpty();
    }

    private int statusOf(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/me"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
