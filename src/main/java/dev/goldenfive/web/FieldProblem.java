package dev.goldenfive.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.ConstraintViolation;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.context.MessageSource;

/**
 * One wrong value of a request: the field (a dotted path such as {@code stages[1].endSeconds}), why it is
 * wrong, and for documents such as YAML the line it is on. The API says why in English ({@code message});
 * pages {@linkplain #say(MessageSource, Locale) say} it in the reader's language, from the message {@code code}
 * and its {@code arguments} where the problem has one.
 */
public record FieldProblem(String field, String message, Integer line, @JsonIgnore String code, @JsonIgnore List<Object> arguments) {

    /** The validation messages that are the defaults of Bean Validation's own constraints. */
    private static final Pattern STANDARD = Pattern.compile("\\{jakarta\\.validation\\.constraints\\.(\\w+)\\.message}");
    /** Attributes of a constraint that are not its values (as Spring leaves them out of a form's message arguments). */
    private static final Set<String> NOT_VALUES = Set.of("message", "groups", "payload");

    public FieldProblem {
        arguments = arguments == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(arguments));
    }

    public FieldProblem(String field, String message) {
        this(field, message, null);
    }

    public FieldProblem(String field, String message, Integer line) {
        this(field, message, line, null, null);
    }

    /** With the message {@code code} (and its {@code arguments}) that says {@code message} in other languages. */
    public static FieldProblem coded(String field, String message, String code, Object... arguments) {
        return new FieldProblem(field, message, null, code, Arrays.asList(arguments));
    }

    /** The same problem, on {@code line} of the document. */
    public FieldProblem at(Integer line) {
        return new FieldProblem(field, message, line, code, arguments);
    }

    /** The same problem, said by another field name (a path under a prefix, a field by the form's name for it). */
    public FieldProblem named(String name) {
        return new FieldProblem(name, message, line, code, arguments);
    }

    /** Why the value is wrong, as a reader of {@code locale} reads it; the English {@link #message} without a code. */
    public String say(MessageSource messages, Locale locale) {
        return code == null ? message : messages.getMessage(code, arguments.toArray(), message, locale);
    }

    /**
     * The problem as a page shows it to a reader of {@code locale}: why, in their language, and a field that is no
     * path but the whole of something ({@code (document)}) by its name in that language.
     */
    public FieldProblem in(MessageSource messages, Locale locale) {
        String name = field.startsWith("(") && field.endsWith(")")
                ? messages.getMessage("problem.field." + field.substring(1, field.length() - 1), null, field, locale) : field;
        return new FieldProblem(name, say(messages, locale), line);
    }

    /** A JSON body that could not be read: where (a path such as {@code [3].dns.rcode}) and why, in the caller's terms. */
    public static FieldProblem of(JacksonException ex) {
        if (ex.getPath().isEmpty()) {
            var at = ex.getLocation();
            return new FieldProblem("(body)", "is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        return reason(ex).named(jsonPath(ex));
    }

    /**
     * A document ({@code format}: "YAML", "JSON") that could not be parsed, said in the writer's terms: the
     * parser's first line of explanation when it is plain words, never its class names or settings.
     */
    public static FieldProblem syntax(JacksonException ex, String format) {
        var at = ex.getLocation();
        Integer line = at != null && at.getLineNr() > 0 ? at.getLineNr() : null;
        String message = ex.getOriginalMessage() == null ? "" : ex.getOriginalMessage();
        if (message.startsWith("Trailing token")) {
            return coded("(document)", "must be a single document: nothing may follow it (no second '---' document)",
                    "problem.singleDocument").at(line);
        }
        String first = message.lines().findFirst().orElse("").strip();
        boolean plain = !first.isEmpty() && first.length() <= 200 && !first.contains("`") && !first.contains("Feature")
                && !first.contains("java") && !first.contains("jackson");
        // the parser's own explanation is English: other languages name the format, and the page marks the line
        String explanation = plain ? ": " + first : "";
        return coded("(document)", "is not valid " + format + explanation, "problem.syntax", format, explanation).at(line);
    }

    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("field", field);
        map.put("message", message);
        if (line != null) {
            map.put("line", line);
        }
        return map;
    }

    /** Says what was wrong in the user's terms, not Jackson's (no Java type names); the field is named by the caller. */
    private static FieldProblem reason(JacksonException ex) {
        String own = ex.getOriginalMessage();
        if (own != null && own.startsWith("must ")) {
            String code = StrictStrings.NO_NUL.equals(own) ? "problem.nul" : Instants.EXPECTED.equals(own) ? "problem.expected.instant" : null;
            return coded("", own, code);
        }
        if (ex instanceof UnrecognizedPropertyException) {
            return coded("", "is not a known field", "problem.unknownField");
        }
        if (ex instanceof InputCoercionException) {
            return coded("", "is out of range", "problem.outOfRange");
        }
        if (ex instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return expectedProblem(mismatch.getTargetType());
        }
        return coded("", "is not valid", "problem.invalid");
    }

    /** Bean Validation's findings on an object, each field named after {@code prefix} ({@code [3].}), in field order. */
    public static List<FieldProblem> of(Set<? extends ConstraintViolation<?>> violations, String prefix) {
        return violations.stream().map(v -> of(v, prefix + v.getPropertyPath()))
                .sorted(Comparator.comparing(FieldProblem::field)).toList();
    }

    /**
     * One finding of Bean Validation on {@code field}. A constraint's own default message has the constraint's name as
     * its code ({@code NotBlank}, {@code Size}) with the arguments a form's message gets ({@code {1}}, {@code {2}}…: the
     * constraint's values by name), so documents and forms say it alike; so does our own {@link StrictStrings#PRINTABLE_MESSAGE}.
     * Other messages a constraint was given are left to the caller, which knows them, as is {@code @Pattern}'s default
     * (it shows the regular expression; every pattern of ours says in words what it wants).
     */
    public static FieldProblem of(ConstraintViolation<?> violation, String field) {
        String template = violation.getMessageTemplate();
        Matcher standard = STANDARD.matcher(template == null ? "" : template);
        if (standard.matches() && !standard.group(1).equals("Pattern")) {
            List<Object> arguments = new ArrayList<>();
            arguments.add(field);
            new TreeMap<>(violation.getConstraintDescriptor().getAttributes()).forEach((name, value) -> {
                if (!NOT_VALUES.contains(name)) {
                    arguments.add(value);
                }
            });
            return new FieldProblem(field, violation.getMessage(), null, standard.group(1), arguments);
        }
        return new FieldProblem(field, violation.getMessage(), null,
                StrictStrings.PRINTABLE_MESSAGE.equals(template) ? "problem.printable" : null, null);
    }

    /** What a value of {@code type} must look like, for a value that is not one. */
    public static String expected(Class<?> type) {
        return expectedProblem(type).message();
    }

    /** {@link #expected}, with its message code; the field is named by the caller. */
    private static FieldProblem expectedProblem(Class<?> type) {
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return coded("", "must be a whole number", "problem.expected.wholeNumber");
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return coded("", "must be a number", "problem.expected.number");
        }
        if (type == Boolean.class || type == boolean.class) {
            return coded("", "must be true or false", "problem.expected.boolean");
        }
        if (type == String.class) {
            return coded("", "must be a string", "problem.expected.string");
        }
        if (type.isEnum()) {
            return coded("", "must be one of " + Arrays.toString(type.getEnumConstants()), "problem.expected.oneOf",
                    String.join(", ", Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList()));
        }
        if (type == java.time.LocalDate.class) {
            return coded("", "must be an ISO-8601 date such as 2026-01-31", "problem.expected.date");
        }
        if (type == java.time.Instant.class) {
            return coded("", Instants.EXPECTED, "problem.expected.instant");
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
            return coded("", "must be an ISO-8601 date-time such as 2026-01-31T08:15:00Z", "problem.expected.dateTime");
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return coded("", "must be an array", "problem.expected.array");
        }
        return coded("", "has the wrong type", "problem.expected.type");
    }

    /** Where in a JSON (or YAML) document the error is: {@code stages[1].endSeconds}; empty at the top. */
    public static String jsonPath(JacksonException ex) {
        StringBuilder path = new StringBuilder();
        for (var reference : ex.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            }
            else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
