package dev.goldenfive.logarchive;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;

/**
 * Loki's push format (JSON): streams of labels, each with values of [nanoseconds, line] or [nanoseconds,
 * line, structured metadata]. The labels {@code service}, {@code service_name}, {@code app} or {@code job}
 * give the service; {@code environment} or {@code env} the environment; {@code host}, {@code hostname} or
 * {@code instance} the host; {@code level} or {@code detected_level} the level; other labels and the
 * metadata are kept as attributes ({@code trace_id} from the metadata gives the trace).
 */
final class LokiPush {

    private LokiPush() {
    }

    static JsonLines.Parsed parse(byte[] body, JsonMapper json, JsonLines.Defaults defaults, Instant now, int maxLines,
            int maxLineChars) {
        JsonNode tree = JsonLines.tree(body, json);
        if (!tree.path("streams").isArray()) {
            throw new InvalidFields(List.of(new FieldProblem("streams", "must be an array of {stream, values}")));
        }
        List<LogLine> lines = new ArrayList<>();
        List<FieldProblem> problems = new ArrayList<>();
        int s = 0;
        for (JsonNode stream : tree.get("streams")) {
            Map<String, Object> labels = new LinkedHashMap<>();
            stream.path("stream").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString("")));
            String service = take(labels, "service", "service_name", "app", "job");
            String environment = take(labels, "environment", "env");
            String host = take(labels, "host", "hostname", "instance");
            String level = take(labels, "level", "detected_level");
            int v = 0;
            for (JsonNode value : stream.path("values")) {
                String field = "streams[" + s + "].values[" + v + "]";
                JsonLines.count(lines.size() + 1, maxLines);
                if (!value.isArray() || value.size() < 2) {
                    throw new InvalidFields(List.of(new FieldProblem(field, "must be [nanoseconds, line] or [nanoseconds, line, metadata]")));
                }
                String message = JsonLines.within(value.get(1).asString(""), maxLineChars, lines.size());
                Map<String, Object> attributes = new LinkedHashMap<>(labels);
                String traceId = null;
                if (value.size() > 2 && value.get(2).isObject()) {
                    Map<String, Object> metadata = new LinkedHashMap<>();
                    value.get(2).properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asString("")));
                    traceId = take(metadata, "trace_id", "traceID", "traceId");
                    attributes.putAll(metadata);
                }
                Instant ts = JsonLines.time(value.get(0));
                if (ts == null || !JsonLines.believable(ts, now)) {
                    problems.add(new FieldProblem(field + "[0]", "is not a time within an hour ahead and 30 days back: the arrival time is used"));
                    attributes.put("_timestamp", value.get(0).asString(""));
                    ts = now;
                }
                lines.add(defaults.line(ts, environment, service, host, level, message, traceId, null, null, attributes));
                v++;
            }
            s++;
        }
        return new JsonLines.Parsed(lines, problems);
    }

    private static String take(Map<String, Object> labels, String... names) {
        for (String name : names) {
            Object value = labels.remove(name);
            if (value != null && !value.toString().isBlank()) {
                return value.toString();
            }
        }
        return null;
    }
}
