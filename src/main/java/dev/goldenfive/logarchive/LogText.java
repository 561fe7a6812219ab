package dev.goldenfive.logarchive;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.goldenfive.web.VisibleText;

/**
 * Log text made safe to show: control characters (an escape that would recolour a terminal, a NUL) become
 * their visible Unicode pictures, and the words searched for are marked. The pieces are rendered escaped by
 * the template; nothing here is HTML.
 */
final class LogText {

    private LogText() {
    }

    /**
     * Where a word starts and ends as the search index sees it: not inside a word, and an escape sequence (shown as
     * {@code ␛[31m}) is no part of a word ({@code ␛[31mFATAL␛[0m} holds FATAL).
     */
    private static final String WORD_START = "(?:(?<![\\p{L}\\p{N}_])|(?<=\u241B\\[[0-9;?]{0,16}[A-Za-z]))";
    private static final String WORD_END = "(?:(?![\\p{L}\\p{N}_])|(?=\u241B))";

    /** A run of text, marked when it matched. */
    record Piece(String text, boolean match) {
    }

    /**
     * What marks the terms searched for, made once for a page of lines; null when there is nothing to mark.
     * Whole words, case-insensitive, as the full-text search matched them; text in scripts without spaces
     * wherever it stands, as it was searched.
     */
    static Pattern highlighter(List<String> terms) {
        List<String> words = terms.stream().filter(w -> !w.isBlank())
                .map(w -> LogQuery.unspaced(w) ? Pattern.quote(w) : WORD_START + Pattern.quote(w) + WORD_END)
                .toList();
        return words.isEmpty() ? null : Pattern.compile("(?iu)" + String.join("|", words));
    }

    /** The message made visible, in pieces, those the {@code highlighter} matches marked (none when it is null). */
    static List<Piece> pieces(String message, Pattern highlighter) {
        String shown = VisibleText.of(message);
        List<Piece> pieces = new ArrayList<>();
        if (highlighter == null) {
            pieces.add(new Piece(shown, false));
            return pieces;
        }
        Matcher m = highlighter.matcher(shown);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) {
                pieces.add(new Piece(shown.substring(at, m.start()), false));
            }
            pieces.add(new Piece(m.group(), true));
            at = m.end();
        }
        if (at < shown.length()) {
            pieces.add(new Piece(shown.substring(at), false));
        }
        return pieces;
    }
}
