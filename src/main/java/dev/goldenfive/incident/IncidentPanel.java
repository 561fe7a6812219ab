package dev.goldenfive.incident;

import java.util.Map;
import java.util.Set;

/**
 * A section another module adds to the incident page (evidence, logs), as a bean. The page renders the
 * fragment {@code panel(data)} of the Thymeleaf template {@link #template()} with what {@link #model}
 * returns as {@code data}, in the order of {@link #order()}; the module keeps its own template and data.
 * A live update renders the panel again only when {@link #changedBy} says the change touched it.
 */
public interface IncidentPanel {

    /** Names the panel's box on the page ({@code panel-<name>}): lower-case letters. */
    String name();

    /** A template name such as {@code probe/evidence}, holding a fragment {@code panel(data)}. */
    String template();

    /** Lower comes first. */
    int order();

    /** Read when the page is made, and for a live update the panel is part of. */
    Map<String, Object> model(IncidentRef incident);

    /** Whether what the panel shows may have changed with {@code change}. */
    boolean changedBy(Change change);

    /**
     * What a live update of the incident page is about: the kinds of the timeline entries it brings, and
     * whether something the page shows changed without an entry (new evidence).
     */
    record Change(Set<String> kinds, boolean touched) {

        /** Kinds of the entries that change the incident itself: its state, stage, people. */
        static final Set<String> STATE = Set.of("declared", "acknowledged", "mitigated", "commander-assigned",
                "stage-entered", "golden-window-missed", "resolved", "reopened", "closed");

        public boolean stateChanged() {
            return kinds.stream().anyMatch(STATE::contains);
        }

        public boolean brings(String kind) {
            return kinds.contains(kind);
        }
    }
}
