package dev.goldenfive.logarchive;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.goldenfive.web.InvalidField;

/** Time range presets as people write them: 15m, 1h, 24h, 7d. */
final class LogRanges {

    private static final Pattern RANGE = Pattern.compile("(\\d{1,4})([mhd])");
    /** The range when none is asked for. */
    static final String DEFAULT = "1h";

    /** From {@code start} to {@code end}. */
    record Window(Instant start, Instant end) {
    }

    /** Up to {@code to} (now when absent), from {@code from} or else {@code range} back from the end. */
    static Window window(Instant from, Instant to, String range, Instant now) {
        Instant end = to == null ? now : to;
        return new Window(from != null ? from : end.minus(parse(range)), end);
    }

    private LogRanges() {
    }

    static Duration parse(String range) {
        Matcher m = RANGE.matcher(range.strip());
        if (!m.matches()) {
            throw new InvalidField("range", "must be a number and m, h or d, such as 15m, 1h or 7d", "logs.problem.range");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
