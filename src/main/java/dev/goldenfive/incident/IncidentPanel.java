package dev.goldenfive.incident;

import java.util.Map;

/**
 * A section another module adds to the incident page (evidence, logs), as a bean. The page renders the
 * fragment {@code panel(data)} of the Thymeleaf template {@link #template()} with what {@link #model}
 * returns as {@code data}, in the order of {@link #order()}; the module keeps its own template and data.
 */
public interface IncidentPanel {

    /** A template name such as {@code probe/evidence}, holding a fragment {@code panel(data)}. */
    String template();

    /** Lower comes first. */
    int order();

    /** Read when the page is made (and at every live refresh). */
    Map<String, Object> model(IncidentRef incident);
}
