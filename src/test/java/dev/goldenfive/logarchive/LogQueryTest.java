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
                new LogQuery.FieldCondition("service", "build%", false),
                new LogQuery.FieldCondition("level", "error", false),
                new LogQuery.FieldCondition("host", "ci 7", true),
                new LogQuery.FieldCondition("environment", "prod", false),
                new LogQuery.FieldCondition("trace_id", "4bf9", false),
                new LogQuery.FieldCondition("incident", "INC-7", false));
        assertThat(q.text()).isEqualTo("proxy");
    }

    @Test
    void likeCharactersInValuesAreThemselves() {
        assertThat(LogQuery.parse("service:a_b%c").fields().getFirst().pattern()).isEqualTo("a\\_b\\%c");
    }

    @Test
    void sqlAndRegexInTheQueryAreJustText() {
        LogQuery q = LogQuery.parse("'; drop table log_line; -- (.*)+$");

        assertThat(q.fields()).isEmpty();
        assertThat(q.text()).contains("drop table log_line;");
    }

    @Test
    void anUnknownFieldOrAnEmptyValueOrATooLongQueryIsRefused() {
        assertThatThrownBy(() -> LogQuery.parse("colour:red")).isInstanceOf(InvalidField.class).hasMessageContaining("colour");
        assertThatThrownBy(() -> LogQuery.parse("service:")).isInstanceOf(InvalidField.class);
        assertThatThrownBy(() -> LogQuery.parse("x".repeat(1001))).isInstanceOf(InvalidField.class);
    }

    @Test
    void aTimeInTheTextIsNotAField() {
        assertThat(LogQuery.parse("10:42:07 started").fields()).isEmpty();
    }
}
