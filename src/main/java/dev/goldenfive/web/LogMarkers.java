package dev.goldenfive.web;

import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/** Markers of log lines that need care. */
public final class LogMarkers {

    /**
     * A line that holds a secret meant for the operator's eyes once (a generated password): it goes to the
     * console, never into goldenfive's own log archive.
     */
    public static final Marker CONFIDENTIAL = MarkerFactory.getMarker("CONFIDENTIAL");

    private LogMarkers() {
    }
}
