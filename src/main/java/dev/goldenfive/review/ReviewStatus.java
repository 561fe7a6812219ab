package dev.goldenfive.review;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a review stands: written (started), read by others (in review), agreed (completed). */
public enum ReviewStatus {
    STARTED, IN_REVIEW, COMPLETED;

    @JsonValue
    public String label() {
        return name().toLowerCase().replace('_', '-');
    }

    public static Optional<ReviewStatus> fromLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst();
    }
}
