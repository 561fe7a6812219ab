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
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.goldenfive.incident.IncidentKey;
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
    private static final List<String> LEVEL = List.of("level", "severity", "lvl");
    private static final List<String> SERVICE = List.of("service", "service.name", "app");
    private static final List<String> HOST = List.of("host", "hostname");
    private static final List<String> ENVIRONMENT = List.of("environment", "env");
    private static final List<String> TRACE = List.of("traceId", "trace_id");
    private static final List<String> SPAN = List.of("spanId", "span_id");
    private static final List<String> INCIDENT = List.of("incident", "incidentKey", "incident_key");
    private static final Pattern INCIDENT_KEY = Pattern.compile(IncidentKey.PATTERN);

    private JsonLines() {
    }

    /** What a request's lines became, and what was wrong with some of them. */
    record Parsed(List<LogLine> lines, List<FieldProblem> problems) {
    }

    /** The fields a line may lack, from the sender or the request: environment, service, host. */
    record Defaults(String environment, String service, String host) {

        /** A line with what it lacks of environment, service and host filled in. */
        LogLine line(Instant ts, String environment, String service, String host, String level, String message,
                String traceId, String spanId, String incident, Map<String, Object> attributes) {
            return new LogLine(ts, environment == null ? this.environment : environment,
                    service == null ? this.service : service, host == null ? this.host : host, level, message, traceId,
                    spanId, incident, attributes);
        }
    }

    /** A log format: a request's body into lines. */
    @FunctionalInterface
    interface Format {
        Parsed parse(byte[] body, JsonMapper json, Defaults defaults, Instant now, int maxLines, int maxLineChars);
    }

    /** The body as one JSON document (a UTF-8 byte-order mark before it skipped), or a 400 saying where it stops being JSON. */
    static JsonNode tree(byte[] body, JsonMapper json) {
        try {
            return json.readTree(body, RequestBodies.bom(body), body.length - RequestBodies.bom(body));
        }
        catch (JacksonException ex) {
            throw new InvalidFields(List.of(FieldProblem.of(ex)));
        }
    }

    /** Whether a line's own time is believed: at most {@link #FUTURE} ahead of now and {@link #PAST} behind. */
    static boolean believable(Instant ts, Instant now) {
        return !ts.isAfter(now.plus(FUTURE)) && !ts.isBefore(now.minus(PAST));
    }

    /** 413 once a request holds more than {@code maxLines} lines. */
    static void count(int lines, int maxLines) {
        if (lines > maxLines) {
            throw RequestBodies.tooMany(maxLines, "lines", "A log request");
        }
    }

    /** The message of line {@code index}, or 413 when it is longer than a line may be. */
    static String within(String message, int maxChars, int index) {
        if (message.length() > maxChars) {
            throw LogProblems.lineTooLong(index, maxChars);
        }
        return message;
    }

    static Parsed parse(byte[] body, JsonMapper json, Defaults defaults, Instant now, int maxLines, int maxLineChars) {
        List<JsonNode> nodes = new ArrayList<>();
        List<FieldProblem> problems = new ArrayList<>();
        int first = RequestBodies.firstToken(body);
        if (first == '[') {
            tree(body, json).forEach(nodes::add);
        }
        else {
            String[] texts = new String(body, StandardCharsets.UTF_8).split("\r?\n");
            for (String line : texts) {
                // a line written by a tool that starts each file (or each record) with a byte-order mark
                String text = line.startsWith("\uFEFF") ? line.substring(1) : line;
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
        count(nodes.size(), maxLines);
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
            return defaults.line(now, null, null, null, null, within(text, maxLineChars, index), null, null, null, attributes);
        }
        ObjectNode fields = (ObjectNode) node;
        // a line without a message (or with a null one) is its message whole, as it came
        String name = take(fields, MESSAGE);
        String whole = name == null || fields.get(name).isNull() ? node.toString() : null;
        Instant ts = now;
        String timeField = take(fields, TIME);
        if (timeField != null) {
            JsonNode time = fields.remove(timeField);
            Instant read = time(time);
            if (read == null) {
                problems.add(new FieldProblem("[" + index + "]." + timeField, "is not a time (epoch seconds, ms, ns or ISO-8601): the arrival time is used"));
                attributes.put("_" + timeField, time.isString() ? time.asString() : time.toString());
            }
            else if (!believable(read, now)) {
                problems.add(new FieldProblem("[" + index + "]." + timeField, "is more than an hour ahead or 30 days back: the arrival time is used"));
                attributes.put("_" + timeField, read.toString());
            }
            else {
                ts = read;
            }
        }
        String message = text(fields, MESSAGE);
        String level = text(fields, LEVEL);
        String service = text(fields, SERVICE);
        String host = text(fields, HOST);
        String environment = text(fields, ENVIRONMENT);
        String traceId = text(fields, TRACE);
        String spanId = text(fields, SPAN);
        String incident = text(fields, INCIDENT);
        if (incident != null && !INCIDENT_KEY.matcher(incident).matches()) {
            problems.add(new FieldProblem("[" + index + "].incident", "is not an incident key such as INC-42: kept as an attribute"));
            attributes.put("_incident", incident);
            incident = null;
        }
        fields.properties().forEach(e -> attributes.put(e.getKey(), e.getValue()));
        return defaults.line(ts, environment, service, host, level, within(whole != null ? whole : message, maxLineChars, index),
                traceId, spanId, incident, attributes);
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
}
