package dev.goldenfive.security;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A bearer token as stored: never the secret itself, only its hash. */
@Entity
@Table(name = "api_token")
class ApiToken {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Enumerated(EnumType.STRING)
    private TokenKind kind;

    private String name;

    private String lookup;

    private byte[] secretHash;

    private Long ownerId;

    private Long createdBy;

    private boolean provisioned;

    private Instant createdAt;

    private Instant expiresAt;

    private Instant lastUsedAt;

    private Instant revokedAt;

    private boolean revokedByPerson;

    /** The token this one was made with, if it was made with one. */
    private Long mintedBy;

    protected ApiToken() {
    }

    ApiToken(TokenKind kind, String name, String token, Long ownerId, Long createdBy, Instant now, Instant expiresAt,
            Long mintedBy) {
        this.mintedBy = mintedBy;
        this.kind = kind;
        this.name = name;
        this.lookup = TokenSecret.lookupOf(token);
        this.secretHash = TokenSecret.hash(token);
        this.ownerId = ownerId;
        this.createdBy = createdBy;
        this.createdAt = now;
        this.expiresAt = expiresAt;
    }

    boolean isUsable(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    /** By a person: unlike a revocation by provisioning, this one is never undone. */
    void revoke(Instant now) {
        if (revokedAt == null) {
            revokedAt = now;
        }
        revokedByPerson = true;
    }

    Long id() {
        return id;
    }

    TokenKind kind() {
        return kind;
    }

    String name() {
        return name;
    }

    String lookup() {
        return lookup;
    }

    byte[] secretHash() {
        return secretHash;
    }

    Long ownerId() {
        return ownerId;
    }

    boolean provisioned() {
        return provisioned;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    Instant lastUsedAt() {
        return lastUsedAt;
    }

    Instant revokedAt() {
        return revokedAt;
    }
}
