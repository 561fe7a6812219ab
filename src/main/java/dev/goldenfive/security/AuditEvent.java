package dev.goldenfive.security;

import java.time.Instant;
import java.util.Map;

/**
 * One line of the audit: what was done ({@code action}), whether it worked, by whom ({@code actor}), to whom or
 * what ({@code subject}), how ({@code method}: password, oidc, ldap, token, page) and from which address.
 */
public record AuditEvent(long id, Instant at, String action, Outcome outcome, String actor, String subject,
        String method, String address, Map<String, Object> detail) {

    public enum Outcome {
        SUCCESS,
        FAILURE
    }
}
