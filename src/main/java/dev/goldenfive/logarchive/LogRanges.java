package dev.goldenfive.logarchive;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.goldenfive.web.InvalidField;

/** Time range presets as people write them: 15m, 1h, 24h, 7d. */
final class LogRanges {

    private static final Pattern RANGE = Pattern.compile("(\\d{1,4})([mhd])");

    private LogRanges() {
    }

    static Duration parse(String range) {
        Matcher m = RANGE.matcher(range.strip());
        if (!m.matches()) {
            throw new InvalidField("range", "must be a number and m, h or d, such as 15m, 1h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
