package dev.goldenfive.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.FileSystemUtils;
import org.springframework.util.StringUtils;

/**
 * Starts a real PostgreSQL from the jar when no datasource URL is configured, so that
 * {@code ./mvnw spring-boot:run} works on a machine with nothing but a JDK. The data stays on disk
 * between runs. With {@code spring.datasource.url} set this configuration does nothing.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoDatasourceUrl.class)
class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);
    static final String DATABASE = "goldenfive";
    private static final String SUPERUSER = "postgres";

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(EmbeddedDatabaseSettings settings) throws IOException {
        Path dir = settings.ephemeral()
                ? Files.createTempDirectory("goldenfive-pg-")
                : settings.dir().toAbsolutePath().normalize();
        Files.createDirectories(dir);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(settings.ephemeral())
                .setPort(settings.port())
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "100")
                .setServerConfig("timezone", "UTC")
                .start();
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, dir, settings.ephemeral());
        database.createApplicationDatabase();
        if (settings.ephemeral()) {
            log.info("Embedded PostgreSQL (ephemeral) on port {}, data in {}", postgres.getPort(), dir);
        }
        else {
            log.warn("No spring.datasource.url configured: running on an embedded PostgreSQL on port {} with its "
                    + "data in {}. This mode is for evaluation on one machine; set SPRING_DATASOURCE_URL to use "
                    + "your own PostgreSQL server in production.", postgres.getPort(), dir);
        }
        return database;
    }

    @Bean
    JdbcConnectionDetails embeddedDatabaseConnectionDetails(EmbeddedDatabase database) {
        String url = database.jdbcUrl();
        return new JdbcConnectionDetails() {
            @Override
            public String getUsername() {
                return SUPERUSER;
            }

            @Override
            public String getPassword() {
                return "";
            }

            @Override
            public String getJdbcUrl() {
                return url;
            }
        };
    }

    /** The running server and where its data lives; stops the server (and removes ephemeral data) on close. */
    record EmbeddedDatabase(EmbeddedPostgres postgres, Path dir, boolean ephemeral) implements AutoCloseable {

        String jdbcUrl() {
            return postgres.getJdbcUrl(SUPERUSER, DATABASE);
        }

        void createApplicationDatabase() {
            try (var connection = postgres.getPostgresDatabase().getConnection();
                 var statement = connection.createStatement()) {
                var exists = statement.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'");
                if (!exists.next()) {
                    statement.execute("create database " + DATABASE);
                }
            }
            catch (java.sql.SQLException ex) {
                throw new IllegalStateException("Could not create the embedded database " + DATABASE, ex);
            }
        }

        @Override
        public void close() throws IOException {
            postgres.close();
            if (ephemeral) {
                FileSystemUtils.deleteRecursively(dir);
            }
        }
    }

    static class NoDatasourceUrl extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"))
                    ? ConditionOutcome.noMatch("spring.datasource.url is set")
                    : ConditionOutcome.match("no spring.datasource.url: using the embedded PostgreSQL");
        }
    }
}
