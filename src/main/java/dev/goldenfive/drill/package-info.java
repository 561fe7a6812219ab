/**
 * Drills: incidents declared to rehearse the five minutes against faults the agents really inject. The reports that
 * score a drill and compare the drills of a runbook over time, the faults the agents say they injected and removed,
 * and the pages to declare a drill and read its report.
 */
package dev.goldenfive.drill;
