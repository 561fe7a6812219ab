package dev.goldenfive.security;

import org.springframework.security.core.AuthenticationException;

/**
 * A sign-in the provider accepted but goldenfive refuses, with the reason the login page shows ({@code
 * login.refused.<reason>}) and the audit keeps.
 */
final class SignInRefused extends AuthenticationException {

    /** Why: {@code no-role}, {@code disabled}, {@code name-taken}, {@code username} or {@code provider}. */
    private final String reason;
    private final String username;
    private final String method;

    SignInRefused(String reason, String username, String method, String message) {
        super(message);
        this.reason = reason;
        this.username = username;
        this.method = method;
    }

    String reason() {
        return reason;
    }

    String username() {
        return username;
    }

    String method() {
        return method;
    }
}
