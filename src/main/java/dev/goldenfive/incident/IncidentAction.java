package dev.goldenfive.incident;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** What people may do to an incident; which ones are allowed depends on its state. */
public enum IncidentAction {
    ACKNOWLEDGE("acknowledge"),
    ASSIGN_COMMANDER("assign-commander"),
    MITIGATE("mitigate"),
    ADVANCE("advance"),
    RESOLVE("resolve"),
    REOPEN("reopen"),
    CLOSE("close");

    private final String path;

    IncidentAction(String path) {
        this.path = path;
    }

    /** The name in URLs and JSON, e.g. {@code assign-commander}. */
    @JsonValue
    public String path() {
        return path;
    }

    public static Optional<IncidentAction> fromPath(String path) {
        return Arrays.stream(values()).filter(a -> a.path.equals(path)).findFirst();
    }
}
