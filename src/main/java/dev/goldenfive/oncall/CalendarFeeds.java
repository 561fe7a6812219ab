package dev.goldenfive.oncall;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.web.WebSettings;

/**
 * Each person's shifts as an iCalendar feed at a secret URL, so they show in any calendar. The secret is 256
 * random bits; only its SHA-256 is kept, and a new one replaces the old. The feed holds the shifts of the past
 * {@link #BEHIND} and the next {@link #AHEAD} in every schedule that names the person.
 */
@Service
@Transactional
public class CalendarFeeds {

    static final Duration BEHIND = Duration.ofDays(7);
    static final Duration AHEAD = Duration.ofDays(90);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Schedules schedules;
    private final JdbcClient jdbc;
    private final WebSettings site;
    private final Clock clock;

    CalendarFeeds(Schedules schedules, JdbcClient jdbc, WebSettings site, Clock clock) {
        this.schedules = schedules;
        this.jdbc = jdbc;
        this.site = site;
        this.clock = clock;
    }

    /** A new feed URL for {@code username}, shown this once; the one before stops working. */
    public String renew(String username) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        jdbc.sql("""
                insert into calendar_feed (username, token_hash, created_at) values (:user, :hash, :now)
                on conflict (username) do update set token_hash = excluded.token_hash, created_at = excluded.created_at
                """)
                .param("user", username).param("hash", sha256(token)).param("now", Timestamp.from(clock.instant())).update();
        return site.base() + "/calendar/" + token + ".ics";
    }

    /** The feed behind {@code token}, or empty when no feed has that secret. */
    @Transactional(readOnly = true)
    public Optional<String> feed(String token) {
        return jdbc.sql("select username from calendar_feed where token_hash = :hash").param("hash", sha256(token))
                .query(String.class).optional().map(this::calendar);
    }

    /** RFC 5545: one event per shift, times in UTC, lines ending in CRLF. */
    private String calendar(String username) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        StringBuilder ics = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//goldenfive//on call//EN\r\nCALSCALE:GREGORIAN\r\n")
                .append(line("X-WR-CALNAME:" + text("On call: " + username)));
        for (Schedule schedule : schedules.list()) {
            for (OnCall.Shift shift : OnCall.spans(schedule, now.minus(BEHIND), now.plus(AHEAD))) {
                if (!shift.user().equals(username)) {
                    continue;
                }
                ics.append("BEGIN:VEVENT\r\n")
                        .append("UID:").append(schedule.key()).append('-').append(shift.from().getEpochSecond()).append("@goldenfive\r\n")
                        .append("DTSTAMP:").append(UTC.format(now)).append("\r\n")
                        .append("DTSTART:").append(UTC.format(shift.from())).append("\r\n")
                        .append("DTEND:").append(UTC.format(shift.to())).append("\r\n")
                        .append(line("SUMMARY:" + text("On call: " + schedule.name() + " (" + shift.by() + ")")))
                        .append("END:VEVENT\r\n");
            }
        }
        return ics.append("END:VCALENDAR\r\n").toString();
    }

    /** A TEXT value: backslashes, semicolons, commas and line breaks escaped. */
    private static String text(String value) {
        return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n").replace("\r", "");
    }

    /** A content line, folded (CRLF and a space) so that no line is longer than 75 octets, never inside a character. */
    static String line(String content) {
        StringBuilder folded = new StringBuilder();
        int octets = 0;
        for (int i = 0; i < content.length(); i = content.offsetByCodePoints(i, 1)) {
            String character = new String(Character.toChars(content.codePointAt(i)));
            int size = character.getBytes(StandardCharsets.UTF_8).length;
            if (octets + size > 75) {
                folded.append("\r\n ");
                octets = 1;
            }
            folded.append(character);
            octets += size;
        }
        return folded.append("\r\n").toString();
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
