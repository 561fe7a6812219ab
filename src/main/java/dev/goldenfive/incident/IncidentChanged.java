package dev.goldenfive.incident;

/**
 * Heard on every replica once a change with a timeline entry has committed (a stage entered, an incident
 * declared or resolved, probes asked for): published in this replica for other modules to act on. {@code key}
 * is null when changes may have been missed (the replica stopped listening for a while): any incident may have
 * changed.
 */
public record IncidentChanged(IncidentKey key) {

    static final IncidentChanged ANY = new IncidentChanged(null);

    /** Whether the change may concern {@code incident}. */
    public boolean concerns(IncidentKey incident) {
        return key == null || key.equals(incident);
    }
}
