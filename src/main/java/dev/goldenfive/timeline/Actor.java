package dev.goldenfive.timeline;

/** Who did something: a person (by user name), an agent (by token name) or goldenfive itself. */
public record Actor(Kind kind, String id) {

    public enum Kind { USER, AGENT, SYSTEM }

    /** goldenfive's own timers. */
    public static final Actor TIMER = new Actor(Kind.SYSTEM, "timer");

    public static Actor user(String username) {
        return new Actor(Kind.USER, username);
    }
}
