package dev.goldenfive.web;

import java.text.ParseException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;
import tools.jackson.databind.module.SimpleModule;

import org.springframework.format.Formatter;

/**
 * Points in time that callers send, kept to the years 1 to 9999: {@code +999999999-12-31T23:59:59Z} is a
 * valid ISO-8601 instant, but neither PostgreSQL nor a person means it. Out of range is a 400 naming the
 * field, for query parameters and JSON alike, before anything reaches the database.
 */
public final class Instants {

    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");
    public static final String EXPECTED = "must be an ISO-8601 date-time between the years 1 and 9999, such as 2026-01-31T08:15:00Z";

    private Instants() {
    }

    public static boolean inRange(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    /** Query and form parameters of type {@link Instant}: ISO-8601 with {@code Z} or an offset, or milliseconds since 1970. */
    static Formatter<Instant> formatter() {
        return new Formatter<>() {
            @Override
            public Instant parse(String text, Locale locale) throws ParseException {
                String value = text.strip();
                Instant instant;
                try {
                    instant = value.matches("\\d{1,15}") ? Instant.ofEpochMilli(Long.parseLong(value))
                            : value.endsWith("Z") ? Instant.parse(value) : OffsetDateTime.parse(value).toInstant();
                }
                catch (DateTimeParseException ex) {
                    throw new ParseException(EXPECTED, 0);
                }
                if (!inRange(instant)) {
                    throw new ParseException(EXPECTED, 0);
                }
                return instant;
            }

            @Override
            public String print(Instant instant, Locale locale) {
                return instant.toString();
            }
        };
    }

    /** JSON fields of type {@link Instant}: as Jackson reads them, and then in range. */
    static JacksonModule module() {
        return new SimpleModule("instants-in-range").addDeserializer(Instant.class, new StdDeserializer<>(Instant.class) {
            @Override
            public Instant deserialize(JsonParser parser, DeserializationContext context) {
                Instant instant = InstantDeserializer.INSTANT.deserialize(parser, context);
                if (instant != null && !inRange(instant)) {
                    throw MismatchedInputException.from(parser, Instant.class, EXPECTED);
                }
                return instant;
            }
        });
    }
}
