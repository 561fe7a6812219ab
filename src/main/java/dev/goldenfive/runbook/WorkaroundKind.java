package dev.goldenfive.runbook;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The kinds of temporary change made to get builds going (the seed's §3.2), which the workaround ledger records
 * and a runbook step may say it makes.
 */
public enum WorkaroundKind {
    GOPROXY_SWITCHED("goproxy-switched"),
    GOSUMDB_OFF("gosumdb-off"),
    GOPRIVATE_WIDENED("goprivate-widened"),
    WEIGHTS_SHIFTED("weights-shifted"),
    FEATURE_FLAG("feature-flag"),
    OTHER("other");

    private final String label;

    WorkaroundKind(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    public static Optional<WorkaroundKind> fromLabel(String label) {
        return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst();
    }

    @JsonCreator
    static WorkaroundKind of(String label) {
        return fromLabel(label).orElseThrow(() -> new IllegalArgumentException("'" + label + "' is not one of "
                + Arrays.stream(values()).map(WorkaroundKind::label).toList()));
    }
}
