package dev.goldenfive.security;

import java.io.Serializable;

/** A token just created: {@code token} is the only time its secret is shown. */
public record IssuedToken(TokenView details, String token) implements Serializable {
}
