package dev.goldenfive.oncall;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Who is paged for the incidents of {@code services}, level after level. A level pages everyone its targets
 * name (a schedule's person on call, a person, every schedule of a team) and moves on to the next when nobody
 * acknowledged: by default at the end of the incident's current stage window ({@code after: stage}), or after a
 * fixed delay ({@code PT5M}). After the last level the policy starts again, {@code repeat} times.
 */
public record EscalationPolicy(
        @NotNull @Pattern(regexp = Schedule.KEY, message = Schedule.KEY_MESSAGE) String key,
        @NotBlank @Size(max = 200) String name,
        @NotEmpty @Size(max = 50) List<@NotBlank @Size(max = 100) String> services,
        @NotEmpty @Size(max = 10) List<@NotNull @Valid Level> levels,
        @Min(0) @Max(5) Integer repeat) {

    public EscalationPolicy {
        repeat = repeat == null ? 0 : repeat;
    }

    public record Level(
            @NotEmpty @Size(max = 20) List<@NotNull @Valid Target> targets,
            @Pattern(regexp = "stage|PT[1-9][0-9]{0,3}[MS]", message = "must be stage (the window's end) or a delay such as PT5M") String after) {

        public Level {
            after = after == null || after.isBlank() ? "stage" : after;
        }
    }

    /** One of: the person a schedule names, a person, or the people every schedule of a team names. */
    public record Target(@Size(max = 63) String schedule, @Size(max = 64) String user, @Size(max = 100) String team) {
    }
}
