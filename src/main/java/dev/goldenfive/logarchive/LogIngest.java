package dev.goldenfive.logarchive;

import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.postgresql.PGConnection;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import dev.goldenfive.web.InvalidField;

/**
 * Stores log lines: makes the day and environment partitions they need, then copies them in with one
 * {@code COPY} (the fastest way into PostgreSQL, and all or nothing).
 */
@Service
public class LogIngest {

    private static final Pattern ESCAPED_NUL = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

    static final String COLUMNS = "ts, received_at, environment, service, host, level, message, trace_id, span_id, incident, attributes, source";
    static final int MAX_PARTITIONS = 20;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_INSTANT;

    private final LogPartitions partitions;
    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final Clock clock;

    LogIngest(LogPartitions partitions, JdbcTemplate jdbc, JsonMapper json, Clock clock) {
        this.partitions = partitions;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** Stores the lines, all or none; {@code source} says who sent them. The number stored. */
    public long store(List<LogLine> lines, String source) {
        if (lines.isEmpty()) {
            return 0;
        }
        Set<Map.Entry<LocalDate, String>> needed = new LinkedHashSet<>();
        lines.forEach(l -> needed.add(Map.entry(LocalDate.ofInstant(l.ts(), ZoneOffset.UTC), l.environment())));
        if (needed.size() > MAX_PARTITIONS) {
            // each day and environment is a table: one request must not be able to make thousands
            throw new InvalidField("environment", "the lines of one request may fall on at most " + MAX_PARTITIONS
                    + " days and environments together (these fall on " + needed.size() + "); send them in several requests");
        }
        partitions.ensure(needed);
        String data = copyText(lines, source, clock.instant());
        try {
            return copy(data);
        }
        catch (DataIntegrityViolationException noPartition) {
            // another replica dropped a partition this one still knew (retention): make it again, once
            partitions.forget(needed);
            partitions.ensure(needed);
            return copy(data);
        }
    }

    long copy(String data) {
        return jdbc.execute((ConnectionCallback<Long>) connection -> {
            try {
                // bytes, not a Reader: the driver would encode a Reader in chunks and could split a character in two
                return connection.unwrap(PGConnection.class).getCopyAPI()
                        .copyIn("copy log_line (" + COLUMNS + ") from stdin", new ByteArrayInputStream(data.getBytes(StandardCharsets.UTF_8)));
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
    }

    /** PostgreSQL's COPY text format: tab-separated, \N for null, backslash escapes. */
    String copyText(List<LogLine> lines, String source, Instant now) {
        StringBuilder out = new StringBuilder(lines.size() * 256);
        String received = TIMESTAMP.format(now);
        for (LogLine l : lines) {
            field(out, TIMESTAMP.format(l.ts())).append('\t');
            field(out, received).append('\t');
            field(out, l.environment()).append('\t');
            field(out, l.service()).append('\t');
            field(out, l.host()).append('\t');
            field(out, l.level()).append('\t');
            field(out, l.message()).append('\t');
            field(out, l.traceId()).append('\t');
            field(out, l.spanId()).append('\t');
            field(out, l.incident()).append('\t');
            // PostgreSQL's jsonb cannot hold NUL either, not even escaped
            field(out, withoutNul(json.writeValueAsString(l.attributes()))).append('\t');
            field(out, source).append('\n');
        }
        return out.toString();
    }

    private static StringBuilder field(StringBuilder out, String value) {
        if (value == null) {
            return out.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out;
    }

    /** An escaped NUL (which jsonb cannot hold) as U+FFFD, like every other column; an escaped backslash before "u0000" is text. */
    static String withoutNul(String json) {
        return json.contains("\\u0000") ? ESCAPED_NUL.matcher(json).replaceAll("$1\\\\uFFFD") : json;
    }
}
