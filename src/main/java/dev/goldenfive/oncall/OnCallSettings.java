package dev.goldenfive.oncall;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Paging and notifications ({@code goldenfive.oncall.*}); the SMTP server is Spring's {@code spring.mail.*}.
 *
 * @param mailFrom       the sender of paging mail
 * @param timeout        the longest a chat service may take to answer
 * @param retries        the waits before each retry of a notification; after the last it has failed, and a
 *                       person none of whose channels worked is reported and escalated past
 * @param linkTtl        how long an acknowledge link in a message works (once)
 * @param browserExpiry  how long a browser notification waits for one of the person's goldenfive pages to be open
 * @param poll           how often each replica looks for escalations and notifications that are due
 */
@ConfigurationProperties("goldenfive.oncall")
public record OnCallSettings(
        @DefaultValue("goldenfive@localhost") String mailFrom,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue({"5s", "15s", "45s"}) List<Duration> retries,
        @DefaultValue("12h") Duration linkTtl,
        @DefaultValue("10m") Duration browserExpiry,
        @DefaultValue("500ms") Duration poll) {
}
