package dev.goldenfive.logarchive;

import org.junit.jupiter.api.Test;

import dev.goldenfive.web.InvalidField;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogQueryTest {

    @Test
    void wordsPhrasesExclusionsAndOrBecomeTheFullTextPart() {
        LogQuery q = LogQuery.parse("timeout \"checksum mismatch\" -debug OR refused");

        assertThat(q.text()).isEqualTo("timeout \"checksum mismatch\" -debug or refused");
        assertThat(q.terms()).containsExactly("timeout", "checksum", "mismatch", "refused");
        assertThat(q.fields()).isEmpty();
    }

    @Test
    void fieldsBecomeConditionsWithQuotedValuesWildcardsAndExclusion() {
        LogQuery q = LogQuery.parse("service:build* level:ERROR -host:\"ci 7\" env:prod trace:4bf9 incident:INC-7 proxy");

        assertThat(q.fields()).containsExactly(
                new LogQuery.FieldCondition("service", "build%", null, false),
                new LogQuery.FieldCondition("level", "error", "error", false),
                new LogQuery.FieldCondition("host", "ci 7", "ci 7", true),
                new LogQuery.FieldCondition("environment", "prod", "prod", false),
                new LogQuery.FieldCondition("trace_id", "4bf9", "4bf9", false),
                new LogQuery.FieldCondition("incident", "INC-7", "INC-7", false));
        assertThat(q.text()).isEqualTo("proxy");
    }

    @Test
    void likeCharactersInValuesAreThemselves() {
        LogQuery.FieldCondition condition = LogQuery.parse("service:a_b%c").fields().getFirst();
        assertThat(condition.pattern()).isEqualTo("a\\_b\\%c");
        assertThat(condition.exact()).isEqualTo("a_b%c");
    }

    @Test
    void sqlAndRegexInTheQueryAreJustText() {
        LogQuery q = LogQuery.parse("'; drop table log_line; -- (.*)+$");

        assertThat(q.fields()).isEmpty();
        assertThat(q.text()).contains("drop table log_line;");
    }

    @Test
    void anEmptyValueATooLongQueryOrANulIsRefused() {
        assertThatThrownBy(() -> LogQuery.parse("service:")).isInstanceOf(InvalidField.class);
        assertThatThrownBy(() -> LogQuery.parse("x".repeat(1001))).isInstanceOf(InvalidField.class);
        assertThatThrownBy(() -> LogQuery.parse("a\0b")).isInstanceOf(InvalidField.class);
    }

    @Test
    void aWordWithAColonThatNamesNoFieldIsJustAWord() {
        LogQuery q = LogQuery.parse("panic: runtime error");

        assertThat(q.fields()).isEmpty();
        assertThat(q.text()).isEqualTo("panic: runtime error");
    }

    @Test
    void orJoinsOnlyWordsAndPhrases() {
        assertThat(LogQuery.parse("service:api OR service:web").text()).isEmpty();
        assertThat(LogQuery.parse("OR timeout").text()).isEqualTo("timeout");
        assertThat(LogQuery.parse("timeout OR level:error refused").text()).isEqualTo("timeout or refused");
    }

    @Test
    void wordsInScriptsWithoutSpacesAreSearchedAsTextTheMessageContains() {
        LogQuery q = LogQuery.parse("模块 -超时 checksum");

        assertThat(q.contains()).containsExactly(new LogQuery.Contains("%模块%", false), new LogQuery.Contains("%超时%", true));
        assertThat(q.text()).isEqualTo("checksum");
        assertThat(q.terms()).containsExactly("模块", "checksum");
    }

    @Test
    void aTimeInTheTextIsNotAField() {
        assertThat(LogQuery.parse("10:42:07 started").fields()).isEmpty();
    }
}
