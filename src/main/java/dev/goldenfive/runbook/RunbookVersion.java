package dev.goldenfive.runbook;

import java.time.Instant;

/** One immutable version of a runbook; incidents pin the version they were declared on. */
public record RunbookVersion(long id, String key, int version, Runbook runbook, Instant createdAt, String createdBy) {
}
