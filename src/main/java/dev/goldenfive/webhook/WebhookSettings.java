package dev.goldenfive.webhook;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Outbound webhooks ({@code goldenfive.webhook.*}).
 *
 * @param timeout the longest a receiver may take to answer
 * @param retries the waits before each retry; after the last, the delivery has failed
 * @param poll    how often each replica looks for deliveries that are due
 */
@ConfigurationProperties("goldenfive.webhook")
public record WebhookSettings(
        @DefaultValue("10s") Duration timeout,
        @DefaultValue({"5s", "30s", "2m", "10m", "30m", "1h", "2h"}) List<Duration> retries,
        @DefaultValue("500ms") Duration poll) {
}
