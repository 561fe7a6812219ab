package dev.goldenfive.security;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenSecretTest {

    @Test
    void agentAndPersonalTokensSayWhatTheyAreAndCarry256RandomBits() {
        String agent = TokenSecret.generate(TokenKind.AGENT);
        String personal = TokenSecret.generate(TokenKind.PERSONAL);

        assertThat(agent).matches("gfa_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}");
        assertThat(personal).startsWith("gfu_");
        byte[] secret = Base64.getUrlDecoder().decode(agent.substring(13));
        assertThat(secret).hasSize(32);
    }

    @Test
    void theLookupIsThePublicPrefixOfAToken() {
        String token = TokenSecret.generate(TokenKind.PERSONAL);

        assertThat(TokenSecret.lookupOf(token)).isEqualTo(token.substring(0, 12)).doesNotContain(token.substring(13));
    }

    @Test
    void aForeignTokenIsFoundByAPrefixOfItsHashNotByItsText() {
        String provisioned = "my-gitops-admin-token-that-is-long-enough";

        assertThat(TokenSecret.lookupOf(provisioned)).matches("env_[0-9a-f]{16}").doesNotContain("gitops");
    }

    @Test
    void onlyTheExactTokenMatchesItsStoredHash() {
        String token = TokenSecret.generate(TokenKind.AGENT);
        byte[] stored = TokenSecret.hash(token);

        assertThat(TokenSecret.matches(token, stored)).isTrue();
        assertThat(TokenSecret.matches(token + "x", stored)).isFalse();
        assertThat(TokenSecret.matches(token.substring(0, token.length() - 1) + "A", stored))
                .isEqualTo(token.endsWith("A"));
    }

    @Test
    void generatedTokensDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.add(TokenSecret.generate(TokenKind.AGENT))).isTrue();
        }
    }
}
