package dev.goldenfive.incident;

import java.util.Map;

/**
 * A section another module adds to the dashboard (the workarounds in place), as a bean: the fragment
 * {@code section(data)} of the template {@link #template()} with what {@link #model()} returns as {@code data}, in a
 * box {@code panel-<name>} that the dashboard's live updates render again with its lists.
 */
public interface DashboardSection {

    /** Lower-case letters: names the section's box. */
    String name();

    /** A template name such as {@code workaround/dashboard}, holding a fragment {@code section(data)}. */
    String template();

    /** Lower comes first; every section comes after the open incidents. */
    int order();

    Map<String, Object> model();
}
