package dev.goldenfive.logarchive;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;

/**
 * OpenTelemetry logs (OTLP/HTTP, protobuf or JSON) as log lines. The resource's {@code service.name},
 * {@code deployment.environment(.name)} and {@code host.name} become the line's service, environment and
 * host; the body its message; the severity its level; trace and span ids (hex) its trace and span; the
 * record's attributes (and the resource's other attributes, under {@code resource}) its attributes.
 */
final class OtlpLogs {

    private OtlpLogs() {
    }

    /** What a resource says of its records: their service, environment and host, and the rest of its attributes. */
    private record Resource(String service, String environment, String host, Map<String, Object> rest) {

        static Resource of(Map<String, Object> attributes) {
            Map<String, Object> rest = new LinkedHashMap<>(attributes);
            String service = text(rest.remove("service.name"));
            String environment = text(rest.remove("deployment.environment.name"));
            environment = environment != null ? environment : text(rest.remove("deployment.environment"));
            return new Resource(service, environment, text(rest.remove("host.name")), rest);
        }
    }

    /** One record, whichever encoding it came in. */
    private record Record(Resource resource, long timeNanos, long observedNanos, String severityText,
            int severityNumber, Object body, Map<String, Object> attributes, String traceId, String spanId) {
    }

    static JsonLines.Parsed fromProtobuf(byte[] body, JsonMapper json, JsonLines.Defaults defaults, Instant now, int maxLines,
            int maxLineChars) {
        ExportLogsServiceRequest request;
        try {
            request = ExportLogsServiceRequest.parseFrom(body);
        }
        catch (InvalidProtocolBufferException ex) {
            // the parser's own words are about its internals; the sender needs to know only this
            throw new InvalidFields(List.of(new FieldProblem("(body)",
                    "is not an OTLP ExportLogsServiceRequest in protobuf (truncated, or not protobuf at all)")));
        }
        List<Record> records = new ArrayList<>();
        for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
            Resource resource = Resource.of(attributes(resourceLogs.getResource().getAttributesList()));
            for (ScopeLogs scope : resourceLogs.getScopeLogsList()) {
                for (LogRecord r : scope.getLogRecordsList()) {
                    JsonLines.count(records.size() + 1, maxLines);
                    records.add(new Record(resource, r.getTimeUnixNano(), r.getObservedTimeUnixNano(), r.getSeverityText(),
                            r.getSeverityNumberValue(), value(r.getBody()), attributes(r.getAttributesList()),
                            hex(r.getTraceId().toByteArray()), hex(r.getSpanId().toByteArray())));
                }
            }
        }
        return lines(records, json, defaults, now, maxLineChars);
    }

    static JsonLines.Parsed fromJson(byte[] body, JsonMapper json, JsonLines.Defaults defaults, Instant now, int maxLines,
            int maxLineChars) {
        JsonNode tree = JsonLines.tree(body, json);
        List<Record> records = new ArrayList<>();
        for (JsonNode resourceLogs : tree.path("resourceLogs")) {
            Resource resource = Resource.of(attributes(resourceLogs.path("resource").path("attributes")));
            for (JsonNode scope : resourceLogs.path("scopeLogs")) {
                for (JsonNode r : scope.path("logRecords")) {
                    JsonLines.count(records.size() + 1, maxLines);
                    records.add(new Record(resource, nanos(r.path("timeUnixNano")), nanos(r.path("observedTimeUnixNano")),
                            string(r.path("severityText")), r.path("severityNumber").asInt(0), value(r.path("body")),
                            attributes(r.path("attributes")), string(r.path("traceId")), string(r.path("spanId"))));
                }
            }
        }
        return lines(records, json, defaults, now, maxLineChars);
    }

    private static JsonLines.Parsed lines(List<Record> records, JsonMapper json, JsonLines.Defaults defaults, Instant now,
            int maxLineChars) {
        List<LogLine> lines = new ArrayList<>(records.size());
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            Record r = records.get(i);
            Map<String, Object> attributes = new LinkedHashMap<>(r.attributes());
            if (!r.resource().rest().isEmpty()) {
                attributes.put("resource", r.resource().rest());
            }
            // ids that are not what OTLP says (16 and 8 bytes, in JSON as 32 and 16 hex digits) are no ids to follow:
            // kept as attributes, and said, never dropped
            String traceId = id(r.traceId(), TRACE_ID_HEX, "traceId", "trace_id", i, attributes, problems);
            String spanId = id(r.spanId(), SPAN_ID_HEX, "spanId", "span_id", i, attributes, problems);
            long nanos = r.timeNanos() != 0 ? r.timeNanos() : r.observedNanos();
            Instant ts = nanos == 0 ? now : Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
            if (!JsonLines.believable(ts, now)) {
                problems.add(new FieldProblem("[" + i + "].timeUnixNano", "is more than an hour ahead or 30 days back: the arrival time is used"));
                attributes.put("_timeUnixNano", ts.toString());
                ts = now;
            }
            String message = JsonLines.within(r.body() instanceof String s ? s : r.body() == null ? "" : asText(r.body(), json),
                    maxLineChars, i);
            lines.add(defaults.line(ts, r.resource().environment(), r.resource().service(), r.resource().host(),
                    level(r.severityText(), r.severityNumber()), message, traceId, spanId, null, attributes));
        }
        return new JsonLines.Parsed(lines, problems);
    }

    static final int TRACE_ID_HEX = 32;
    static final int SPAN_ID_HEX = 16;

    /**
     * The id as hex when it is {@code digits} hex digits (lower case), else null: then it is kept under the attribute
     * {@code attribute} as it came, and a problem says so.
     */
    private static String id(String value, int digits, String field, String attribute, int index, Map<String, Object> attributes,
            List<FieldProblem> problems) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() == digits && value.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
            return value.toLowerCase(java.util.Locale.ROOT);
        }
        attributes.put(attribute, value);
        problems.add(new FieldProblem("[" + index + "]." + field, "is not " + digits / 2 + " bytes (" + digits
                + " hex digits): kept as the attribute " + attribute));
        return null;
    }

    /** The severity's text, or the level its number stands for (OpenTelemetry's ranges). */
    private static String level(String text, int number) {
        if (text != null && !text.isBlank()) {
            return text;
        }
        if (number <= 0) {
            return null;
        }
        String[] levels = {"trace", "debug", "info", "warn", "error", "fatal"};
        return levels[Math.min((number - 1) / 4, levels.length - 1)];
    }

    private static Map<String, Object> attributes(List<KeyValue> list) {
        Map<String, Object> map = new LinkedHashMap<>();
        list.forEach(kv -> map.put(kv.getKey(), value(kv.getValue())));
        return map;
    }

    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpLogs::value).toList();
            case KVLIST_VALUE -> attributes(v.getKvlistValue().getValuesList());
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
            default -> null;
        };
    }

    private static Map<String, Object> attributes(JsonNode list) {
        Map<String, Object> map = new LinkedHashMap<>();
        list.forEach(kv -> map.put(string(kv.path("key")), value(kv.path("value"))));
        return map;
    }

    /** OTLP JSON's AnyValue: {"stringValue": …}, {"intValue": "…"} (a string, as int64s are), and the rest. */
    private static Object value(JsonNode v) {
        // any JSON may come where a value belongs: what is not the expected kind is kept as its JSON
        if (v.has("stringValue")) {
            return string(v.get("stringValue"));
        }
        if (v.has("boolValue")) {
            return v.get("boolValue").isBoolean() ? v.get("boolValue").asBoolean() : v.get("boolValue").toString();
        }
        if (v.has("intValue")) {
            return v.get("intValue").asLong(0);
        }
        if (v.has("doubleValue")) {
            return v.get("doubleValue").asDouble(0);
        }
        if (v.has("arrayValue")) {
            List<Object> values = new ArrayList<>();
            v.get("arrayValue").path("values").forEach((Consumer<JsonNode>) item -> values.add(value(item)));
            return values;
        }
        if (v.has("kvlistValue")) {
            return attributes(v.get("kvlistValue").path("values"));
        }
        if (v.has("bytesValue")) {
            return string(v.get("bytesValue"));
        }
        return null;
    }

    private static long nanos(JsonNode value) {
        try {
            return Long.parseLong(string(value).strip());
        }
        catch (NumberFormatException notANumber) {
            return 0;
        }
    }

    /** A scalar as text ("" when missing); anything else as its JSON. */
    private static String string(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "";
        }
        return value.isValueNode() ? value.asString("") : value.toString();
    }

    /** A structured body (a map, a list) as JSON, as it was sent. */
    private static String asText(Object body, JsonMapper json) {
        return body instanceof Map || body instanceof List ? json.writeValueAsString(body) : String.valueOf(body);
    }

    private static String hex(byte[] bytes) {
        return bytes.length == 0 ? null : HexFormat.of().formatHex(bytes);
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
