package dev.goldenfive.logarchive;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.web.LogMarkers;

import static org.assertj.core.api.Assertions.assertThat;

/** goldenfive's own log lines, shipped into its own archive through the application's real logging. */
@GoldenfiveTest
class OwnLogsTest {

    private static final Logger log = LoggerFactory.getLogger(OwnLogsTest.class);

    @Autowired
    LogIngest ingest;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aLineTheApplicationLogsArrivesInTheArchiveWithItsLoggerAndTrace() {
        String environment = "own-" + UUID.randomUUID().toString().substring(0, 8);
        OwnLogs own = new OwnLogs(ingest, new LogSettings(10_485_760, 10_000, 65_536, 6, Duration.ofMillis(200),
                Duration.ofHours(1), true, environment, java.util.List.of(), org.springframework.util.unit.DataSize.ofGigabytes(50)));
        own.start();
        try {
            MDC.put("traceId", "0af7651916cd43dd8448eb211c80319c");
            log.warn("deadline fired {} ms late", 120, new IllegalStateException("clock jumped"));
            log.debug("too chatty to ship");
            log.warn(LogMarkers.CONFIDENTIAL, "password: {}", "hunter2-for-the-console-only");
        }
        finally {
            MDC.clear();
            own.stop();
        }

        var rows = jdbc.sql("select level, message, service, trace_id, attributes::text as attributes from log_line where environment = :environment")
                .param("environment", environment).query().listOfRows();
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row).containsEntry("level", "warn").containsEntry("service", "goldenfive")
                    .containsEntry("trace_id", "0af7651916cd43dd8448eb211c80319c");
            assertThat((String) row.get("message")).startsWith("deadline fired 120 ms late").contains("IllegalStateException: clock jumped");
            assertThat((String) row.get("attributes")).contains(OwnLogsTest.class.getName());
        });
    }
}
