package dev.goldenfive.incident;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.goldenfive.incident.IncidentTimersTest.HTTP;
import static dev.goldenfive.incident.IncidentTimersTest.RESPONDER;
import static dev.goldenfive.incident.IncidentTimersTest.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL really stopped (fast shutdown, as a restart does) while deadlines fall due, then started again:
 * the deadlines fire within seconds of its return, each once, and requests meanwhile are told to come back.
 */
class DatabaseRestartTest {

    @TempDir
    Path dir;

    @Test
    void deadlinesDueWhileTheDatabaseIsDownFireSoonAfterItReturnsAndRequestsMeanwhileGet503() throws Exception {
        Path data = dir.resolve("data");
        Server server = null;
        try (var app = IncidentTimersTest.start("--goldenfive.embedded-db.dir=" + data)) {
            var database = app.getBean(JdbcConnectionDetails.class);
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            String runbook = IncidentTimersTest.publishShortRunbook(app);
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                keys.add(app.getBean(IncidentCommands.class).declare(IncidentTimersTest.declaration(runbook), RESPONDER).key().toString());
            }
            server = Server.of(data);

            server.stop();
            Instant stopped = Instant.now();
            try {
                // asked at once, side by side: each waits for the pool's connection timeout (3 s) at most
                var during = CompletableFuture.supplyAsync(() -> get(port, "/api/v1/incidents"));
                var notReady = CompletableFuture.supplyAsync(() -> readiness(port));
                var answer = during.get(10, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
                assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                assertThat(answer.body()).contains("The database is unavailable");
                assertThat(notReady.get(10, TimeUnit.SECONDS)).as("not ready while the database is away").isEqualTo(503);
                // down about as long as a restart takes, and long enough for the windows ending at 2 s and 4 s to pass
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), stopped.plusMillis(4500)).toMillis()));
            }
            finally {
                server.start(database.getJdbcUrl(), database.getUsername(), database.getPassword());
            }
            Instant back = Instant.now();

            JdbcClient jdbc = app.getBean(JdbcClient.class);
            // three deadlines an incident (2, 4 and 6 s): all of them fall due by now or soon
            IncidentTimersTest.waitUntil(() -> {
                try {
                    return IncidentTimersTest.timerEntries(jdbc).size() >= 30;
                }
                catch (RuntimeException poolNotBackYet) {
                    return false;
                }
            }, Duration.ofSeconds(15));
            List<Map<String, Object>> fired = IncidentTimersTest.timerEntries(jdbc);
            assertThat(fired).as("every deadline fired").hasSize(30);
            List<Map<String, Object>> dueInOutage = fired.stream()
                    .filter(e -> ((Instant) e.get("deadline")).isBefore(back)).toList();
            assertThat(dueInOutage).as("deadlines that fell due while the database was down").hasSizeGreaterThanOrEqualTo(20);
            assertThat(dueInOutage).allSatisfy(e -> assertThat((Instant) e.get("at"))
                    .as("fired within 5 s of the database's return").isBefore(back.plusSeconds(5)));
            assertThat(fired).extracting(e -> e.get("key") + "→" + e.get("to")).as("each once").doesNotHaveDuplicates();
            assertThat(fired).extracting(e -> e.get("key").toString()).containsAll(keys);
            IncidentTimersTest.waitUntil(() -> readiness(port) == 200, Duration.ofSeconds(10));
            assertThat(readiness(port)).as("ready again by itself").isEqualTo(200);
            assertThat(get(port, "/api/v1/incidents").statusCode()).isEqualTo(200);
        }
        finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException | InterruptedException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static int readiness(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        catch (Exception notAnswering) {
            return -1;
        }
    }

    /**
     * The embedded PostgreSQL on a data directory, stopped as a restart stops it (SIGINT: fast shutdown, every
     * session cut) and started again with the same binary and options, as the same user.
     */
    private static final class Server implements AutoCloseable {

        private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

        private final Path data;
        private final List<String> commandLine;
        private Process restarted;

        private Server(Path data, List<String> commandLine) {
            this.data = data;
            this.commandLine = commandLine;
        }

        /** The server as postmaster.opts says it was started: the binary, then its arguments in quotes. */
        static Server of(Path data) throws IOException {
            String opts = Files.readString(data.resolve("postmaster.opts"), StandardCharsets.UTF_8).strip();
            List<String> line = new ArrayList<>(List.of(opts.substring(0, opts.indexOf(" \"")).strip()));
            Matcher quoted = QUOTED.matcher(opts.substring(opts.indexOf(" \"")));
            while (quoted.find()) {
                line.add(quoted.group(1));
            }
            return new Server(data, line);
        }

        void stop() throws Exception {
            ProcessHandle server = ProcessHandle.of(pid()).orElseThrow();
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).start();
            assertThat(kill.waitFor()).isZero();
            server.onExit().get(30, TimeUnit.SECONDS);
        }

        /** Returns once the server accepts connections. */
        void start(String jdbcUrl, String user, String password) throws Exception {
            List<String> line = new ArrayList<>();
            if ("root".equals(System.getProperty("user.name"))) {
                // PostgreSQL never runs as root: in a user namespace of its own it is not (as the embedded start does it)
                line.addAll(List.of("unshare", "-U"));
            }
            line.addAll(commandLine);
            restarted = new ProcessBuilder(line).redirectErrorStream(true)
                    .redirectOutput(data.resolveSibling("restarted.log").toFile()).start();
            Instant until = Instant.now().plusSeconds(30);
            while (true) {
                try (var connection = java.sql.DriverManager.getConnection(jdbcUrl, user, password)) {
                    return;
                }
                catch (java.sql.SQLException notYet) {
                    if (Instant.now().isAfter(until) || !restarted.isAlive()) {
                        throw new AssertionError("PostgreSQL did not start again: " + commandLine + "\n"
                                + Files.readString(data.resolveSibling("restarted.log")), notYet);
                    }
                    Thread.sleep(20);
                }
            }
        }

        private long pid() throws IOException {
            return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().strip());
        }

        /** The server this test started is stopped by it too, should the application not have. */
        @Override
        public void close() throws Exception {
            Path log = data.resolveSibling("restarted.log");
            if (Files.exists(log)) {
                System.out.println("RESTARTED-LOG\n" + Files.readString(log));
            }
            if (restarted != null && restarted.isAlive()) {
                new ProcessBuilder("kill", "-INT", Long.toString(restarted.pid())).start().waitFor();
                restarted.onExit().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
