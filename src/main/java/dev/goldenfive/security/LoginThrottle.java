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
 * with each further failure up to {@code maxBlock}; failures older than {@code forgetAfter} no longer count.
 * A block applies even to the right password, so a guesser learns nothing while blocked.
 */
@Component
class LoginThrottle {

    private final JdbcClient jdbc;
    private final SecuritySettings.LoginThrottle settings;
    private final Clock clock;

    LoginThrottle(JdbcClient jdbc, SecuritySettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.settings = settings.loginThrottle();
        this.clock = clock;
    }

    /** How long until this user name and address may try again, if either is blocked now. */
    @Transactional(readOnly = true)
    Optional<Duration> blockedFor(String username, String address) {
        Instant now = clock.instant();
        return jdbc.sql("select max(blocked_until) from login_throttle where throttle_key in (:keys) and blocked_until > :now")
                .param("keys", List.of(userKey(username), addressKey(address)))
                .param("now", Timestamp.from(now))
                .query(Timestamp.class)
                .optional()
                .map(until -> Duration.between(now, until.toInstant()));
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void recordFailure(String username, String address) {
        record(userKey(username), settings.userFailures());
        record(addressKey(address), settings.addressFailures());
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void recordSuccess(String username) {
        jdbc.sql("delete from login_throttle where throttle_key = :key").param("key", userKey(username)).update();
    }

    private void record(String key, int allowed) {
        Instant now = clock.instant();
        int failures = jdbc.sql("""
                insert into login_throttle (throttle_key, failures, last_failure_at) values (:key, 1, :now)
                on conflict (throttle_key) do update set
                    failures = case when login_throttle.last_failure_at < :forgetBefore then 1
                                    else login_throttle.failures + 1 end,
                    last_failure_at = excluded.last_failure_at
                returning failures
                """)
                .param("key", key)
                .param("now", Timestamp.from(now))
                .param("forgetBefore", Timestamp.from(now.minus(settings.forgetAfter())))
                .query(Integer.class)
                .single();
        if (failures >= allowed) {
            jdbc.sql("update login_throttle set blocked_until = :until where throttle_key = :key")
                    .param("key", key)
                    .param("until", Timestamp.from(now.plus(blockFor(failures - allowed))))
                    .update();
        }
    }

    Duration blockFor(int failuresBeyondAllowed) {
        int doublings = Math.min(failuresBeyondAllowed, 20);
        Duration block = settings.firstBlock().multipliedBy(1L << doublings);
        return block.compareTo(settings.maxBlock()) > 0 ? settings.maxBlock() : block;
    }

    private static String userKey(String username) {
        return "user:" + (username == null ? "" : username.trim().toLowerCase(Locale.ROOT));
    }

    private static String addressKey(String address) {
        return "addr:" + address;
    }
}
