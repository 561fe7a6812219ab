package dev.goldenfive.security;

import java.time.Instant;

/** A token as listed: its name and lookup prefix, never its secret. */
public record TokenView(long id, TokenKind kind, String name, String prefix, String owner, boolean provisioned,
        Instant createdAt, Instant expiresAt, Instant lastUsedAt, Instant revokedAt, boolean active) {
}
