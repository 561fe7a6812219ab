package dev.goldenfive.oncall;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.goldenfive.incident.Severity;

/**
 * How a person is told they are paged: {@code channels} in order, each {@code after} a delay from the page (email
 * at once, the team's chat a minute later…); during {@code quiet} hours pages of the quiet severities wait for
 * the hours to end; {@code browser}: open goldenfive pages show a notification too.
 */
public record NotificationRules(
        @Size(max = 10) List<@NotNull @Valid Channel> channels,
        @Valid Quiet quiet,
        Boolean browser) {

    /** Written in place of a stored secret when rules are read; written back, it keeps the secret. */
    public static final String KEPT_SECRET = "(kept)";
    static final NotificationRules NONE = new NotificationRules(List.of(), null, true);

    public NotificationRules {
        channels = channels == null ? List.of() : List.copyOf(channels);
        browser = browser == null || browser;
    }

    /** The kinds of channel, by the provider whose message format and signing they speak. */
    public enum Kind {
        @JsonProperty("email") EMAIL,
        @JsonProperty("slack") SLACK,
        @JsonProperty("teams") TEAMS,
        @JsonProperty("mattermost") MATTERMOST,
        @JsonProperty("dingtalk") DINGTALK,
        @JsonProperty("feishu") FEISHU,
        @JsonProperty("wecom") WECOM;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param to     an email address, or the chat service's incoming-webhook URL
     * @param secret the signing secret of a DingTalk or Feishu robot (optional)
     * @param after  how long after the page: {@code PT0S} (at once), {@code PT1M}…
     */
    public record Channel(
            @NotNull Kind kind,
            @NotBlank @Size(max = 2000) String to,
            @Size(max = 200) String secret,
            @Pattern(regexp = "PT0S|PT[1-9][0-9]{0,3}[MS]", message = "must be PT0S (at once) or a delay such as PT1M") String after) {

        public Channel {
            after = after == null || after.isBlank() ? "PT0S" : after;
        }
    }

    /** Pages of {@code severities} from {@code from} to {@code to} (local times in {@code timeZone}) wait until {@code to}. */
    public record Quiet(
            @NotEmpty List<@NotNull Severity> severities,
            @NotNull @Pattern(regexp = "([01][0-9]|2[0-3]):[0-5][0-9]", message = "must be a time such as 22:00") String from,
            @NotNull @Pattern(regexp = "([01][0-9]|2[0-3]):[0-5][0-9]", message = "must be a time such as 07:00") String to,
            @NotBlank @Size(max = 64) String timeZone) {

        /** When a page of this severity at {@code now} may be sent: now, or the end of the quiet hours it falls in. */
        Instant sendAt(Severity severity, Instant now) {
            if (!severities.contains(severity)) {
                return now;
            }
            ZonedDateTime local = now.atZone(ZoneId.of(timeZone));
            LocalTime start = LocalTime.parse(from);
            LocalTime end = LocalTime.parse(to);
            LocalTime time = local.toLocalTime();
            boolean quiet = start.isBefore(end) ? !time.isBefore(start) && time.isBefore(end) : !time.isBefore(start) || time.isBefore(end);
            if (!quiet) {
                return now;
            }
            ZonedDateTime ends = local.with(end);
            return (ends.isAfter(local) ? ends : ends.plusDays(1)).toInstant();
        }

        boolean zoneKnown() {
            try {
                ZoneId.of(timeZone);
                return true;
            }
            catch (DateTimeException ex) {
                return false;
            }
        }
    }
}
