package dev.goldenfive.oncall;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.goldenfive.web.Hmac;
import dev.goldenfive.web.WebSettings;

/**
 * Acknowledge links in paging messages: {@code /ack/<token>}, the token being a notification's id and an expiry,
 * signed with HMAC-SHA256 under a key every replica shares (made once, kept in the database). The signature makes
 * a link unforgeable and its expiry unchangeable; that it works once is the notification's {@code link_used_at}.
 */
@Component
class AckLinks {

    private static final int SIGNED = 16;
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    /** What a token says, once its signature is checked. */
    record Claim(long notification, Instant expires) {

        boolean expired(Instant now) {
            return !now.isBefore(expires);
        }
    }

    private final JdbcClient jdbc;
    private final WebSettings site;
    private volatile byte[] key;

    AckLinks(JdbcClient jdbc, WebSettings site) {
        this.jdbc = jdbc;
        this.site = site;
    }

    String link(long notification, Instant expires) {
        return site.base() + "/ack/" + token(notification, expires);
    }

    String token(long notification, Instant expires) {
        byte[] claim = ByteBuffer.allocate(SIGNED).putLong(notification).putLong(expires.getEpochSecond()).array();
        byte[] token = Arrays.copyOf(claim, SIGNED + MAC_BYTES);
        System.arraycopy(mac(claim), 0, token, SIGNED, MAC_BYTES);
        return ENCODER.encodeToString(token);
    }

    /** The claim of a token signed here, whether expired or not; empty for anything else. */
    Optional<Claim> read(String token) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        }
        catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        if (raw.length != SIGNED + MAC_BYTES) {
            return Optional.empty();
        }
        byte[] claim = Arrays.copyOf(raw, SIGNED);
        byte[] expected = Arrays.copyOf(mac(claim), MAC_BYTES);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, SIGNED, raw.length))) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(claim);
        return Optional.of(new Claim(buffer.getLong(), Instant.ofEpochSecond(buffer.getLong())));
    }

    private byte[] mac(byte[] claim) {
        return Hmac.sha256(key(), claim);
    }

    /** The shared key: the first replica to need it makes it, every other reads that one. */
    private byte[] key() {
        byte[] known = key;
        if (known == null) {
            byte[] made = new byte[32];
            new SecureRandom().nextBytes(made);
            jdbc.sql("insert into signing_key (purpose, secret) values ('ack-link', :secret) on conflict do nothing")
                    .param("secret", made).update();
            known = jdbc.sql("select secret from signing_key where purpose = 'ack-link'").query(byte[].class).single();
            key = known;
        }
        return known;
    }
}
