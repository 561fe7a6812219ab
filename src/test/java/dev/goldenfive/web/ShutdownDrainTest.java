package dev.goldenfive.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.goldenfive.GoldenfiveApplication;

import static org.assertj.core.api.Assertions.assertThat;

/** A replica stopped with SIGTERM, as a rolling restart stops it: nothing in flight is lost, nothing new refused early. */
class ShutdownDrainTest {

    static final String TOKEN = "drain-test-admin-token-0123456789abcdefghij";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void onSigtermReadinessGoesDownFirstNewRequestsAreStillServedAndASlowPostInFlightCompletes() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process replica = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GoldenfiveApplication.class.getName(),
                "--server.port=" + port, "--management.server.port=", "--goldenfive.embedded-db.ephemeral=true",
                "--goldenfive.embedded-db.dir=" + dir.resolve("data"), "--goldenfive.shutdown-drain=3s",
                "--goldenfive.security.admin-token=" + TOKEN, "--goldenfive.security.bcrypt-strength=10")
                .redirectErrorStream(true).redirectOutput(dir.resolve("replica.log").toFile()).start();
        try {
            Instant until = Instant.now().plusSeconds(90);
            while (status(port, "/actuator/health/readiness") != 200 && Instant.now().isBefore(until)) {
                Thread.sleep(200);
            }
            assertThat(status(port, "/actuator/health/readiness")).as("ready").isEqualTo(200);

            // a log post whose body arrives over two seconds: in flight when SIGTERM comes
            CompletableFuture<HttpResponse<String>> slow = HTTP.sendAsync(HttpRequest.newBuilder(uri(port, "/api/v1/logs"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Trickle(20, Duration.ofMillis(100)))).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);

            replica.destroy(); // SIGTERM
            Thread.sleep(500);

            assertThat(status(port, "/actuator/health/readiness")).as("not ready while draining").isEqualTo(503);
            assertThat(status(port, "/api/v1/me")).as("a new request during the drain is served").isEqualTo(200);
            HttpResponse<String> inFlight = slow.get(10, TimeUnit.SECONDS);
            assertThat(inFlight.statusCode()).as(inFlight.body()).isBetween(200, 299);
            assertThat(replica.waitFor(30, TimeUnit.SECONDS)).as("stopped after the drain").isTrue();
        }
        finally {
            replica.destroyForcibly().waitFor();
        }
    }

    private static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(port, path)).header("Authorization", "Bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        catch (Exception notAnswering) {
            return -1;
        }
    }

    private static URI uri(int port, String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** NDJSON log lines, one every {@code pause}. */
    private static final class Trickle extends InputStream {

        private final int lines;
        private final Duration pause;
        private int sent;
        private byte[] current = new byte[0];
        private int at;

        Trickle(int lines, Duration pause) {
            this.lines = lines;
            this.pause = pause;
        }

        @Override
        public int read() throws IOException {
            if (at == current.length) {
                if (sent == lines) {
                    return -1;
                }
                try {
                    Thread.sleep(pause);
                }
                catch (InterruptedException ex) {
                    throw new IOException(ex);
                }
                current = ("{\"message\":\"line " + sent++ + " of a slow upload\",\"service\":\"drain\",\"environment\":\"test\"}\n")
                        .getBytes(StandardCharsets.UTF_8);
                at = 0;
            }
            return current[at++];
        }
    }
}
