package dev.goldenfive.probe;

import java.util.List;

import dev.goldenfive.runbook.FaultBoundary;

/** The fault boundary the first matching diagnosis rule names, with the checks (and their results) behind it. */
public record Diagnosis(String rule, FaultBoundary boundary, String title, String explanation, List<CheckState> evidence) {

    /**
     * What would change the diagnosis: a rule naming another boundary that waits for one check only, not yet
     * measured, to be {@code wanted}.
     */
    public record Alternative(String rule, FaultBoundary boundary, String title, String check, String checkTitle, CheckState.State wanted) {
    }
}
