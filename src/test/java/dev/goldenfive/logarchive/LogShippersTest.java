package dev.goldenfive.logarchive;

import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import com.github.loki4j.logback.Loki4jAppender;
import com.github.loki4j.logback.PipelineConfigAppenderBase;
import com.google.protobuf.ByteString;
import com.google.rpc.Status;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Api;
import dev.goldenfive.Eventually;
import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the common shippers send, over real HTTP: a Loki client library's protobuf push (snappy), a request captured
 * from another client in Promtail's format, OTLP's ids and errors as the collector answers them, byte-order marks, and
 * words inside terminal colour codes.
 */
@GoldenfiveTest
class LogShippersTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    JdbcClient jdbc;

    private Api api;
    private String service;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        service = "ship-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aLokiClientLibrarySendsProtobufWithSnappyAndEveryLineArrivesOnceWithItsLabelsAndMetadata() throws Exception {
        LoggerContext context = new LoggerContext();
        // a logging context of the test's own, reading the MDC the test writes
        context.setMDCAdapter(MDC.getMDCAdapter());
        Loki4jAppender appender = new Loki4jAppender();
        appender.setContext(context);
        PipelineConfigAppenderBase.HttpCfg http = new PipelineConfigAppenderBase.HttpCfg();
        http.setUrl("http://127.0.0.1:" + port + "/loki/api/v1/push");
        http.setUseProtobufApi(true);
        // most Loki clients know basic auth alone: the token is its password
        PipelineConfigAppenderBase.BasicAuth auth = new PipelineConfigAppenderBase.BasicAuth();
        auth.setUsername("goldenfive");
        auth.setPassword(GoldenfiveTest.ADMIN_TOKEN);
        http.setAuth(auth);
        appender.setHttp(http);
        PipelineConfigAppenderBase.BatchCfg batch = new PipelineConfigAppenderBase.BatchCfg();
        batch.setMaxItems(20);
        batch.setTimeoutMs(200);
        batch.setDrainOnStop(true);
        appender.setBatch(batch);
        appender.setLabels("service_name = " + service + "\nenvironment = prod\nhost = ci-runner-9\nlevel = %level");
        appender.setStructuredMetadata("trace_id = %mdc{trace_id}\nthread = %thread");
        PatternLayout message = new PatternLayout();
        message.setContext(context);
        message.setPattern("%msg");
        message.start();
        appender.setMessage(message);
        appender.setVerbose(true);
        appender.start();
        Logger logger = context.getLogger("build");
        logger.addAppender(appender);
        try {
            MDC.put("trace_id", "0af7651916cd43dd8448eb211c80319c");
            for (int i = 0; i < 45; i++) {
                logger.info("go: downloading golang.org/x/text v0.14.{}", i);
            }
            logger.error("构建失败：连接超时");
            MDC.clear();
            for (int i = 0; i < 4; i++) {
                logger.warn("retry {}", i);
            }
        }
        finally {
            appender.stop();
            context.stop();
        }

        assertThat(Eventually.holds(() -> count() == 50, PATIENCE)).as("50 lines, each once (%d now); the client said %s", count(),
                context.getStatusManager().getCopyOfStatusList()).isTrue();
        Map<String, Object> failed = jdbc.sql("select * from log_line where service = :service and message = '构建失败：连接超时'")
                .param("service", service).query().singleRow();
        assertThat(failed).containsEntry("environment", "prod").containsEntry("host", "ci-runner-9").containsEntry("level", "error")
                .containsEntry("trace_id", "0af7651916cd43dd8448eb211c80319c");
        assertThat(failed.get("attributes").toString()).contains("thread");
        assertThat(jdbc.sql("select count(*) from log_line where service = :service and trace_id is null").param("service", service)
                .query(Long.class).single()).isEqualTo(4);
    }

    @Test
    void basicAuthCarriesATokenOnTheLogIngestPathsAlone() throws Exception {
        String good = "Basic " + java.util.Base64.getEncoder().encodeToString(("any:" + GoldenfiveTest.ADMIN_TOKEN).getBytes(StandardCharsets.UTF_8));
        String wrong = "Basic " + java.util.Base64.getEncoder().encodeToString("any:not-a-token".getBytes(StandardCharsets.UTF_8));
        String push = "{\"streams\":[{\"stream\":{\"service\":\"" + service + "\"},\"values\":[[\"" + Instant.now().toEpochMilli() * 1_000_000
                + "\",\"basic\"]]}]}";
        assertThat(basic("/loki/api/v1/push", good, push)).isEqualTo(204);
        assertThat(basic("/loki/api/v1/push", wrong, push)).isEqualTo(401);
        assertThat(api.http().send(HttpRequest.newBuilder(api.uri("/api/v1/incidents")).header("Authorization", good).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).as("elsewhere a token is a bearer token").isEqualTo(401);
        assertThat(count()).isEqualTo(1);
    }

    private int basic(String path, String authorization, String body) throws Exception {
        return api.http().send(HttpRequest.newBuilder(api.uri(path)).header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aRequestCapturedInPromtailsFormatIsStoredAsItCameAndItsColouredWordIsFound() throws Exception {
        // Captured from winston-loki 6.1.7 (npm), which sends what Promtail sends: Loki's PushRequest in protobuf,
        // snappy-compressed (block format), Content-Type application/x-protobuf. Labels: job="varlogs",
        // filename="/var/log/build.log", host="ci-runner-7", environment="prod", service_name="build", level.
        byte[] captured;
        try (InputStream in = getClass().getResourceAsStream("/logarchive/loki-push-winston-loki.bin")) {
            captured = in.readAllBytes();
        }
        Instant sent = Instant.now().minusSeconds(1);
        var response = api.send(HttpRequest.newBuilder(api.uri("/loki/api/v1/push")).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(captured)), GoldenfiveTest.ADMIN_TOKEN);

        // 204, or 200 when the capture has grown older than 30 days and its times are replaced by the arrival time
        assertThat(response.statusCode()).as(response.body()).isIn(200, 204);
        List<Map<String, Object>> rows = jdbc.sql("select * from log_line where host = 'ci-runner-7' and received_at >= :sent order by id")
                .param("sent", Timestamp.from(sent)).query().listOfRows();
        // winston-loki writes each line's meta after it
        assertThat(rows).extracting(r -> r.get("message")).contains("go: downloading golang.org/x/text v0.14.0 {\"level\":\"info\"}",
                "构建失败：连接超时 {\"level\":\"info\"}",
                "\u001b[31mFATAL\u001b[0m build failed: dial tcp 142.250.0.1:443: i/o timeout {\"level\":\"error\"}");
        assertThat(rows).allSatisfy(r -> assertThat(r).containsEntry("service", "build").containsEntry("environment", "prod"));
        assertThat(rows.getFirst().get("attributes").toString()).contains("varlogs").contains("/var/log/build.log");

        JsonNode found = search("FATAL host:ci-runner-7");
        assertThat(found.get("lines").valueStream().map(l -> l.get("message").asString()).toList())
                .as("the word inside the colour codes is found; the line is shown as it came")
                .contains("\u001b[31mFATAL\u001b[0m build failed: dial tcp 142.250.0.1:443: i/o timeout {\"level\":\"error\"}");
    }

    @Test
    void aLokiPushOfAnotherContentTypeOrNotSnappyIsRefusedSayingWhy() throws Exception {
        var other = api.post("/loki/api/v1/push", GoldenfiveTest.ADMIN_TOKEN, "text/plain", "hello");
        assertThat(other.statusCode()).isEqualTo(415);
        var notSnappy = api.send(HttpRequest.newBuilder(api.uri("/loki/api/v1/push")).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray("{\"streams\":[]}".getBytes(StandardCharsets.UTF_8))), GoldenfiveTest.ADMIN_TOKEN);
        assertThat(notSnappy.statusCode()).isEqualTo(400);
        assertThat(notSnappy.body()).contains("snappy");
    }

    @Test
    void otlpIdsThatAreNotHexOfTheRightLengthAreKeptAsAttributesAndCountedInThePartialSuccess() throws Exception {
        ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", service)))
                .addScopeLogs(ScopeLogs.newBuilder()
                        .addLogRecords(record("five-byte trace id").setTraceId(ByteString.fromHex("0102030405")))
                        .addLogRecords(record("good ids").setTraceId(ByteString.fromHex("4bf92f3577b34da6a3ce929d0e0e4736"))
                                .setSpanId(ByteString.fromHex("00f067aa0ba902b7")))))
                .build();
        HttpResponse<byte[]> response = api.http().send(HttpRequest.newBuilder(api.uri("/v1/logs"))
                .header("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        var partial = io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse.parseFrom(response.body()).getPartialSuccess();
        assertThat(partial.getRejectedLogRecords()).as("every record is kept").isZero();
        assertThat(partial.getErrorMessage()).contains("1 records stored with problems").contains("[0].traceId").contains("trace_id");
        Map<String, Object> kept = row("five-byte trace id");
        assertThat(kept.get("trace_id")).isNull();
        assertThat(kept.get("attributes").toString()).contains("0102030405");
        assertThat(row("good ids")).containsEntry("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");

        String body = """
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"%s"}}]},
                  "scopeLogs":[{"logRecords":[{"body":{"stringValue":"json ids"},"traceId":"not-a-trace-id","spanId":"EEE19B7EC3C1B174"}]}]}]}"""
                .formatted(service);
        JsonNode answer = json.readTree(api.post("/v1/logs", GoldenfiveTest.ADMIN_TOKEN, "application/json", body).body());
        assertThat(answer.path("partialSuccess").path("errorMessage").asString()).contains("1 records stored with problems");
        assertThat(row("json ids")).containsEntry("span_id", "eee19b7ec3c1b174");
        assertThat(row("json ids").get("attributes").toString()).contains("not-a-trace-id");
    }

    @Test
    void otlpErrorsAreGoogleRpcStatusInTheRequestsEncodingAndAnotherContentTypeIs415() throws Exception {
        HttpResponse<byte[]> garbage = api.http().send(HttpRequest.newBuilder(api.uri("/v1/logs"))
                .header("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0x01, 0x02})).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/x-protobuf"));
        Status status = Status.parseFrom(garbage.body());
        assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.INVALID_ARGUMENT_VALUE);
        assertThat(status.getMessage()).contains("(body)");

        var badJson = api.post("/v1/logs", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"resourceLogs\": [");
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(json.readTree(badJson.body()).get("code").asInt()).isEqualTo(3);

        var plain = api.post("/v1/logs", GoldenfiveTest.ADMIN_TOKEN, "text/plain", "a line");
        assertThat(plain.statusCode()).isEqualTo(415);
        assertThat(json.readTree(plain.body()).get("message").asString()).contains("application/x-protobuf");
    }

    @Test
    void openTelemetrysOwnExporterDeliversItsRecordsAndReadsTheStatusOfARefusal() throws Exception {
        List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger exporterLog = java.util.logging.Logger.getLogger("io.opentelemetry.exporter.internal.http.HttpExporter");
        java.util.logging.Handler listening = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                said.add(String.valueOf(record.getMessage()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        exporterLog.addHandler(listening);
        var exporter = io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter.builder()
                .setEndpoint("http://127.0.0.1:" + port + "/v1/logs").addHeader("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN)
                .build();
        var provider = io.opentelemetry.sdk.logs.SdkLoggerProvider.builder()
                .setResource(io.opentelemetry.sdk.resources.Resource.create(io.opentelemetry.api.common.Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), service)))
                .addLogRecordProcessor(io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor.create(exporter))
                .build();
        try {
            var logger = provider.get("build");
            logger.logRecordBuilder().setBody("go: downloading golang.org/x/text v0.14.0")
                    .setSeverity(io.opentelemetry.api.logs.Severity.WARN).emit();
            // longer than a line may be: the request is refused, 413, and the exporter reads why from the Status
            logger.logRecordBuilder().setBody("x".repeat(70_000)).emit();
            assertThat(provider.forceFlush().join(10, java.util.concurrent.TimeUnit.SECONDS).isDone()).isTrue();
        }
        finally {
            provider.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
            exporterLog.removeHandler(listening);
        }
        assertThat(row("go: downloading golang.org/x/text v0.14.0")).containsEntry("level", "warn");
        assertThat(said).as("the exporter's own words about the refusal").anySatisfy(m -> assertThat(m).contains("413").contains("65536"));
    }

    @Test
    void aByteOrderMarkFromAFileCurlSendsIsNoPartOfIt() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("bom", ".ndjson");
        try {
            java.nio.file.Files.writeString(file, "\uFEFF{\"message\":\"written by an editor that marks its files\",\"level\":\"info\"}\n");
            Process curl = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer " + GoldenfiveTest.ADMIN_TOKEN,
                    "-H", "Content-Type: application/x-ndjson", "--data-binary", "@" + file,
                    "http://127.0.0.1:" + port + "/api/v1/logs?service=" + service).redirectErrorStream(true).start();
            assertThat(new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("200");
            assertThat(row("written by an editor that marks its files")).containsEntry("level", "info");
        }
        finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void aByteOrderMarkBeforeABodyOrALineIsNoPartOfIt() throws Exception {
        String bom = "\uFEFF";
        var lines = api.post("/api/v1/logs?service=" + service, GoldenfiveTest.ADMIN_TOKEN, "application/x-ndjson",
                bom + "{\"message\":\"first\",\"level\":\"info\"}\n" + bom + "{\"message\":\"second\",\"level\":\"warn\"}\n");
        assertThat(lines.statusCode()).as(lines.body()).isEqualTo(200);
        assertThat(json.readTree(lines.body()).get("problems").isEmpty()).as(lines.body()).isTrue();
        var array = api.post("/api/v1/logs?service=" + service, GoldenfiveTest.ADMIN_TOKEN, "application/json",
                bom + "[{\"message\":\"third\"}]");
        assertThat(array.statusCode()).as(array.body()).isEqualTo(200);
        var loki = api.post("/loki/api/v1/push", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                bom + "{\"streams\":[{\"stream\":{\"service\":\"" + service + "\"},\"values\":[[\"" + Instant.now().toEpochMilli() * 1_000_000
                        + "\",\"fourth\"]]}]}");
        assertThat(loki.statusCode()).as(loki.body()).isEqualTo(204);

        assertThat(jdbc.sql("select message from log_line where service = :service order by id").param("service", service)
                .query(String.class).list()).containsExactly("first", "second", "third", "fourth");
        assertThat(row("second")).containsEntry("level", "warn");
    }

    @Test
    void wordsInsideTerminalColourCodesAreFoundAndMarkedWhileTheLineIsShownAsItCame() throws Exception {
        String coloured = "\u001b[31mFATAL\u001b[0m \u001b[1mgo mod download\u001b[22m failed";
        var stored = api.post("/api/v1/logs?service=" + service, GoldenfiveTest.ADMIN_TOKEN, "application/json",
                json.writeValueAsString(List.of(Map.of("message", coloured), Map.of("message", "31mFATAL is not this one's word"))));
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);

        assertThat(messages(search("FATAL service:" + service))).containsExactly(coloured);
        assertThat(messages(search("\"go mod download failed\" service:" + service))).containsExactly(coloured);
        assertThat(messages(search("31mFATAL service:" + service))).containsExactly("31mFATAL is not this one's word");
        assertThat(LogText.pieces(coloured, LogText.highlighter(List.of("FATAL"))))
                .contains(new LogText.Piece("FATAL", true));
    }

    private static LogRecord.Builder record(String body) {
        return LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue(body));
    }

    private static KeyValue kv(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private Map<String, Object> row(String message) {
        return jdbc.sql("select * from log_line where service = :service and message = :message")
                .param("service", service).param("message", message).query().singleRow();
    }

    private long count() {
        return jdbc.sql("select count(*) from log_line where service = :service").param("service", service).query(Long.class).single();
    }

    private JsonNode search(String q) throws Exception {
        var response = api.get("/api/v1/logs/search?range=24h&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), GoldenfiveTest.ADMIN_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static List<String> messages(JsonNode page) {
        return page.get("lines").valueStream().map(l -> l.get("message").asString()).toList();
    }
}
