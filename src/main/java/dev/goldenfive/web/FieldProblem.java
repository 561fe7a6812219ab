package dev.goldenfive.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One wrong value of a request: the field (a dotted path such as {@code stages[1].endSeconds}), why it is
 * wrong, and for documents such as YAML the line it is on.
 */
public record FieldProblem(String field, String message, Integer line) {

    public FieldProblem(String field, String message) {
        this(field, message, null);
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
}
