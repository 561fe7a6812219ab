/**
 * Incidents: each a timed state machine that walks its runbook's stages against the clock.
 *
 * <h2>What other modules use</h2>
 * <ul>
 *   <li>{@link dev.goldenfive.incident.IncidentCommands}: everything that changes an incident. Declare one, act
 *       on it (acknowledge, mitigate, assign a commander, advance, resolve, reopen, close), mark steps, add
 *       notes, and {@code record} a {@link dev.goldenfive.timeline.Fact} another module found out (a check
 *       or diagnosis changed, an alert fired, a log line was pinned). Every change takes the incident's row
 *       lock and is written to the timeline in the same transaction.</li>
 *   <li>{@link dev.goldenfive.incident.Incidents}: the read side. An {@link dev.goldenfive.incident.IncidentRef}
 *       by {@link dev.goldenfive.incident.IncidentKey} or id, the open incidents to match evidence against,
 *       lists with filters, what the incident page shows, timeline reads and the change streams.</li>
 *   <li>Value types: {@code IncidentKey} ({@code INC-42}), {@code IncidentRef}, {@code IncidentView},
 *       {@code IncidentSummary}, {@code Severity}, {@code IncidentStatus}, {@code IncidentAction},
 *       {@code StepOutcome}.</li>
 *   <li>Events, published in the transaction of the change: {@link dev.goldenfive.incident.IncidentEvent}
 *       (one record per transition, each with the fact the timeline records) and
 *       {@link dev.goldenfive.incident.FindingRecorded}; and, heard on every replica once a change with a timeline
 *       entry committed, {@link dev.goldenfive.incident.IncidentChanged} (standing agents' work follows it).</li>
 *   <li>{@link dev.goldenfive.incident.IncidentContext}: what the probes of an incident need to know (its
 *       {@code goproxy}, {@code module}, {@code goprivate}), given when it is declared, and their shapes.</li>
 *   <li>{@link dev.goldenfive.incident.CloseCondition}: what another module requires before an incident is
 *       closed (the review module: a completed review).</li>
 *   <li>{@link dev.goldenfive.incident.IncidentProblems}: the refusals, as domain exceptions. The web layer
 *       answers them: problem+json on the API, a page in the reader's language in the browser.</li>
 *   <li>{@link dev.goldenfive.incident.IncidentPanel} and {@link dev.goldenfive.incident.TimelineWords}: how
 *       other modules put a panel on the incident page, and timeline entries in the reader's language.</li>
 * </ul>
 *
 * <h2>Inside</h2>
 * The {@code Incident} aggregate guards its own transitions. Its deadlines are persisted; the package-private
 * {@code IncidentDeadlines} finds those due and fires each exactly once across replicas (the row lock,
 * {@code SKIP LOCKED}), driven by {@code IncidentTimers}. {@code IncidentChanges} tells open pages and
 * streams of changes on any replica through PostgreSQL {@code LISTEN/NOTIFY}; {@code LivePages} makes what the
 * incident page and the dashboard show, for a whole page and for the updates each open page's stream is sent
 * (rendered outside any request, for its reader). The API and the pages are package-private controllers.
 */
package dev.goldenfive.incident;
