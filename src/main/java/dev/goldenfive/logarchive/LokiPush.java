package dev.goldenfive.logarchive;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.loki4j.pkg.loki.protobuf.Push;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import org.xerial.snappy.Snappy;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;
import dev.goldenfive.web.RequestBodies;

/**
 * Loki's push API, in both its encodings: JSON (streams of labels, each with values of [nanoseconds, line] or
 * [nanoseconds, line, structured metadata]) and protobuf compressed with snappy (Loki's {@code PushRequest}: streams
 * with their labels as one string, {@code {job="varlogs", host="ci-1"}}, and entries of a timestamp, a line and
 * structured metadata), which Promtail, Grafana Alloy and most Loki clients send. Both map alike: the labels
 * {@code service}, {@code service_name}, {@code app} or {@code job} give the service; {@code environment} or
 * {@code env} the environment; {@code host}, {@code hostname} or {@code instance} the host; {@code level} or
 * {@code detected_level} the level; other labels and the metadata are kept as attributes ({@code trace_id} from the
 * metadata gives the trace).
 */
final class LokiPush {

    /** A protobuf push holds at most this much once uncompressed (a snappy block says its length first). */
    static final int MAX_UNCOMPRESSED = 16 * 1024 * 1024;

    private LokiPush() {
    }

    /** One entry of a stream, whichever encoding it came in; {@code ts} null when it had no readable time. */
    private record Entry(Instant ts, String rawTime, String line, Map<String, Object> metadata) {
    }

    static JsonLines.Parsed parse(byte[] body, JsonMapper json, JsonLines.Defaults defaults, Instant now, int maxLines,
            int maxLineChars) {
        JsonNode tree = JsonLines.tree(body, json);
        if (!tree.path("streams").isArray()) {
            throw new InvalidFields(List.of(new FieldProblem("streams", "must be an array of {stream, values}")));
        }
        Lines lines = new Lines(defaults, now, maxLines, maxLineChars);
        int s = 0;
        for (JsonNode stream : tree.get("streams")) {
            Map<String, Object> labels = new LinkedHashMap<>();
            stream.path("stream").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString("")));
            List<Entry> entries = new ArrayList<>();
            int v = 0;
            for (JsonNode value : stream.path("values")) {
                if (!value.isArray() || value.size() < 2) {
                    throw new InvalidFields(List.of(new FieldProblem("streams[" + s + "].values[" + v + "]",
                            "must be [nanoseconds, line] or [nanoseconds, line, metadata]")));
                }
                Map<String, Object> metadata = new LinkedHashMap<>();
                if (value.size() > 2 && value.get(2).isObject()) {
                    value.get(2).properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asString("")));
                }
                entries.add(new Entry(JsonLines.time(value.get(0)), value.get(0).asString(""), value.get(1).asString(""), metadata));
                v++;
            }
            lines.stream("streams[" + s + "].values", labels, entries);
            s++;
        }
        return lines.parsed();
    }

    static JsonLines.Parsed fromProtobuf(byte[] body, JsonMapper json, JsonLines.Defaults defaults, Instant now, int maxLines,
            int maxLineChars) {
        Push.PushRequest request;
        try {
            int length = Snappy.uncompressedLength(body);
            if (length < 0) {
                throw new IOException("a snappy block of " + Integer.toUnsignedString(length) + " bytes");
            }
            if (length > MAX_UNCOMPRESSED) {
                throw RequestBodies.tooMany(MAX_UNCOMPRESSED, "bytes once uncompressed", "A Loki push");
            }
            byte[] raw = Snappy.uncompress(body);
            // counted on the wire before a message is made of each: a few bytes an entry must not become millions of objects
            JsonLines.count(entries(raw), maxLines);
            request = Push.PushRequest.parseFrom(raw);
        }
        catch (InvalidProtocolBufferException notProtobuf) {
            throw new InvalidFields(List.of(new FieldProblem("(body)", "is not a Loki PushRequest in protobuf once uncompressed")));
        }
        catch (IOException notSnappy) {
            throw new InvalidFields(List.of(new FieldProblem("(body)",
                    "is not snappy-compressed (block format) protobuf, as Loki's push takes it with Content-Type application/x-protobuf")));
        }
        Lines lines = new Lines(defaults, now, maxLines, maxLineChars);
        for (int s = 0; s < request.getStreamsCount(); s++) {
            Push.StreamAdapter stream = request.getStreams(s);
            Map<String, Object> labels;
            try {
                labels = labels(stream.getLabels());
            }
            catch (IllegalArgumentException unreadable) {
                // the lines still count: they are kept, with the labels as they came
                labels = new LinkedHashMap<>(Map.of("_labels", stream.getLabels()));
                lines.problems.add(new FieldProblem("streams[" + s + "].labels", unreadable.getMessage() + ": kept as the attribute _labels"));
            }
            List<Entry> entries = new ArrayList<>(stream.getEntriesCount());
            for (Push.EntryAdapter entry : stream.getEntriesList()) {
                Map<String, Object> metadata = new LinkedHashMap<>();
                entry.getStructuredMetadataList().forEach(pair -> metadata.put(pair.getName(), pair.getValue()));
                Instant ts = entry.hasTimestamp() ? Instant.ofEpochSecond(entry.getTimestamp().getSeconds(), entry.getTimestamp().getNanos()) : null;
                entries.add(new Entry(ts, ts == null ? "" : ts.toString(), entry.getLine(), metadata));
            }
            lines.stream("streams[" + s + "].entries", labels, entries);
        }
        return lines.parsed();
    }

    /** The entries a PushRequest holds (field 2 of each stream, field 1), read off the wire without making messages. */
    static int entries(byte[] raw) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(raw);
        int entries = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) != 1 || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                in.skipField(tag);
                continue;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            for (int inner = in.readTag(); inner != 0; inner = in.readTag()) {
                if (WireFormat.getTagFieldNumber(inner) == 2) {
                    entries++;
                }
                in.skipField(inner);
            }
            in.popLimit(limit);
        }
        return entries;
    }

    /**
     * A stream's labels as Loki writes them: {@code {name="value", …}}, values in double quotes with {@code \"},
     * {@code \\} and {@code \n} escaped, as in PromQL. Refused (with why) when it is not that.
     */
    static Map<String, Object> labels(String text) {
        Map<String, Object> labels = new LinkedHashMap<>();
        String s = text.strip();
        if (s.length() < 2 || s.charAt(0) != '{' || s.charAt(s.length() - 1) != '}') {
            throw new IllegalArgumentException("is not {name=\"value\", …}");
        }
        int i = 1;
        int end = s.length() - 1;
        while (true) {
            while (i < end && (s.charAt(i) == ' ' || s.charAt(i) == ',')) {
                i++;
            }
            if (i >= end) {
                return labels;
            }
            int name = i;
            while (i < end && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                i++;
            }
            if (i == name || i >= end || s.charAt(i) != '=' || i + 1 >= end || s.charAt(i + 1) != '"') {
                throw new IllegalArgumentException("a label at character " + name + " is not name=\"value\"");
            }
            String key = s.substring(name, i);
            StringBuilder value = new StringBuilder();
            i += 2;
            while (i < end && s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\' && i < end) {
                    char next = s.charAt(i++);
                    value.append(next == 'n' ? '\n' : next);
                }
                else {
                    value.append(c);
                }
            }
            if (i >= end) {
                throw new IllegalArgumentException("the value of " + key + " has no closing quote");
            }
            labels.put(key, value.toString());
            i++;
        }
    }

    /** The lines of a push as they are made from its streams, with the problems met on the way. */
    private static final class Lines {

        private final JsonLines.Defaults defaults;
        private final Instant now;
        private final int maxLines;
        private final int maxLineChars;
        private final List<LogLine> lines = new ArrayList<>();
        private final List<FieldProblem> problems = new ArrayList<>();

        Lines(JsonLines.Defaults defaults, Instant now, int maxLines, int maxLineChars) {
            this.defaults = defaults;
            this.now = now;
            this.maxLines = maxLines;
            this.maxLineChars = maxLineChars;
        }

        /** One stream's entries; {@code field} names them in problems ({@code streams[0].values}). */
        void stream(String field, Map<String, Object> streamLabels, List<Entry> entries) {
            Map<String, Object> labels = new LinkedHashMap<>(streamLabels);
            String service = take(labels, "service", "service_name", "app", "job");
            String environment = take(labels, "environment", "env");
            String host = take(labels, "host", "hostname", "instance");
            String level = take(labels, "level", "detected_level");
            for (int e = 0; e < entries.size(); e++) {
                Entry entry = entries.get(e);
                JsonLines.count(lines.size() + 1, maxLines);
                String message = JsonLines.within(entry.line(), maxLineChars, lines.size());
                Map<String, Object> attributes = new LinkedHashMap<>(labels);
                Map<String, Object> metadata = new LinkedHashMap<>(entry.metadata());
                String traceId = take(metadata, "trace_id", "traceID", "traceId");
                attributes.putAll(metadata);
                Instant ts = entry.ts();
                if (ts == null || !JsonLines.believable(ts, now)) {
                    problems.add(new FieldProblem(field + "[" + e + "]", "has no time within an hour ahead and 30 days back: the arrival time is used"));
                    attributes.put("_timestamp", entry.rawTime());
                    ts = now;
                }
                lines.add(defaults.line(ts, environment, service, host, level, message, traceId, null, null, attributes));
            }
        }

        JsonLines.Parsed parsed() {
            return new JsonLines.Parsed(lines, problems);
        }
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
