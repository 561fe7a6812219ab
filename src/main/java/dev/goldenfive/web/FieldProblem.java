package dev.goldenfive.web;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.ConstraintViolation;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * One wrong value of a request: the field (a dotted path such as {@code stages[1].endSeconds}), why it is
 * wrong, and for documents such as YAML the line it is on.
 */
public record FieldProblem(String field, String message, Integer line) {

    public FieldProblem(String field, String message) {
        this(field, message, null);
    }

    /** A JSON body that could not be read: where (a path such as {@code [3].dns.rcode}) and why, in the caller's terms. */
    public static FieldProblem of(JacksonException ex) {
        if (ex.getPath().isEmpty()) {
            var at = ex.getLocation();
            return new FieldProblem("(body)", "is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        return new FieldProblem(jsonPath(ex), reason(ex));
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
            return new FieldProblem("(document)", "must be a single document: nothing may follow it (no second '---' document)", line);
        }
        String first = message.lines().findFirst().orElse("").strip();
        boolean plain = !first.isEmpty() && first.length() <= 200 && !first.contains("`") && !first.contains("Feature")
                && !first.contains("java") && !first.contains("jackson");
        return new FieldProblem("(document)", "is not valid " + format + (plain ? ": " + first : ""), line);
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

    /** Says what was wrong in the user's terms, not Jackson's (no Java type names). */
    private static String reason(JacksonException ex) {
        String own = ex.getOriginalMessage();
        if (own != null && own.startsWith("must ")) {
            return own;
        }
        if (ex instanceof UnrecognizedPropertyException) {
            return "is not a known field";
        }
        if (ex instanceof InputCoercionException) {
            return "is out of range";
        }
        if (ex instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return expected(mismatch.getTargetType());
        }
        return "is not valid";
    }

    /** Bean Validation's findings on an object, each field named after {@code prefix} ({@code [3].}), in field order. */
    public static List<FieldProblem> of(Set<? extends ConstraintViolation<?>> violations, String prefix) {
        return violations.stream().map(v -> new FieldProblem(prefix + v.getPropertyPath(), v.getMessage()))
                .sorted(Comparator.comparing(FieldProblem::field)).toList();
    }

    /** What a value of {@code type} must look like, for a value that is not one. */
    public static String expected(Class<?> type) {
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "must be a whole number";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "must be a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (type.isEnum()) {
            return "must be one of " + Arrays.toString(type.getEnumConstants());
        }
        if (type == java.time.LocalDate.class) {
            return "must be an ISO-8601 date such as 2026-01-31";
        }
        if (type == java.time.Instant.class) {
            return Instants.EXPECTED;
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
            return "must be an ISO-8601 date-time such as 2026-01-31T08:15:00Z";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "must be an array";
        }
        return "has the wrong type";
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
