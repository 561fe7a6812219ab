package dev.goldenfive.web;

/**
 * Text from people and agents made safe to look at: characters that would act instead of showing (an escape
 * that recolours a terminal, a bell, a backspace that hides what came before, a right-to-left override that
 * shows a file {@code invoice[U+202E]txt.exe} as {@code invoiceexe.txt}) become something visible. C0
 * controls but newline and tab become their Unicode control pictures (␛, ␇, ␈, ␀), DEL becomes ␡; C1 controls
 * and the marks that reorder text are written out as a backslash, 'u' and four hex digits (U+202E as
 * "\\u202e"). Every page shows text this way (see {@link VisibleTextDialect}); names refuse these characters
 * outright ({@link StrictStrings#PRINTABLE}).
 */
public final class VisibleText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private VisibleText() {
    }

    /** The text made visible; the same instance when nothing in it needs that (the common case, and cheap). */
    public static String of(String text) {
        if (text == null || !needed(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!acts(c)) {
                out.append(c);
            }
            else if (c < 0x20) {
                out.append((char) (0x2400 + c));
            }
            else if (c == 0x7f) {
                out.append('\u2421');
            }
            else {
                out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /** Whether {@link #of} would change the text. */
    public static boolean needed(CharSequence text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            if (acts(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** A character that does something to the text around it instead of showing. */
    static boolean acts(char c) {
        if (c < 0x20) {
            return c != '\n' && c != '\t';
        }
        if (c < 0x7f) {
            return false;
        }
        return c < 0xa0 // DEL and the C1 controls
                || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069'
                || c == '\u200e' || c == '\u200f' || c == '\u061c';
    }
}
