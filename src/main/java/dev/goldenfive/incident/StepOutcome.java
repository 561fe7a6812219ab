package dev.goldenfive.incident;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** What became of a runbook step during an incident. */
public enum StepOutcome {
    DONE, SKIPPED, FAILED;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<StepOutcome> fromLabel(String label) {
        return Arrays.stream(values()).filter(o -> o.label().equals(label)).findFirst();
    }
}
