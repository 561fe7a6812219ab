package dev.goldenfive.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The shape of a bearer token: {@code gfu_<lookup>_<secret>} (personal) or {@code gfa_<lookup>_<secret>}
 * (agent), where the secret is 256 random bits. The part before the secret finds the stored row; the
 * SHA-256 of the whole token proves it. A fast hash is right here because the token itself is a
 * high-entropy random value, unlike a password.
 */
final class TokenSecret {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Pattern OWN_FORMAT = Pattern.compile("^(gf[ua]_[A-Za-z0-9]{8})_[A-Za-z0-9_-]{43}$");
    static final int MIN_FOREIGN_LENGTH = 32;

    private TokenSecret() {
    }

    /** A new token value, shown once to whoever asked for it. */
    static String generate(TokenKind kind) {
        StringBuilder lookup = new StringBuilder(kind == TokenKind.AGENT ? "gfa_" : "gfu_");
        for (int i = 0; i < 8; i++) {
            lookup.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return lookup + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /**
     * The stored lookup of a token. Values of another shape (a provisioned {@code GOLDENFIVE_ADMIN_TOKEN})
     * are found by a prefix of their hash instead.
     */
    static String lookupOf(String token) {
        var own = OWN_FORMAT.matcher(token);
        if (own.matches()) {
            return own.group(1);
        }
        return "env_" + HexFormat.of().formatHex(hash(token), 0, 8);
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is part of every JDK", ex);
        }
    }

    static boolean matches(String token, byte[] storedHash) {
        return MessageDigest.isEqual(hash(token), storedHash);
    }

    /** A random password for the first admin when none was configured. */
    static String randomPassword() {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            password.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return password.toString();
    }
}
