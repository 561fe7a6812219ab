package dev.goldenfive.oncall;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Period;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * An on-call schedule as an administrator writes it: a team's rotations in a named time zone. Each layer
 * hands off at a local time (so a daily 09:00 hand-off stays at 09:00 across daylight-saving changes), its
 * members taking turns in order; a later layer wins where it applies (its restrictions say when), and an
 * override wins over every layer for its span.
 *
 * @param timeZone an IANA zone such as {@code Europe/Berlin}, in which hand-offs and restrictions are read
 */
public record Schedule(
        @NotNull @Pattern(regexp = KEY, message = KEY_MESSAGE) String key,
        @NotBlank @Size(max = 200) String name,
        @NotBlank @Size(max = 100) String team,
        @NotBlank @Size(max = 64) String timeZone,
        @NotEmpty @Size(max = 10) List<@NotNull @Valid Layer> layers,
        @Size(max = 500) List<@NotNull @Valid Override> overrides) {

    static final String KEY = "[a-z0-9][a-z0-9-]{0,62}";
    static final String KEY_MESSAGE = "must be 1–63 lower-case letters, digits or '-', starting with a letter or digit";

    public Schedule {
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    /** The zone, once the document is known to name a real one. */
    ZoneId zone() {
        return ZoneId.of(timeZone);
    }

    /**
     * A rotation: the first hand-off ({@code handoff}, local time in the schedule's zone), the length of a shift
     * ({@code shift}: {@code P1D} daily, {@code P7D} weekly, {@code P3D} or {@code PT12H} custom) and the
     * members in the order they take turns; {@code restrictions}, when given, are when the layer applies.
     */
    public record Layer(
            @NotBlank @Size(max = 100) String name,
            @NotNull LocalDateTime handoff,
            @NotBlank @Pattern(regexp = "P[1-9][0-9]{0,2}D|PT[1-9][0-9]{0,3}H", message = "must be days (P1D, P7D) or hours (PT12H)") String shift,
            @NotEmpty @Size(max = 100) List<@NotBlank @Size(max = 64) String> members,
            @Size(max = 20) List<@NotNull @Valid Restriction> restrictions) {

        public Layer {
            restrictions = restrictions == null ? List.of() : List.copyOf(restrictions);
        }

        /** The local date-time of the {@code k}-th hand-off: days and hours are counted on the wall clock. */
        LocalDateTime handoff(long k) {
            return shift.startsWith("PT") ? handoff.plusHours(k * Duration.parse(shift).toHours())
                    : handoff.plusDays(k * Period.parse(shift).getDays());
        }

        /** A shift's length on a day without a clock change. */
        Duration nominalShift() {
            return shift.startsWith("PT") ? Duration.parse(shift) : Duration.ofDays(Period.parse(shift).getDays());
        }
    }

    /** When a layer applies: on these days (all when empty), from {@code from} until {@code to} local time (past midnight when to ≤ from). */
    public record Restriction(Set<DayOfWeek> days, @NotNull LocalTime from, @NotNull LocalTime to) {

        public Restriction {
            days = days == null ? Set.of() : Set.copyOf(days);
        }
    }

    /** Someone covers {@code [from, to)} instead of whoever the layers name. */
    public record Override(@NotBlank @Size(max = 64) String user, @NotNull Instant from, @NotNull Instant to) {
    }

    /** Whether the zone is one the machine knows. */
    static boolean knownZone(String zone) {
        try {
            ZoneId.of(zone);
            return true;
        }
        catch (DateTimeException unknown) {
            return false;
        }
    }
}
