package dev.goldenfive.security;

/** Where a person's sign-in is checked: a password kept here, the company's OpenID provider, or its directory. */
public enum Source {
    LOCAL,
    OIDC,
    LDAP;

    /** The word the audit and the pages use for the method of signing in. */
    String method() {
        return this == LOCAL ? "password" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
