package dev.goldenfive.logarchive;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.goldenfive.web.InvalidField;

/**
 * A search as SREs type it: words, "exact phrases", -exclusion, OR, and field:value (service:, level:, env:,
 * host:, trace:, incident:; a value may be quoted and may use * as a wildcard; -field:value excludes). The
 * words and phrases become a PostgreSQL {@code websearch_to_tsquery} text — a bound value, never SQL — and
 * the fields become conditions on their columns.
 *
 * @param text  the full-text part, in websearch syntax; empty when the search has none
 * @param terms the words to highlight in the lines found (not the excluded ones)
 */
record LogQuery(String text, List<FieldCondition> fields, List<String> terms) {

    static final int MAX_LENGTH = 1000;
    /** Field names as typed, and the column each one searches. */
    static final Map<String, String> COLUMNS = Map.of("service", "service", "level", "level", "env", "environment",
            "environment", "environment", "host", "host", "trace", "trace_id", "traceid", "trace_id", "incident", "incident",
            "span", "span_id");

    /** {@code column} (not) like {@code pattern}. */
    record FieldCondition(String column, String pattern, boolean excluded) {
    }

    static LogQuery parse(String query) {
        String q = query == null ? "" : query.strip();
        if (q.length() > MAX_LENGTH) {
            throw new InvalidField("q", "must be at most " + MAX_LENGTH + " characters");
        }
        List<String> text = new ArrayList<>();
        List<FieldCondition> fields = new ArrayList<>();
        List<String> terms = new ArrayList<>();
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
            if (colon > 0) {
                String name = q.substring(start, colon).toLowerCase(Locale.ROOT);
                String column = COLUMNS.get(name);
                if (column == null) {
                    throw new InvalidField("q", "'" + name + ":' is not a field; the fields are service, level, env, host, trace, incident, span");
                }
                Token value = token(q, colon + 1);
                if (value.text().isEmpty()) {
                    throw new InvalidField("q", "'" + name + ":' needs a value");
                }
                String pattern = like(column.equals("level") ? value.text().toLowerCase(Locale.ROOT) : value.text());
                fields.add(new FieldCondition(column, pattern, excluded));
                i = value.end();
                continue;
            }
            Token word = token(q, start);
            i = Math.max(word.end(), start + 1);
            if (word.text().isEmpty()) {
                continue;
            }
            if (!excluded && !word.quoted() && word.text().equalsIgnoreCase("or")) {
                text.add("or");
                continue;
            }
            String quoted = word.quoted() ? "\"" + word.text().replace("\"", " ") + "\"" : word.text().replace("\"", " ");
            text.add((excluded ? "-" : "") + quoted);
            if (!excluded) {
                for (String part : word.text().split("[^\\p{L}\\p{N}_]+")) {
                    if (!part.isEmpty()) {
                        terms.add(part);
                    }
                }
            }
        }
        return new LogQuery(String.join(" ", text), List.copyOf(fields), List.copyOf(terms));
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

    /** A LIKE pattern matching the value literally, but for * as any run of characters. */
    private static String like(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace('*', '%');
    }
}
