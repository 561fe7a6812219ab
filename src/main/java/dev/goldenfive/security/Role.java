package dev.goldenfive.security;

/** What a person may do. A person holds one or more roles; none implies another. */
public enum Role {
    /** On-call engineer: declares and works incidents. */
    RESPONDER,
    /** Reviews timelines, writes post-incident reviews, reads reports. */
    MANAGER,
    /** Manages users, tokens, runbooks and retention. */
    ADMIN;

    public String authority() {
        return "ROLE_" + name();
    }
}
