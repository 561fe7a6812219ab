package dev.goldenfive.database;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.GoldenfiveApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Against a PostgreSQL server of the operator's, as in production. Runs when
 * {@code GOLDENFIVE_TEST_DATASOURCE_URL} (and _USERNAME, _PASSWORD) point at one; {@code .ci/run} starts
 * the system PostgreSQL for it.
 */
@EnabledIfEnvironmentVariable(named = "GOLDENFIVE_TEST_DATASOURCE_URL", matches = "jdbc:postgresql:.+",
        disabledReason = "set GOLDENFIVE_TEST_DATASOURCE_URL to run against an external PostgreSQL")
class ExternalPostgresTest {

    @Test
    void withADatasourceUrlTheMigrationsRunThereAndNothingIsEmbedded() {
        try (var context = new SpringApplicationBuilder(GoldenfiveApplication.class)
                .run("--server.port=0",
                        "--spring.datasource.url=" + System.getenv("GOLDENFIVE_TEST_DATASOURCE_URL"),
                        "--spring.datasource.username=" + System.getenv("GOLDENFIVE_TEST_DATASOURCE_USERNAME"),
                        "--spring.datasource.password=" + System.getenv("GOLDENFIVE_TEST_DATASOURCE_PASSWORD"),
                        "--goldenfive.security.bcrypt-strength=10", "--goldenfive.shutdown-drain=0s")) {
            assertThat(context.getBeansOfType(EmbeddedPostgresConfiguration.EmbeddedDatabase.class)).isEmpty();
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            assertThat(jdbc.sql("select count(*) from flyway_schema_history where success").query(Integer.class).single())
                    .isPositive();
            assertThat(jdbc.sql("show server_version_num").query(Integer.class).single()).isGreaterThanOrEqualTo(150000);
            assertThat(jdbc.sql("select count(*) from app_user where username = 'admin'").query(Integer.class).single())
                    .isEqualTo(1);
        }
    }
}
