package dev.goldenfive.logarchive;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;

/**
 * One log line as goldenfive keeps it; fields other than time, environment and message may be null. Text
 * longer than its column holds is cut to fit (the message never is: the ingest refuses a line too long),
 * and the level is lower case, so that every format's lines fit the archive alike.
 */
public record LogLine(Instant ts, String environment, String service, String host, String level, String message,
        String traceId, String spanId, String incident, Map<String, Object> attributes) {

    public LogLine {
        // as PostgreSQL keeps it, so the day a line is filed under is the day it is stored in
        ts = ts.truncatedTo(ChronoUnit.MICROS);
        environment = environment == null || environment.isBlank() ? "unknown" : clip(environment.strip(), 50);
        service = clip(blankToNull(service), 100);
        host = clip(blankToNull(host), 255);
        level = level == null || level.isBlank() ? null : clip(level.strip().toLowerCase(Locale.ROOT), 20);
        message = noNul(message);
        traceId = clip(blankToNull(traceId), 64);
        spanId = clip(blankToNull(spanId), 32);
        attributes = attributes == null ? Map.of() : attributes;
    }

    /** Cut to fit its column; PostgreSQL's text cannot hold NUL, so it becomes U+FFFD everywhere alike. */
    private static String clip(String text, int max) {
        String clean = noNul(text);
        return clean == null || clean.length() <= max ? clean : clean.substring(0, max);
    }

    private static String noNul(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
