package dev.goldenfive.database;

import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.GoldenfiveApplication;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The newcomer's path: no database configured, start, stop, start again. */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void withNoDatasourceConfiguredTheDataLivesInTheDirectoryAndSurvivesARestart(CapturedOutput output) {
        Path data = dir.resolve("data");

        try (var first = start(data)) {
            first.getBean(UserAccounts.class).create("kept", "Kept Person", "a-long-enough-password",
                    EnumSet.of(Role.RESPONDER));
            assertThat(output).contains("running on an embedded PostgreSQL").contains(data.toString())
                    .contains("for evaluation");
            assertThat(output).contains("Created the user 'admin' with a generated password")
                    .containsPattern("(?m)^\\s+password: \\S{16,}$");
        }
        assertThat(Files.exists(data.resolve("PG_VERSION"))).isTrue();
        int printedBefore = count(output.getOut(), "generated password");

        try (var second = start(data)) {
            assertThat(second.getBean(UserAccounts.class).findByUsername("kept")).isPresent();
            assertThat(second.getBean(JdbcClient.class).sql("show server_version").query(String.class).single())
                    .startsWith("17.");
        }
        assertThat(count(output.getOut(), "generated password")).as("the password is printed only once")
                .isEqualTo(printedBefore);
    }

    @Test
    void theEmbeddedServerWantsAPasswordAndTheApplicationIsNoSuperuser() throws Exception {
        Path data = dir.resolve("data");

        try (var context = start(data)) {
            var database = context.getBean(EmbeddedPostgresConfiguration.EmbeddedDatabase.class);
            String url = database.postgres().getJdbcUrl("postgres", "goldenfive");

            assertThatExceptionOfType(SQLException.class)
                    .isThrownBy(() -> DriverManager.getConnection(url, "postgres", "").close());
            assertThatExceptionOfType(SQLException.class)
                    .isThrownBy(() -> DriverManager.getConnection(url, "postgres", "guess").close());
            assertThatExceptionOfType(SQLException.class).as("the application's password is not the superuser's")
                    .isThrownBy(() -> DriverManager.getConnection(url, "postgres", database.password()).close());
            DriverManager.getConnection(url, "postgres", database.superuserPassword()).close();
            assertThat(context.getBean(JdbcClient.class).sql("select rolsuper from pg_roles where rolname = current_user")
                    .query(Boolean.class).single()).isFalse();
            for (String file : List.of(EmbeddedPostgresConfiguration.PASSWORD_FILE, EmbeddedPostgresConfiguration.SUPERUSER_PASSWORD_FILE)) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(file))))
                        .as(file).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void aServerLeftRunningByADeadRunIsStoppedInsteadOfBlockingTheStart(CapturedOutput output) throws Exception {
        Path data = dir.resolve("data");
        start(data).close();
        String password = Files.readString(data.resolve(EmbeddedPostgresConfiguration.SUPERUSER_PASSWORD_FILE)).strip();
        // what a JVM killed with SIGKILL leaves behind: a server still running on the directory, and no
        // file lock any more (a dead JVM holds none; this one must let go of its own)
        EmbeddedPostgres orphan = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                .setRegisterShutdownHook(false).setConnectConfig("password", password).start();
        var lock = EmbeddedPostgres.class.getDeclaredField("lock");
        lock.setAccessible(true);
        ((FileLock) lock.get(orphan)).release();
        long orphanPid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().strip());

        try (var context = start(data)) {
            assertThat(context.getBean(UserAccounts.class).findByUsername("admin")).isPresent();
            assertThat(output).contains("left running on " + data);
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        }
        finally {
            orphan.getProcess().destroyForcibly();
        }
    }

    @Test
    void aSecondGoldenfiveOnTheSameDataIsRefusedAndTheFirstKeepsRunning() {
        Path data = dir.resolve("data");

        try (var first = start(data)) {
            assertThatExceptionOfType(Exception.class).isThrownBy(() -> start(data).close())
                    .withStackTraceContaining("is in use by another running goldenfive");

            assertThat(first.getBean(UserAccounts.class).findByUsername("admin")).isPresent();
        }
    }

    private static ConfigurableApplicationContext start(Path data) {
        return new SpringApplicationBuilder(GoldenfiveApplication.class)
                .run("--server.port=0", "--goldenfive.shutdown-drain=0s", "--goldenfive.embedded-db.dir=" + data,
                        "--goldenfive.security.bcrypt-strength=10", "--goldenfive.security.admin-password=",
                        "--goldenfive.security.admin-token=");
    }

    private static int count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }
}
