package dev.goldenfive.logarchive;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Times as shippers write them, and numbers no clock writes. */
class JsonLinesTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void epochTimesAreToldApartBySizeAndIsoTimesWithoutAnOffsetAreUtc() {
        assertThat(time("1732528800")).isEqualTo(Instant.parse("2024-11-25T10:00:00Z"));
        assertThat(time("1732528800.25")).isEqualTo(Instant.parse("2024-11-25T10:00:00.250Z"));
        assertThat(time("1732528800250")).isEqualTo(Instant.parse("2024-11-25T10:00:00.250Z"));
        assertThat(time("1732528800250000")).isEqualTo(Instant.parse("2024-11-25T10:00:00.250Z"));
        assertThat(time("1732528800250000000")).isEqualTo(Instant.parse("2024-11-25T10:00:00.250Z"));
        assertThat(time("\"2024-11-25T11:00:00+01:00\"")).isEqualTo(Instant.parse("2024-11-25T10:00:00Z"));
        assertThat(time("\"2024-11-25T11:00:00+0100\"")).isEqualTo(Instant.parse("2024-11-25T10:00:00Z"));
        assertThat(time("\"2024-11-25 10:00:00.123\"")).isEqualTo(Instant.parse("2024-11-25T10:00:00.123Z"));
    }

    @Test
    void numbersNoClockWritesAreNoTimeAndCostNothing() {
        assertThat(time("\"1e100000000\"")).isNull();
        assertThat(time("100000000000000000000000000")).isNull();
        assertThat(time("\"yesterday\"")).isNull();
    }

    private Instant time(String value) {
        return JsonLines.time(json.readTree(value));
    }

    @Test
    void anEscapedNulInAttributesBecomesTheReplacementCharacterButEscapedBackslashesStayText() {
        assertThat(LogIngest.withoutNul("{\"a\":\"x\\u0000y\"}")).isEqualTo("{\"a\":\"x\\uFFFDy\"}");
        assertThat(LogIngest.withoutNul("{\"a\":\"\\u0000\\u0000\"}")).isEqualTo("{\"a\":\"\\uFFFD\\uFFFD\"}");
        assertThat(LogIngest.withoutNul("{\"a\":\"\\\\u0000\"}")).as("the text \\u0000").isEqualTo("{\"a\":\"\\\\u0000\"}");
        assertThat(LogIngest.withoutNul("{\"a\":\"\\\\\\u0000\"}")).isEqualTo("{\"a\":\"\\\\\\uFFFD\"}");
    }
}
