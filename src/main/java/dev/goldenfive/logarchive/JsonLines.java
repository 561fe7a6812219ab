package dev.goldenfive.logarchive;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.goldenfive.incident.IncidentManagement;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;
import dev.goldenfive.web.RequestBodies;

/**
 * Log lines from JSON: an array of objects, or one object per line (NDJSON), as Fluent Bit's http output
 * ({@code json}, {@code json_lines}), Vector or curl send them. Every line is kept: a line that is not an
 * object, or whose time cannot be read, is stored as it came with the problem noted, and reported by its
 * index.
 */
final class JsonLines {

    /** Times further from now than this are not believed: the line gets the time it arrived. */
    static final Duration FUTURE = Duration.ofHours(1);
    static final Duration PAST = Duration.ofDays(30);

    /** ISO-8601 with an offset as +01:00, +0100 or Z, or none (then UTC); a space for the T too. */
    private static final List<DateTimeFormatter> ISO = List.of(DateTimeFormatter.ISO_DATE_TIME,
            new DateTimeFormatterBuilder().append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).optionalStart()
                    .appendOffset("+HHMM", "Z").optionalEnd().toFormatter());
    private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);
    private static final List<String> TIME = List.of("timestamp", "@timestamp", "time", "date");
    private static final List<String> MESSAGE = List.of("message", "msg", "log");

    private JsonLines() {
    }

    /** What a request's lines became, and what was wrong with some of them. */
    record Parsed(List<LogLine> lines, List<FieldProblem> problems) {
    }

    /** The fields a line may lack, from the sender or the request: environment, service, host. */
    record Defaults(String environment, String service, String host) {
    }

    static Parsed parse(byte[] body, JsonMapper json, Defaults defaults, Instant now, int maxLines, int maxLineChars) {
        List<JsonNode> nodes = new ArrayList<>();
        List<FieldProblem> problems = new ArrayList<>();
        int first = RequestBodies.firstToken(body);
        if (first == '[') {
            try {
                JsonNode array = json.readTree(body);
                array.forEach(nodes::add);
            }
            catch (JacksonException ex) {
                throw new InvalidFields(List.of(FieldProblem.of(ex)));
            }
        }
        else {
            String[] texts = new String(body, StandardCharsets.UTF_8).split("\r?\n");
            for (String text : texts) {
                if (text.isBlank()) {
                    continue;
                }
                try {
                    nodes.add(json.readTree(text));
                }
                catch (JacksonException notJson) {
                    // kept as it came: the line is what the operator will want to read
                    nodes.add(json.getNodeFactory().textNode(text));
                    problems.add(new FieldProblem("[" + (nodes.size() - 1) + "]", "is not JSON: kept as text"));
                }
            }
        }
        if (nodes.size() > maxLines) {
            throw RequestBodies.tooMany(maxLines, "lines", "A log request");
        }
        List<LogLine> lines = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            lines.add(line(nodes.get(i), i, defaults, now, maxLineChars, problems));
        }
        return new Parsed(lines, problems);
    }

    private static LogLine line(JsonNode node, int index, Defaults defaults, Instant now, int maxLineChars,
            List<FieldProblem> problems) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (!node.isObject()) {
            String text = node.isString() ? node.asString() : node.toString();
            if (!node.isString()) {
                problems.add(new FieldProblem("[" + index + "]", "is not an object: kept as text"));
            }
            attributes.put("_problem", "not a JSON object");
            return new LogLine(now, defaults.environment(), defaults.service(), defaults.host(), null,
                    long_(text, maxLineChars, index), null, null, null, attributes);
        }
        ObjectNode fields = ((ObjectNode) node).deepCopy();
        Instant ts = now;
        String timeField = take(fields, TIME);
        if (timeField != null) {
            JsonNode time = fields.remove(timeField);
            Instant read = time(time);
            if (read == null) {
                problems.add(new FieldProblem("[" + index + "]." + timeField, "is not a time (epoch seconds, ms, ns or ISO-8601): the arrival time is used"));
                attributes.put("_" + timeField, time.isString() ? time.asString() : time.toString());
            }
            else if (read.isAfter(now.plus(FUTURE)) || read.isBefore(now.minus(PAST))) {
                problems.add(new FieldProblem("[" + index + "]." + timeField, "is more than an hour ahead or 30 days back: the arrival time is used"));
                attributes.put("_" + timeField, read.toString());
            }
            else {
                ts = read;
            }
        }
        String message = text(fields, MESSAGE);
        String level = text(fields, List.of("level", "severity", "lvl"));
        String service = text(fields, List.of("service", "service.name", "app"));
        String host = text(fields, List.of("host", "hostname"));
        String environment = text(fields, List.of("environment", "env"));
        String traceId = text(fields, List.of("traceId", "trace_id"));
        String spanId = text(fields, List.of("spanId", "span_id"));
        String incident = text(fields, List.of("incident", "incidentKey", "incident_key"));
        if (incident != null && !incident.matches(IncidentManagement.KEY)) {
            problems.add(new FieldProblem("[" + index + "].incident", "is not an incident key such as INC-42: kept as an attribute"));
            attributes.put("_incident", incident);
            incident = null;
        }
        fields.properties().forEach(e -> attributes.put(e.getKey(), e.getValue()));
        if (message == null) {
            // a line without a message field: all of it is the message
            message = node.toString();
        }
        return new LogLine(ts, environment == null ? defaults.environment() : environment,
                service == null ? defaults.service() : service, host == null ? defaults.host() : host, level,
                long_(message, maxLineChars, index), traceId, spanId, incident, attributes);
    }

    /** The first of these fields the line has (removed from it), as text; null when none. */
    private static String text(ObjectNode fields, List<String> names) {
        String name = take(fields, names);
        if (name == null) {
            return null;
        }
        JsonNode value = fields.remove(name);
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isString() ? value.asString() : value.toString();
    }

    private static String take(ObjectNode fields, List<String> names) {
        return names.stream().filter(fields::has).findFirst().orElse(null);
    }

    /**
     * Epoch seconds, milliseconds, microseconds or nanoseconds (told apart by size, fractions allowed), as a
     * number or a string, or ISO-8601 with an offset; null when it is none of these.
     */
    static Instant time(JsonNode value) {
        String text = value.isString() ? value.asString().strip() : value.isNumber() ? value.asString() : null;
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.length() > 40) {
            return null;
        }
        try {
            BigDecimal number = new BigDecimal(text);
            int digits = number.precision() - number.scale();
            // beyond what any clock writes (and 1e100000000 would take minutes to expand)
            if (digits > 20 || number.scale() > 20) {
                return null;
            }
            BigDecimal nanos = number.movePointRight(digits <= 11 ? 9 : digits <= 14 ? 6 : digits <= 17 ? 3 : 0);
            BigInteger[] secondsAndNanos = nanos.toBigInteger().divideAndRemainder(BILLION);
            return Instant.ofEpochSecond(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValue());
        }
        catch (NumberFormatException | ArithmeticException | DateTimeException notAnEpochTime) {
            // an ISO-8601 time
        }
        for (DateTimeFormatter format : ISO) {
            try {
                TemporalAccessor read = format.parseBest(text.replace(' ', 'T'), OffsetDateTime::from, LocalDateTime::from);
                // a time without an offset is UTC
                return read instanceof OffsetDateTime offset ? offset.toInstant() : ((LocalDateTime) read).toInstant(ZoneOffset.UTC);
            }
            catch (DateTimeException notThisOne) {
                // the next form
            }
        }
        return null;
    }

    private static String long_(String message, int maxChars, int index) {
        if (message.length() > maxChars) {
            throw LogProblems.lineTooLong(index, maxChars);
        }
        return message;
    }
}
