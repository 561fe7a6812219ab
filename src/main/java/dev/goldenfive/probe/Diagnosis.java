package dev.goldenfive.probe;

import java.util.List;

import dev.goldenfive.runbook.FaultBoundary;

/** The fault boundary the first matching diagnosis rule names, with the checks (and their results) behind it. */
public record Diagnosis(String rule, FaultBoundary boundary, String title, String explanation, List<CheckState> evidence) {
}
