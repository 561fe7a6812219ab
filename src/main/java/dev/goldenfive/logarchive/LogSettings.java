package dev.goldenfive.logarchive;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

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
 * @param sameEnvironments     names that are the same environment as another for retention ({@code production=prod}): an
 *                             environment without days of its own keeps its other name's; empty: every name stands alone
 * @param warnAt               the archive's size (its tables and indexes) from which administrators are warned; 0: never
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
        @DefaultValue("goldenfive") String ownEnvironment,
        @DefaultValue({"production=prod", "stage=staging"}) List<String> sameEnvironments,
        @DefaultValue("50GB") DataSize warnAt) {

    /** {@link #sameEnvironments} as names to the name whose days they keep, lower-case. */
    Map<String, String> aliases() {
        Map<String, String> aliases = new TreeMap<>();
        for (String pair : sameEnvironments) {
            String[] names = pair.split("=", 2);
            if (names.length == 2 && !names[0].isBlank() && !names[1].isBlank()) {
                aliases.put(names[0].strip().toLowerCase(Locale.ROOT), names[1].strip().toLowerCase(Locale.ROOT));
            }
        }
        return aliases;
    }
}
