package dev.goldenfive.security;

/** Who a bearer token speaks for. */
public enum TokenKind {
    /** A user's personal API token: it carries that user's roles. */
    PERSONAL,
    /** A machine posting probes, logs and alerts: it may use only the ingest endpoints. */
    AGENT
}
