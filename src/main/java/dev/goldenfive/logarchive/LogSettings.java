package dev.goldenfive.logarchive;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The log archive's limits ({@code goldenfive.logs.*}).
 *
 * @param maxRequestBytes      bytes of one ingest request, after gzip decompression
 * @param maxLines             lines one request may carry
 * @param maxLineBytes         characters of one line's message
 * @param maxConcurrentIngests ingest requests one replica stores at once; more wait {@code admissionWait}, then get 429
 * @param retentionEvery       how often each replica drops the partitions whose time is up
 * @param shipOwn              goldenfive's own logs go to its archive too
 * @param ownEnvironment       the environment its own lines are filed under
 */
@ConfigurationProperties("goldenfive.logs")
public record LogSettings(
        @DefaultValue("10485760") int maxRequestBytes,
        @DefaultValue("10000") int maxLines,
        @DefaultValue("65536") int maxLineBytes,
        @DefaultValue("6") int maxConcurrentIngests,
        @DefaultValue("200ms") Duration admissionWait,
        @DefaultValue("1h") Duration retentionEvery,
        @DefaultValue("false") boolean shipOwn,
        @DefaultValue("goldenfive") String ownEnvironment) {
}
