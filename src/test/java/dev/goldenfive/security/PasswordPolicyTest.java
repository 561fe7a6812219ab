package dev.goldenfive.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.goldenfive.web.InvalidField;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"Password1234!", "qwertyuiop123", "iloveyou1234", "123456789012", "aaaaaaaaaaaaaa",
            "monkey123456", "letmein12345", "trustno1trustno1"})
    void refusesCommonAndBreachedPasswords(String password) {
        assertThatThrownBy(() -> PasswordPolicy.check("password", password, "alice", null))
                .isInstanceOf(InvalidField.class).hasMessageContaining("is too easy to guess");
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice-alice-alice", "ALICE2026alice!", "goldenfive2026!", "Goldenfive-alice", "goldenfivegoldenfive"})
    void refusesPasswordsMadeOfTheUserNameOrTheProductsName(String password) {
        assertThatThrownBy(() -> PasswordPolicy.check("password", password, "alice", null))
                .isInstanceOf(InvalidField.class).hasMessageContaining("must not be made of the user name or 'goldenfive'");
    }

    @Test
    void refusesAPasswordOfOnlyWhiteSpace() {
        assertThatThrownBy(() -> PasswordPolicy.check("password", " \t".repeat(8), "alice", null))
                .isInstanceOf(InvalidField.class).hasMessageContaining("must not be only spaces");
    }

    @Test
    void refusesAPasswordBuiltOnThePersonsDisplayName() {
        assertThatThrownBy(() -> PasswordPolicy.check("password", "Margarethe1990", "mh", "Margarethe Hofmann"))
                .isInstanceOf(InvalidField.class).hasMessageContaining("is too easy to guess");
    }

    @Test
    void refusesTooShortAndTooLongPasswordsByTheirLength() {
        assertThatThrownBy(() -> PasswordPolicy.check("password", "x7#Kq!2", "alice", null))
                .hasMessageContaining("at least 12 characters");
        assertThatThrownBy(() -> PasswordPolicy.check("password", "ä".repeat(37), "alice", null))
                .hasMessageContaining("at most 72 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"violet kettle harbour 42", "correct horse battery", "sunflower-atlas-97-river", "Tr0ub4dor&3xx"})
    void acceptsPasswordsThatAreHardToGuess(String password) {
        assertThatCode(() -> PasswordPolicy.check("password", password, "alice", "Alice Example")).doesNotThrowAnyException();
    }

    @Test
    void namesTheFieldThatIsWrong() {
        assertThatThrownBy(() -> PasswordPolicy.check("newPassword", "Password1234!", "alice", null))
                .isInstanceOfSatisfying(InvalidField.class, e -> assertThat(e.field()).isEqualTo("newPassword"));
    }
}
