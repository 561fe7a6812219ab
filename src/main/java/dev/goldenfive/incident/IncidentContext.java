package dev.goldenfive.incident;

import java.util.Map;
import java.util.TreeMap;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** An incident's context (names to values) as its column keeps it: a JSON object. */
@Converter
class IncidentContext implements AttributeConverter<Map<String, String>, String> {

    /** Names are short identifiers; the values are what agents probe, so they are bounded and printable. */
    static final String NAME = "[a-z][a-z0-9_-]{0,30}";
    static final int MAX_ENTRIES = 10;
    static final int MAX_VALUE = 500;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {
    };

    @Override
    public String convertToDatabaseColumn(Map<String, String> context) {
        return JSON.writeValueAsString(context == null ? Map.of() : new TreeMap<>(context));
    }

    @Override
    public Map<String, String> convertToEntityAttribute(String column) {
        return read(column);
    }

    static Map<String, String> read(String column) {
        return column == null || column.isBlank() ? Map.of() : Map.copyOf(JSON.readValue(column, MAP));
    }
}
