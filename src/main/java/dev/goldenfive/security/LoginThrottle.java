package dev.goldenfive.security;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Slows down password guessing, per user name and per client address, in the database so that every
 * replica sees the same count. Each attempt is counted before its password is checked, so a burst of
 * concurrent guesses cannot slip past the count. After the allowed failures a key is blocked for
 * {@code firstBlock}, doubled with each further failure up to {@code maxBlock}, and then allows one attempt
 * at a time; attempts older than {@code forgetAfter} no longer count. A block applies even to the right
 * password, so a guesser learns nothing while blocked.
 */
@Component
class LoginThrottle {

    /** Longer names cannot exist (user names are at most 64 characters); the key only needs to tell them apart from real ones. */
    private static final int MAX_KEY_NAME = 100;

    private final JdbcClient jdbc;
    private final SecuritySettings.LoginThrottle settings;
    private final Clock clock;

    LoginThrottle(JdbcClient jdbc, SecuritySettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.settings = settings.loginThrottle();
        this.clock = clock;
    }

    /** Counts an attempt; empty when it may go on to the password check, else how long to wait. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    Optional<Duration> admit(String username, String address) {
        Instant now = clock.instant();
        Optional<Duration> user = admit(userKey(username), settings.userFailures(), now);
        Optional<Duration> addr = admit(addressKey(address), settings.addressFailures(), now);
        if (user.isEmpty()) {
            return addr;
        }
        return addr.isEmpty() || user.get().compareTo(addr.get()) >= 0 ? user : addr;
    }

    /** The password was wrong: blocks the keys that have used up their allowance. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void recordFailure(String username, String address) {
        Instant now = clock.instant();
        blockIfSpent(userKey(username), settings.userFailures(), now);
        blockIfSpent(addressKey(address), settings.addressFailures(), now);
    }

    /** The password was right: the user name starts afresh and the attempt no longer counts against the address. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void recordSuccess(String username, String address) {
        forget(username);
        jdbc.sql("update login_throttle set failures = greatest(failures - 1, 0) where throttle_key = :key")
                .param("key", addressKey(address))
                .update();
    }

    /** Lifts a block on a user name, for example when an administrator resets the password. */
    @Transactional(propagation = Propagation.MANDATORY)
    void forget(String username) {
        jdbc.sql("delete from login_throttle where throttle_key = :key").param("key", userKey(username)).update();
    }

    private Optional<Duration> admit(String key, int allowed, Instant now) {
        var counted = jdbc.sql("""
                insert into login_throttle as t (throttle_key, failures, allowance, last_attempt_at)
                values (:key, 1, :allowed, :now)
                on conflict (throttle_key) do update set
                    failures = case when t.blocked_until > :now then t.failures
                                    when t.last_attempt_at < :forgetBefore then 1
                                    else t.failures + 1 end,
                    allowance = case when t.blocked_until > :now then t.allowance
                                     when t.last_attempt_at < :forgetBefore then :allowed
                                     else t.allowance end,
                    blocked_until = case when t.blocked_until > :now then t.blocked_until
                                         when t.last_attempt_at < :forgetBefore then null
                                         else t.blocked_until end,
                    last_attempt_at = case when t.blocked_until > :now then t.last_attempt_at else :now end
                returning failures, allowance, blocked_until
                """)
                .param("key", key)
                .param("allowed", allowed)
                .param("now", Timestamp.from(now))
                .param("forgetBefore", Timestamp.from(now.minus(settings.forgetAfter())))
                .query((rs, row) -> new Counted(rs.getInt(1), rs.getInt(2), rs.getTimestamp(3)))
                .single();
        if (counted.blockedUntil() != null && counted.blockedUntil().toInstant().isAfter(now)) {
            return Optional.of(Duration.between(now, counted.blockedUntil().toInstant()));
        }
        if (counted.failures() > counted.allowance()) {
            // Overtook an attempt still being checked: it decides; this one waits its turn.
            return Optional.of(settings.firstBlock());
        }
        return Optional.empty();
    }

    private void blockIfSpent(String key, int allowed, Instant now) {
        jdbc.sql("select failures from login_throttle where throttle_key = :key and failures >= allowance for update")
                .param("key", key)
                .query(Integer.class)
                .optional()
                .ifPresent(failures -> jdbc.sql("""
                        update login_throttle set blocked_until = :until, allowance = failures + 1
                        where throttle_key = :key
                        """)
                        .param("key", key)
                        .param("until", Timestamp.from(now.plus(blockFor(failures - allowed))))
                        .update());
    }

    Duration blockFor(int failuresBeyondAllowed) {
        int doublings = Math.clamp(failuresBeyondAllowed, 0, 20);
        Duration block = settings.firstBlock().multipliedBy(1L << doublings);
        return block.compareTo(settings.maxBlock()) > 0 ? settings.maxBlock() : block;
    }

    private static String userKey(String username) {
        String name = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        return "user:" + (name.length() > MAX_KEY_NAME ? name.substring(0, MAX_KEY_NAME) : name);
    }

    private static String addressKey(String address) {
        return "addr:" + address;
    }

    private record Counted(int failures, int allowance, Timestamp blockedUntil) {
    }
}
