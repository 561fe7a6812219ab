package dev.goldenfive.web;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VisibleTextTest {

    @Test
    void controlCharactersBecomeTheirPicturesAndReorderingMarksAreWrittenOut() {
        assertThat(VisibleText.of("a\u001b[31mred\u0007\bx\u0000\u007f")).isEqualTo("a\u241b[31mred\u2407\u2408x\u2400\u2421");
        assertThat(VisibleText.of("invoice\u202etxt.exe")).isEqualTo("invoice\\u202etxt.exe");
        assertThat(VisibleText.of("\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u0085"))
                .isEqualTo("\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c\\u0085");
    }

    @Test
    void ordinaryTextIsTheSameStringUntouched() {
        String text = "Modules time out\tin 北京\nagain — ✓";

        assertThat(VisibleText.of(text)).isSameAs(text);
        assertThat(VisibleText.needed(text)).isFalse();
        assertThat(VisibleText.of(null)).isNull();
    }

    @Test
    void namesRefuseExactlyWhatPagesWouldShowAsPicturesOrMarks() {
        Pattern printable = Pattern.compile(StrictStrings.PRINTABLE);
        for (char c = 0; c < 0x3000; c++) {
            boolean shownChanged = VisibleText.needed(String.valueOf(c)) || c == '\n' || c == '\t';
            assertThat(printable.matcher(String.valueOf(c)).matches()).as("U+%04X", (int) c).isEqualTo(!shownChanged);
        }
    }
}
