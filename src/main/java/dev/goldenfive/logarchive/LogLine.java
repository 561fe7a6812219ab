package dev.goldenfive.logarchive;

import java.time.Instant;
import java.util.Map;

/** One log line as goldenfive keeps it; fields other than time, environment and message may be null. */
public record LogLine(Instant ts, String environment, String service, String host, String level, String message,
        String traceId, String spanId, String incident, Map<String, Object> attributes) {
}
