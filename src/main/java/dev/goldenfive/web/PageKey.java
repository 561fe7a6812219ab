package dev.goldenfive.web;

import java.time.Instant;

/**
 * Where a row stands in a newest-first list: its time and id, written {@code <time>_<id>}. Lists page on it
 * (keyset: the next page is what comes after the last key), and a key names one row for good.
 */
public record PageKey(Instant at, long id) {

    /** {@code reason} says, for {@code field}, what a valid key is. */
    public static PageKey parse(String text, String field, String reason) {
        return parse(text, field, reason, null);
    }

    /** {@code reason} says, for {@code field}, what a valid key is; the message {@code code} says it in other languages. */
    public static PageKey parse(String text, String field, String reason, String code) {
        int at = text.lastIndexOf('_');
        try {
            return new PageKey(Instant.parse(text.substring(0, at)), Long.parseLong(text.substring(at + 1)));
        }
        catch (RuntimeException ex) {
            throw new InvalidField(field, reason, code);
        }
    }

    @Override
    public String toString() {
        return at + "_" + id;
    }
}
