package dev.goldenfive.database;

import java.nio.file.Path;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The embedded PostgreSQL used when no {@code spring.datasource.url} is configured.
 *
 * @param dir       where the cluster's data lives between runs
 * @param port      TCP port on the loopback interface; 0 picks a free one
 * @param ephemeral start from an empty temporary directory and delete it on shutdown (tests, demos)
 */
@Validated
@ConfigurationProperties("goldenfive.embedded-db")
public record EmbeddedDatabaseSettings(
        @NotNull @DefaultValue("./data") Path dir,
        @Min(0) @Max(65535) @DefaultValue("0") int port,
        @DefaultValue("false") boolean ephemeral) {
}
