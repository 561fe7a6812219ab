package dev.goldenfive.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

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
            assertThat(output).contains("Created the user 'admin' with the generated password");
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

    private static ConfigurableApplicationContext start(Path data) {
        return new SpringApplicationBuilder(GoldenfiveApplication.class)
                .run("--server.port=0", "--goldenfive.embedded-db.dir=" + data,
                        "--goldenfive.security.bcrypt-strength=10", "--goldenfive.security.admin-password=",
                        "--goldenfive.security.admin-token=");
    }

    private static int count(String text, String needle) {
        return text.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }
}
