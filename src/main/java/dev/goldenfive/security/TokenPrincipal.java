package dev.goldenfive.security;

import java.io.Serializable;
import java.security.Principal;

/**
 * Who is calling with a bearer token.
 *
 * @param userId   the owning user for {@link TokenKind#PERSONAL} tokens, {@code null} for agents
 * @param username the owning user's name for personal tokens, {@code null} for agents
 */
public record TokenPrincipal(long tokenId, TokenKind kind, String tokenName, Long userId, String username)
        implements Principal, Serializable {

    @Override
    public String getName() {
        return kind == TokenKind.AGENT ? "agent:" + tokenName : username;
    }
}
