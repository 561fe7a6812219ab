package dev.goldenfive.incident;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** A deadline timer that cannot finish a round (here: held up by a lock) makes liveness DOWN, and UP again when it can. */
@GoldenfiveTest
@ExtendWith(OutputCaptureExtension.class)
class StuckTimerTest {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void livenessGoesDownWhileTheTimerIsStuckAndUpWhenItMovesAgain(CapturedOutput output) throws Exception {
        assertThat(liveness()).isEqualTo(200);
        try (Connection holder = dataSource.getConnection(); Statement sql = holder.createStatement()) {
            holder.setAutoCommit(false);
            sql.execute("lock table incident in access exclusive mode");

            // the test profile's timer-stuck-after is 8 s
            assertThat(within(Duration.ofSeconds(20), 503)).as("liveness DOWN while the timer is stuck").isTrue();

            holder.rollback();
        }
        assertThat(within(Duration.ofSeconds(10), 200)).as("liveness UP once it moves again").isTrue();
        assertThat(output.getOut()).contains("The incident timer has not finished a round since")
                .contains("\"incident-timers\"");
    }

    private boolean within(Duration limit, int status) throws Exception {
        Instant until = Instant.now().plus(limit);
        while (Instant.now().isBefore(until)) {
            if (liveness() == status) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    private int liveness() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/liveness")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
