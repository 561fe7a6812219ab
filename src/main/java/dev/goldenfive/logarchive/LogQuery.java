package dev.goldenfive.logarchive;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.goldenfive.runbook.Glob;
import dev.goldenfive.web.InvalidField;

/**
 * A search as SREs type it: words, "exact phrases", -exclusion, OR (between words and phrases), and
 * field:value (service:, level:, env:, host:, trace:, incident:; a value may be quoted and may use * as a
 * wildcard; -field:value excludes; a word with a colon that names no field is just a word). The
 * words and phrases become a PostgreSQL {@code websearch_to_tsquery} text — a bound value, never SQL — and
 * the fields become conditions on their columns.
 *
 * Words in scripts written without spaces (Chinese, Japanese, Korean) cannot be told apart by the full-text
 * index, which sees a whole run of such characters as one word: they are searched as text the message
 * contains instead.
 *
 * @param text     the full-text part, in websearch syntax; empty when the search has none
 * @param contains words (and phrases) the message must contain as text, or must not when excluded
 * @param terms    the words to highlight in the lines found (not the excluded ones)
 */
record LogQuery(String text, List<FieldCondition> fields, List<Contains> contains, List<String> terms) {

    static final int MAX_LENGTH = 1000;
    /** Field names as typed, and the column each one searches. */
    static final Map<String, String> COLUMNS = Map.of("service", "service", "level", "level", "env", "environment",
            "environment", "environment", "host", "host", "trace", "trace_id", "traceid", "trace_id", "incident", "incident",
            "span", "span_id");

    /** The message contains (or, excluded, does not contain) this text: a LIKE pattern, its wildcards escaped. */
    record Contains(String pattern, boolean excluded) {
    }

    /**
     * {@code column} (not) like {@code pattern}; {@code exact} is the value itself when it has no wildcard, so
     * the search can use the column's index with {@code =} (an index cannot serve a bound LIKE pattern).
     */
    record FieldCondition(String column, String pattern, String exact, boolean excluded) {
    }

    static LogQuery parse(String query) {
        String q = query == null ? "" : query.strip();
        if (q.length() > MAX_LENGTH) {
            throw new InvalidField("q", "must be at most " + MAX_LENGTH + " characters", "logs.problem.q.length", MAX_LENGTH);
        }
        if (q.indexOf('\0') >= 0) {
            throw new InvalidField("q", "must not contain NUL characters", "logs.problem.q.nul");
        }
        List<String> text = new ArrayList<>();
        List<FieldCondition> fields = new ArrayList<>();
        List<Contains> contains = new ArrayList<>();
        List<String> terms = new ArrayList<>();
        boolean orPending = false;
        int i = 0;
        while (i < q.length()) {
            char c = q.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            boolean excluded = c == '-' && i + 1 < q.length() && !Character.isWhitespace(q.charAt(i + 1));
            int start = excluded ? i + 1 : i;
            int colon = fieldEnd(q, start);
            String column = colon > 0 ? COLUMNS.get(q.substring(start, colon).toLowerCase(Locale.ROOT)) : null;
            // "panic: runtime error", "Caused by: …": a word with a colon that names no field is text
            if (column != null) {
                String name = q.substring(start, colon).toLowerCase(Locale.ROOT);
                Token value = token(q, colon + 1);
                if (value.text().isEmpty()) {
                    throw new InvalidField("q", "'" + name + ":' needs a value", "logs.problem.q.needsValue", name);
                }
                String wanted = column.equals("level") ? value.text().toLowerCase(Locale.ROOT) : value.text();
                fields.add(new FieldCondition(column, Glob.like(wanted), wanted.contains("*") ? null : wanted, excluded));
                i = value.end();
                continue;
            }
            Token word = token(q, start);
            i = Math.max(word.end(), start + 1);
            if (word.text().isEmpty()) {
                continue;
            }
            if (!excluded && !word.quoted() && word.text().equalsIgnoreCase("or")) {
                // OR joins the words and phrases on either side of it (fields are always all required)
                orPending = !text.isEmpty() && !text.getLast().equals("or");
                continue;
            }
            if (unspaced(word.text())) {
                contains.add(new Contains("%" + Glob.like(word.text()) + "%", excluded));
                if (!excluded) {
                    terms.add(word.text());
                }
                continue;
            }
            String quoted = word.quoted() ? "\"" + word.text().replace("\"", " ") + "\"" : word.text().replace("\"", " ");
            if (orPending) {
                text.add("or");
                orPending = false;
            }
            text.add((excluded ? "-" : "") + quoted);
            if (!excluded) {
                for (String part : word.text().split("[^\\p{L}\\p{N}_]+")) {
                    if (!part.isEmpty()) {
                        terms.add(part);
                    }
                }
            }
        }
        return new LogQuery(String.join(" ", text), List.copyOf(fields), List.copyOf(contains), List.copyOf(terms));
    }

    /** Whether the text has characters of a script written without spaces between words. */
    static boolean unspaced(String text) {
        return text.codePoints().anyMatch(c -> switch (Character.UnicodeScript.of(c)) {
            case HAN, HIRAGANA, KATAKANA, HANGUL, THAI, LAO, KHMER, MYANMAR -> true;
            default -> false;
        });
    }

    private record Token(String text, int end, boolean quoted) {
    }

    /** The end of a field name followed by ':' at {@code start}, or -1 when the word there is not field:value. */
    private static int fieldEnd(String q, int start) {
        int i = start;
        while (i < q.length() && (Character.isLetter(q.charAt(i)))) {
            i++;
        }
        return i > start && i < q.length() && q.charAt(i) == ':' ? i : -1;
    }

    /** A quoted string or a run of characters up to the next space. */
    private static Token token(String q, int start) {
        if (start < q.length() && q.charAt(start) == '"') {
            int close = q.indexOf('"', start + 1);
            int end = close < 0 ? q.length() : close;
            return new Token(q.substring(start + 1, end), Math.min(q.length(), end + 1), true);
        }
        int end = start;
        while (end < q.length() && !Character.isWhitespace(q.charAt(end))) {
            end++;
        }
        return new Token(q.substring(start, end), end, false);
    }
}
