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

    static final String NO_NUL = "must not contain NUL characters";
    /** Names and titles: any text but control characters (they would garble pages and logs). */
    public static final String PRINTABLE = "[^\\p{Cntrl}]*";
    public static final String PRINTABLE_MESSAGE = "must not contain control characters";

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
