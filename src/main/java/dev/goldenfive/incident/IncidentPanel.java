package dev.goldenfive.incident;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.goldenfive.timeline.Fact;

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

    /** Shown above the runbook's steps, as what a responder reads first (the diagnosis); else below them. */
    default boolean leads() {
        return false;
    }

    /** Read when the page is made, and for a live update the panel is part of. */
    Map<String, Object> model(IncidentRef incident);

    /** Whether what the panel shows may have changed with {@code change}. */
    boolean changedBy(Change change);

    /** What changed on an incident's page without a timeline entry, as other modules tell it. */
    enum Touch {
        /** New probe results (that changed no check's state). */
        EVIDENCE,
        /** New probe results that carry trace ids, which the logs look for. */
        TRACE_IDS;

        /** As streams and live requests name it: {@code trace-ids}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The touches a live request names ({@code evidence,trace-ids}); {@code all} (or {@code true}) is every one. */
        static Set<Touch> parse(String labels) {
            Set<Touch> touches = EnumSet.noneOf(Touch.class);
            for (String label : labels.split(",")) {
                if (label.equals("all") || label.equals("true")) {
                    return EnumSet.allOf(Touch.class);
                }
                Arrays.stream(values()).filter(touch -> touch.label().equals(label)).forEach(touches::add);
            }
            return touches;
        }
    }

    /**
     * What a live update of the incident page is about: the facts of the timeline entries it brings, and
     * what the page shows that changed without an entry.
     */
    record Change(List<Fact> facts, Set<Touch> touches) {

        public Change {
            facts = List.copyOf(facts);
            touches = touches.isEmpty() ? Set.of() : Set.copyOf(touches);
        }

        public boolean touched(Touch touch) {
            return touches.contains(touch);
        }

        /** Whether an entry changed the incident itself: its state, stage, people. */
        public boolean stateChanged() {
            return facts.stream().anyMatch(fact -> switch (fact) {
                case Fact.Declared ignored -> true;
                case Fact.Acknowledged ignored -> true;
                case Fact.Mitigated ignored -> true;
                case Fact.CommanderAssigned ignored -> true;
                case Fact.StageEntered ignored -> true;
                case Fact.GoldenWindowMissed ignored -> true;
                case Fact.Resolved ignored -> true;
                case Fact.Reopened ignored -> true;
                case Fact.Closed ignored -> true;
                default -> false;
            });
        }

        /** Whether the incident was declared, resolved, reopened or closed: whether its steps show at all. */
        public boolean statusChanged() {
            return facts.stream().anyMatch(fact -> fact instanceof Fact.Declared || fact instanceof Fact.Resolved
                    || fact instanceof Fact.Reopened || fact instanceof Fact.Closed);
        }

        /** The steps marked by the entries of the update, each once, in the order they were first marked. */
        public List<Fact.StepMarked> markedSteps() {
            Set<String> seen = new HashSet<>();
            return facts.stream().filter(Fact.StepMarked.class::isInstance).map(Fact.StepMarked.class::cast)
                    .filter(marked -> seen.add(marked.stage() + "/" + marked.step()))
                    .toList();
        }

        /** Whether steps show again, and so their marks are read: all of them, or the marked ones. */
        public boolean stepsShown() {
            return statusChanged() || brings(Fact.StepMarked.class);
        }

        /** Whether an entry of the update records a fact of {@code type}. */
        public boolean brings(Class<? extends Fact> type) {
            return facts.stream().anyMatch(type::isInstance);
        }
    }
}
