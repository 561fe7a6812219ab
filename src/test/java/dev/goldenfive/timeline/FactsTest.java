package dev.goldenfive.timeline;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class FactsTest {

    final JsonMapper json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    final Instant at = Instant.parse("2026-11-20T10:01:00Z");
    final Fact.ProbeSeen seen = new Fact.ProbeSeen("r-1", "ci-runner-7", "tcp", "proxy.golang.org:443", "proxy", false, at);

    @Test
    void everyKindOfFactReadsBackAsTheRecordThatWroteIt() {
        List<Fact> facts = List.of(
                new Fact.Declared("build", "prod", "SEV2", "go-module-download", 3, at, true),
                new Fact.Acknowledged(),
                new Fact.Mitigated("mirror"),
                new Fact.CommanderAssigned("alice", "bob"),
                new Fact.StageEntered("connectivity", "proxy-switch", "timer", at, 120L, null),
                new Fact.GoldenWindowMissed(at),
                new Fact.Resolved("proxy-switch", "GOPROXY switched"),
                new Fact.Reopened(null),
                new Fact.Closed("review done"),
                new Fact.StepMarked("connectivity", "dns", "failed", "NXDOMAIN"),
                new Fact.Note(),
                new Fact.CheckChanged("tcp", "connectivity", "TCP to the proxy", "pending", "failed",
                        List.of(new Fact.Reason("took 7200 ms (at most 5000 ms)", "check.reason.slow", List.of("7200", "5000"))), seen),
                new Fact.DiagnosisChanged(null, "proxy-down", "proxy", "The proxy refuses connections",
                        List.of(new Fact.CheckSeen("tcp", "failed", seen))),
                new Fact.AlertFiring("alertmanager", "{}:{alertname=\"GoProxyDown\"}", "Go proxy down", List.of("a1b2"),
                        "(defaults)", "goldenfive", Map.of("alertname", "GoProxyDown"), "http://alertmanager:9093",
                        List.of("http://prometheus:9090/graph"), null, null, null),
                new Fact.AlertResolved(null, null, null),
                new Fact.LinePinned("l-1", at, "ci", "runner-7", "ERROR", "dial tcp: connection refused"),
                new Fact.ProbesRequested("connectivity"),
                new Fact.MonitorChanged("module-proxy", true, List.of("agent:7", "agent:9")),
                new Fact.Paged("platform", 2, 0, List.of("alice"), false),
                new Fact.Unreached("alice", 1, 0, "email: answered 550", true),
                new Fact.WorkaroundRecorded(7, "gosumdb-off", "GOSUMDB=off in CI", "ci runners", "alice",
                        Instant.parse("2026-12-06T10:00:00Z"), "offline-fallback/local-cache"),
                new Fact.WorkaroundClosed(7, "GOSUMDB=off in CI", false, "kept until the mirror is back"),
                new Fact.WorkaroundOverdue(7, "GOSUMDB=off in CI", "alice", Instant.parse("2026-12-06T10:00:00Z")),
                new Fact.DrillFault("ci-runner-1", "blackhole", "proxy.example.com", "injected", "203.0.113.7/32",
                        "ip route add blackhole 203.0.113.7/32", Instant.parse("2026-12-06T10:10:00Z")));

        assertThat(facts).extracting(Fact::getClass).as("one of each kind")
                .containsExactlyInAnyOrder(List.of(Fact.class.getPermittedSubclasses()).stream()
                        .filter(type -> type != Fact.Unrecognised.class).toArray(Class[]::new));
        for (Fact fact : facts) {
            assertThat(Facts.read(json, fact.kind(), Facts.json(json, fact))).isEqualTo(fact);
        }
    }

    @Test
    void entriesWrittenAsMapsBeforeFactsWereTypedReadAsTheirRecords() {
        assertThat(Facts.read(json, "stage-entered", """
                {"from":"connectivity","to":"proxy-switch","cause":"timer","deadline":"2026-11-20T10:01:00Z","latenessMs":120}"""))
                .isEqualTo(new Fact.StageEntered("connectivity", "proxy-switch", "timer", at, 120L, null));
        assertThat(Facts.read(json, "check-changed", """
                {"check":"tcp","stage":"connectivity","title":"TCP to the proxy","from":"pending","to":"failed",
                 "result":{"id":"r-1","submitter":"ci-runner-7","type":"tcp","target":"proxy.golang.org:443",
                           "path":"proxy","success":false,"startedAt":"2026-11-20T10:01:00Z"}}"""))
                .isEqualTo(new Fact.CheckChanged("tcp", "connectivity", "TCP to the proxy", "pending", "failed", null, seen));
        assertThat(Facts.read(json, "check-changed", """
                {"check":"http","stage":"connectivity","title":"HTTPS","from":"pending","to":"failed",
                 "reasons":["HTTP 503 (expected 200)"]}"""))
                .isEqualTo(new Fact.CheckChanged("http", "connectivity", "HTTPS", "pending", "failed",
                        List.of(Fact.Reason.said("HTTP 503 (expected 200)")), null));
        assertThat(Facts.read(json, "diagnosis-changed", """
                {"from":"proxy-down"}""")).isInstanceOfSatisfying(Fact.DiagnosisChanged.class,
                withdrawn -> assertThat(withdrawn.withdrawn()).isTrue());
        assertThat(Facts.read(json, "alert-firing", """
                {"receiver":"goldenfive","groupLabels":{"alertname":"GoProxyDown"},"source":"alertmanager","key":"g",
                 "alerts":["a1b2"],"rule":"(defaults)","somethingOlder":1}"""))
                .isEqualTo(new Fact.AlertFiring("alertmanager", "g", null, List.of("a1b2"), "(defaults)", "goldenfive",
                        Map.of("alertname", "GoProxyDown"), null, null, null, null, null));
    }

    @Test
    void aKindThisVersionDoesNotKnowKeepsItsDetailsAsTheyWereStored() {
        Fact fact = Facts.read(json, "page-sent", """
                {"to":"alice","channel":"email"}""");

        assertThat(fact).isEqualTo(new Fact.Unrecognised("page-sent", Map.of("to", "alice", "channel", "email")));
        assertThat(fact.kind()).isEqualTo("page-sent");
        assertThat(json.readTree(Facts.json(json, fact))).isEqualTo(json.readTree("{\"to\":\"alice\",\"channel\":\"email\"}"));
    }

    @Test
    void anEntryItsRecordCannotReadKeepsItsDetailsRatherThanHidingTheTimeline() {
        assertThat(Facts.read(json, "stage-entered", """
                {"to":"proxy-switch","deadline":"not a time"}"""))
                .isEqualTo(new Fact.Unrecognised("stage-entered", Map.of("to", "proxy-switch", "deadline", "not a time")));
    }

    @Test
    void factsLeaveOutWhatTheyDoNotHave() {
        assertThat(Facts.json(json, new Fact.Mitigated(null))).isEqualTo("{}");
        assertThat(Facts.json(json, new Fact.CheckChanged("http", "connectivity", "HTTPS", "pending", "failed",
                List.of(Fact.Reason.said("took too long")), null))).contains("\"reasons\":[{\"text\":\"took too long\"}]");
        assertThat(Facts.json(json, new Fact.StageEntered(null, "connectivity", "declared", null, null, null)))
                .isEqualTo("{\"to\":\"connectivity\",\"cause\":\"declared\"}");
    }
}
