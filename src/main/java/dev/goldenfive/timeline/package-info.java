/**
 * The append-only record of every incident. Each entry holds a {@link dev.goldenfive.timeline.Fact}, one
 * sealed record per kind of entry, written by the module that knows it and read back as the same record
 * (stored as JSON, decoded in one place), so a renamed field breaks the build rather than a report. Entries
 * are written in the transaction of the change they record and never changed afterwards.
 */
package dev.goldenfive.timeline;
