package dev.goldenfive.security;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Slows down password guessing, per user name and per client address, in the database so that every
 * replica sees the same count. After the allowed failures a key is blocked for {@code firstBlock}, doubled
 * with each further failure up to {@code maxBlock}, and afterwards allows one attempt at a time; attempts
 * older than {@code forgetAfter} no longer count. A block applies even to the right password, so a guesser
 * learns nothing while blocked.
 *
 * <p>An attempt is {@linkplain #admit admitted} before its password is checked and {@linkplain #settle
 * settled} after; while it is checked it counts as pending, so concurrent guesses cannot overtake the count.
 * A refused attempt changes nothing (it cannot lock anyone out for longer).
 */
@Component
class LoginThrottle {

    enum Outcome { SUCCESS, FAILURE, UNDECIDED }

    /** Longer names cannot exist (user names are at most 64 characters); the key only needs to tell them apart from real ones. */
    private static final int MAX_KEY_NAME = 100;
    /** A pending attempt older than this was lost (its replica died while checking) and no longer counts. */
    private static final Duration LOST_ATTEMPT = Duration.ofMinutes(1);
    /** What an attempt that overtook one still being checked is told: that one is decided within a second. */
    private static final Duration WAIT_FOR_PENDING = Duration.ofSeconds(1);

    private final JdbcClient jdbc;
    private final SecuritySettings.LoginThrottle settings;
    private final Clock clock;

    LoginThrottle(JdbcClient jdbc, SecuritySettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.settings = settings.loginThrottle();
        this.clock = clock;
    }

    /** Empty when the attempt may go on to the password check (then {@link #settle} must follow), else how long to wait. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    Optional<Duration> admit(String username, String address) {
        Instant now = clock.instant();
        List<Key> keys = lock(username, address, now);
        Duration wait = Duration.ZERO;
        for (Key key : keys) {
            key.refresh(now);
            Duration own = key.blockedUntil != null && key.blockedUntil.isAfter(now)
                    ? Duration.between(now, key.blockedUntil)
                    : key.failures + key.pending >= key.allowance ? WAIT_FOR_PENDING : Duration.ZERO;
            wait = own.compareTo(wait) > 0 ? own : wait;
        }
        if (!wait.isZero()) {
            return Optional.of(wait);
        }
        for (Key key : keys) {
            key.pending++;
            key.pendingSince = now;
            key.lastAttemptAt = now;
            save(key);
        }
        return Optional.empty();
    }

    /** The admitted attempt's result: a failure may start a block, a success clears the user name. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void settle(String username, String address, Outcome outcome) {
        Instant now = clock.instant();
        for (Key key : lock(username, address, now)) {
            key.pending = Math.max(0, key.pending - 1);
            if (outcome == Outcome.SUCCESS && key.isUser()) {
                delete(key.name);
                continue;
            }
            if (outcome == Outcome.FAILURE) {
                key.failures++;
                if (key.failures >= key.allowance) {
                    key.blockedUntil = now.plus(blockFor(key.failures - key.allowed));
                    key.allowance = key.failures + 1;
                }
            }
            save(key);
        }
    }

    /** Lifts a block on a user name, for example when an administrator resets the password. */
    @Transactional(propagation = Propagation.MANDATORY)
    void forget(String username) {
        delete(userKey(username));
    }

    Duration blockFor(int failuresBeyondAllowed) {
        int doublings = Math.clamp(failuresBeyondAllowed, 0, 20);
        Duration block = settings.firstBlock().multipliedBy(1L << doublings);
        return block.compareTo(settings.maxBlock()) > 0 ? settings.maxBlock() : block;
    }

    /** Both rows, created when missing and locked in key order (so two attempts cannot deadlock). */
    private List<Key> lock(String username, String address, Instant now) {
        List<Key> keys = List.of(new Key(addressKey(address), settings.addressFailures()),
                new Key(userKey(username), settings.userFailures()));
        for (Key key : keys) {
            jdbc.sql("""
                    insert into sign_in_throttle (throttle_key, allowance, last_attempt_at) values (:key, :allowed, :now)
                    on conflict (throttle_key) do nothing
                    """)
                    .param("key", key.name).param("allowed", key.allowed).param("now", Timestamp.from(now))
                    .update();
        }
        jdbc.sql("""
                select throttle_key, failures, allowance, pending, pending_since, last_attempt_at, blocked_until
                from sign_in_throttle where throttle_key in (:keys) order by throttle_key for update
                """)
                .param("keys", keys.stream().map(k -> k.name).toList())
                .query(rs -> {
                    String name = rs.getString(1);
                    Key key = keys.stream().filter(k -> k.name.equals(name)).findFirst().orElseThrow();
                    key.failures = rs.getInt(2);
                    key.allowance = rs.getInt(3);
                    key.pending = rs.getInt(4);
                    key.pendingSince = instant(rs.getTimestamp(5));
                    key.lastAttemptAt = instant(rs.getTimestamp(6));
                    key.blockedUntil = instant(rs.getTimestamp(7));
                });
        return keys;
    }

    private void save(Key key) {
        jdbc.sql("""
                update sign_in_throttle set failures = :failures, allowance = :allowance, pending = :pending,
                    pending_since = :pendingSince, last_attempt_at = :lastAttemptAt, blocked_until = :blockedUntil
                where throttle_key = :key
                """)
                .param("key", key.name)
                .param("failures", key.failures)
                .param("allowance", key.allowance)
                .param("pending", key.pending)
                .param("pendingSince", timestamp(key.pendingSince))
                .param("lastAttemptAt", timestamp(key.lastAttemptAt))
                .param("blockedUntil", timestamp(key.blockedUntil))
                .update();
    }

    private void delete(String key) {
        jdbc.sql("delete from sign_in_throttle where throttle_key = :key").param("key", key).update();
    }

    private static String userKey(String username) {
        String name = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        return "user:" + (name.length() > MAX_KEY_NAME ? name.substring(0, MAX_KEY_NAME) : name);
    }

    private static String addressKey(String address) {
        return "addr:" + address;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    /** One throttled key's row, read under its lock. */
    private final class Key {

        final String name;
        final int allowed;
        int failures;
        int allowance;
        int pending;
        Instant pendingSince;
        Instant lastAttemptAt;
        Instant blockedUntil;

        Key(String name, int allowed) {
            this.name = name;
            this.allowed = allowed;
        }

        boolean isUser() {
            return name.startsWith("user:");
        }

        /** Drops lost pending attempts and, once no block runs and nothing happened for a while, the count. */
        void refresh(Instant now) {
            if (pending > 0 && pendingSince != null && pendingSince.isBefore(now.minus(LOST_ATTEMPT))) {
                pending = 0;
            }
            boolean blocked = blockedUntil != null && blockedUntil.isAfter(now);
            if (!blocked && pending == 0 && lastAttemptAt.isBefore(now.minus(settings.forgetAfter()))) {
                failures = 0;
                allowance = allowed;
                blockedUntil = null;
            }
        }
    }
}
