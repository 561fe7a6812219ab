package dev.goldenfive.security;

/**
 * A token just created: {@code token} is the only time its secret is shown. Deliberately not serialisable,
 * so it can never end up in a stored session (pages render it straight from the POST that created it).
 */
public record IssuedToken(TokenView details, String token) {
}
