package dev.goldenfive.oncall;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** iCalendar content lines as RFC 5545 §3.1 wants them: at most 75 octets, folded with CRLF and a space. */
class CalendarLinesTest {

    @Test
    void aLongLineIsFoldedAtSeventyFiveOctetsNeverInsideACharacterAndUnfoldsToWhatItWas() {
        String content = "SUMMARY:On call: 平台值班（主）— platform primary rotation for the payments and checkout services";

        String folded = CalendarFeeds.line(content);

        assertThat(folded).endsWith("\r\n");
        for (String physical : folded.split("\r\n")) {
            assertThat(physical.getBytes(StandardCharsets.UTF_8).length).as(physical).isLessThanOrEqualTo(75);
        }
        assertThat(folded.substring(0, folded.length() - 2).replace("\r\n ", "")).isEqualTo(content);
    }

    @Test
    void aShortLineStaysOneLine() {
        assertThat(CalendarFeeds.line("DTSTART:20261207T080000Z")).isEqualTo("DTSTART:20261207T080000Z\r\n");
    }
}
