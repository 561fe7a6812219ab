package dev.goldenfive.incident;

import java.util.Map;
import java.util.TreeMap;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * An incident's context: what the probes need to know, names to values, kept in its column as a JSON object.
 * The names agents read have a shape of their own: {@code goproxy} a URL of a host, {@code module} a module
 * path, {@code goprivate} path patterns as GOPRIVATE takes them. {@code escalation} names the escalation policy that
 * pages for the incident, in place of its service's (an alert routing rule may set it). Each starts with a letter or digit, so no tool
 * an agent hands it to can take it for an option.
 */
@Converter
public class IncidentContext implements AttributeConverter<Map<String, String>, String> {

    /** Names are short identifiers; the values are what agents probe, so they are bounded and printable. */
    static final String NAME = "[a-z][a-z0-9_-]{0,30}";
    static final int MAX_ENTRIES = 10;
    static final int MAX_VALUE = 500;
    /** A URL of a host (a port, a plain path), or a host name. */
    public static final String TARGET = "(https?://)?[A-Za-z0-9][A-Za-z0-9.-]{0,252}(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*/?";
    public static final String MODULE = "[A-Za-z0-9][A-Za-z0-9._~/-]{0,199}";
    /** The name of the escalation policy that pages for the incident, when it is not its service's. */
    public static final String ESCALATION = "escalation";
    public static final String PRIVATE = "[A-Za-z0-9*][A-Za-z0-9._~/*,-]{0,499}";
    /** The shape of each name agents read, and what the refusal says. */
    private static final Map<String, String[]> SHAPES = Map.of(
            "goproxy", new String[] {TARGET, "must be a URL of a host, such as https://proxy.golang.org"},
            "module", new String[] {MODULE, "must be a module path, such as golang.org/x/text"},
            "goprivate", new String[] {PRIVATE, "must be module path patterns as GOPRIVATE takes them"},
            ESCALATION, new String[] {"[a-z0-9][a-z0-9-]{0,62}", "must be the key of an escalation policy, such as platform"});

    /** Refuses a context whose known names have values of another shape, naming the field. */
    static void check(Map<String, String> context) {
        context.forEach((name, value) -> {
            String[] shape = SHAPES.get(name);
            if (shape != null && !value.strip().matches(shape[0])) {
                throw new IncidentProblems.InvalidInput("context." + name, shape[1], "incident.invalid.context." + name);
            }
        });
    }
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
