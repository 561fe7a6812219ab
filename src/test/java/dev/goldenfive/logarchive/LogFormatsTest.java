package dev.goldenfive.logarchive;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** OpenTelemetry (protobuf and JSON) and Loki push payloads over real HTTP, on their own paths. */
@GoldenfiveTest
class LogFormatsTest {

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
        service = "fmt-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void otlpProtobufRecordsBecomeLinesWithTheirResourceSeverityAndTrace() throws Exception {
        long nanos = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MICROS).toEpochMilli() * 1_000_000;
        ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder()
                        .addAttributes(kv("service.name", service))
                        .addAttributes(kv("deployment.environment.name", "prod"))
                        .addAttributes(kv("host.name", "pod-7"))
                        .addAttributes(kv("k8s.namespace.name", "build")))
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder()
                        .setTimeUnixNano(nanos)
                        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR)
                        .setBody(AnyValue.newBuilder().setStringValue("go: golang.org/x/net@v0.20.0: 410 Gone"))
                        .addAttributes(kv("module", "golang.org/x/net"))
                        .setTraceId(ByteString.fromHex("4bf92f3577b34da6a3ce929d0e0e4736"))
                        .setSpanId(ByteString.fromHex("00f067aa0ba902b7")))))
                .build();

        HttpResponse<byte[]> response = api.http().send(HttpRequest.newBuilder(api.uri("/v1/logs"))
                .header("Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ExportLogsServiceResponse.parseFrom(response.body()).hasPartialSuccess()).isFalse();
        Map<String, Object> row = rows().getFirst();
        assertThat(row).containsEntry("message", "go: golang.org/x/net@v0.20.0: 410 Gone").containsEntry("level", "error")
                .containsEntry("environment", "prod").containsEntry("host", "pod-7")
                .containsEntry("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736").containsEntry("span_id", "00f067aa0ba902b7");
        assertThat(row.get("attributes").toString()).contains("golang.org/x/net").contains("k8s.namespace.name");
        assertThat(((Timestamp) row.get("ts")).toInstant().toEpochMilli() * 1_000_000).isEqualTo(nanos);
    }

    @Test
    void otlpJsonAsTheSpecificationWritesItIsReadToo() throws Exception {
        String body = """
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"%s"}}]},
                  "scopeLogs":[{"scope":{"name":"app"},"logRecords":[
                    {"timeUnixNano":"%d","severityText":"WARN","body":{"stringValue":"slow module download"},
                     "attributes":[{"key":"ms","value":{"intValue":"5200"}},{"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"ci"}]}}}],
                     "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}]}]}]}"""
                .formatted(service, Instant.now().toEpochMilli() * 1_000_000);

        var response = api.post("/v1/logs", GoldenfiveTest.ADMIN_TOKEN, "application/json", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, Object> row = rows().getFirst();
        assertThat(row).containsEntry("message", "slow module download").containsEntry("level", "warn")
                .containsEntry("environment", "unknown").containsEntry("trace_id", "5b8efff798038103d269b633813fc60c");
        assertThat(json.readTree(row.get("attributes").toString()).get("ms").asLong()).isEqualTo(5200);
    }

    @Test
    void lokiPushStreamsWithTheirLabelsAndMetadataGzippedAsPromtailSendsThem() throws Exception {
        long nanos = Instant.now().toEpochMilli() * 1_000_000;
        String body = """
                {"streams":[{"stream":{"service_name":"%s","env":"staging","instance":"10.0.0.7:9100","level":"error","team":"build"},
                  "values":[["%d","checksum mismatch for golang.org/x/text"],
                            ["%d","retry 2",{"trace_id":"0af7651916cd43dd8448eb211c80319c"}]]}]}"""
                .formatted(service, nanos, nanos + 1_000_000);

        var response = api.send(HttpRequest.newBuilder(api.uri("/loki/api/v1/push")).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(Api.gzip(body))), GoldenfiveTest.ADMIN_TOKEN);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
        List<Map<String, Object>> rows = rows();
        assertThat(rows).extracting(r -> r.get("message")).containsExactly("checksum mismatch for golang.org/x/text", "retry 2");
        assertThat(rows.get(1)).containsEntry("environment", "staging").containsEntry("host", "10.0.0.7:9100")
                .containsEntry("level", "error").containsEntry("trace_id", "0af7651916cd43dd8448eb211c80319c");
        assertThat(rows.getFirst().get("attributes").toString()).contains("team");
    }

    @Test
    void malformedPayloadsOfEachFormatAre400AndTokensAreRequired() throws Exception {
        assertThat(api.post("/loki/api/v1/push", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"streams\":[{\"values\":[[\"1\"]]}]}").body())
                .contains("streams[0].values[0]");
        assertThat(api.post("/loki/api/v1/push", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{}").statusCode()).isEqualTo(400);
        assertThat(api.send(HttpRequest.newBuilder(api.uri("/v1/logs")).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0x01, 0x02})), GoldenfiveTest.ADMIN_TOKEN).statusCode())
                .isEqualTo(400);
        assertThat(api.post("/v1/logs", null, "application/json", "{}").statusCode()).isEqualTo(401);
    }

    private static KeyValue kv(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private List<Map<String, Object>> rows() {
        return jdbc.sql("select * from log_line where service = :service order by ts, id").param("service", service).query().listOfRows();
    }
}
