package dev.goldenfive.incident;

import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;

/** How people and other modules name an incident: {@code INC-} and its number, {@code INC-42}. */
@Schema(type = "string", pattern = IncidentKey.PATTERN, example = "INC-42")
public record IncidentKey(long number) {

    /** The form of a key, for validation and for finding keys in text. */
    public static final String PATTERN = "INC-[1-9][0-9]{0,17}";
    private static final Pattern FORM = Pattern.compile(PATTERN);

    public IncidentKey {
        if (number < 1) {
            throw new IllegalArgumentException("An incident's number is positive, not " + number);
        }
    }

    /** The key written as {@code text}, if it is one. */
    public static Optional<IncidentKey> parse(String text) {
        return text == null || !FORM.matcher(text).matches() ? Optional.empty()
                : Optional.of(new IncidentKey(Long.parseLong(text.substring(4))));
    }

    /** The key written as {@code text}; anything else names no incident. */
    @JsonCreator
    public static IncidentKey of(String text) {
        return parse(text).orElseThrow(() -> new IncidentProblems.IncidentNotFound(text));
    }

    @Override
    @JsonValue
    public String toString() {
        return "INC-" + number;
    }
}
