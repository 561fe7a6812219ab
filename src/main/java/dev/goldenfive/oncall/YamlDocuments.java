package dev.goldenfive.oncall;

import java.util.List;

import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.dataformat.yaml.YAMLMapper;

import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;
import dev.goldenfive.web.StrictStrings;

/** The documents the on-call pages edit as YAML: schedules, escalation policies, a person's notification rules. */
final class YamlDocuments {

    static final int MAX_DOCUMENT = 256 * 1024;
    private static final YAMLMapper YAML = YAMLMapper.builder().addModule(StrictStrings.module()).build();

    private YamlDocuments() {
    }

    /** The document read and validated; refused with every problem named (and its line, where YAML knows it). */
    static <T> T read(String document, Class<T> type, Validator validator) {
        if (document.length() > MAX_DOCUMENT) {
            throw new InvalidFields(List.of(new FieldProblem("(document)", "may be at most 256 KiB")));
        }
        T value;
        try {
            value = YAML.readValue(document, type);
        }
        catch (JacksonException unreadable) {
            throw new InvalidFields(List.of(FieldProblem.of(unreadable)));
        }
        var violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new InvalidFields(FieldProblem.of(violations, ""));
        }
        return value;
    }

    static String write(Object value) {
        return YAML.writeValueAsString(value);
    }
}
