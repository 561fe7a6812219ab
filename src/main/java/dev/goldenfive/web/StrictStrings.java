package dev.goldenfive.web;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;

/**
 * Text fields take text only, and never NUL (PostgreSQL cannot store it): a number where a name is expected
 * is a mistake, not something to convert. For every JSON (and YAML) reader of goldenfive.
 */
public final class StrictStrings extends StdDeserializer<String> {

    public static final String NO_NUL = "must not contain NUL characters";
    /**
     * Names and titles: any text but control characters (they would garble pages and logs) and the marks that
     * reorder text on screen (U+202E would make a name read backwards): those {@link VisibleText} shows escaped.
     */
    public static final String PRINTABLE = "[^\\x00-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]*";
    public static final String PRINTABLE_MESSAGE = "must not contain control characters or marks that reorder text (such as U+202E)";

    private StrictStrings() {
        super(String.class);
    }

    public static JacksonModule module() {
        return new SimpleModule("strict-strings").addDeserializer(String.class, new StrictStrings());
    }

    @Override
    public String deserialize(JsonParser parser, DeserializationContext context) {
        if (!parser.hasToken(JsonToken.VALUE_STRING)) {
            return (String) context.handleUnexpectedToken(String.class, parser);
        }
        String text = parser.getString();
        if (text.indexOf('\0') >= 0) {
            throw MismatchedInputException.from(parser, String.class, NO_NUL);
        }
        return text;
    }
}
