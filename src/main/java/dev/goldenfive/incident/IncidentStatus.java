package dev.goldenfive.incident;

/** OPEN → RESOLVED → CLOSED; a resolved incident can be reopened. */
public enum IncidentStatus { OPEN, RESOLVED, CLOSED }
