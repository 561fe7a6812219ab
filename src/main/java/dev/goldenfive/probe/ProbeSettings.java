package dev.goldenfive.probe;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits of probe ingest ({@code goldenfive.probe.*}).
 *
 * @param maxResultsPerRequest results one request may carry
 * @param maxRequestBytes      bytes of one request body, after gzip decompression
 * @param maxConcurrentIngests ingest requests one replica works on at once; more wait {@code admissionWait}, then get 429
 * @param attachLead           a result without an incident attaches to an open incident that started at most this long after it
 * @param prometheusUrl        the Prometheus-compatible HTTP API that metric checks ask ({@code http://prometheus:9090});
 *                             without it, metric checks are not measured
 * @param metricInterval       how often a metric check of an incident's current stage is asked
 */
@ConfigurationProperties("goldenfive.probe")
public record ProbeSettings(
        @DefaultValue("1000") int maxResultsPerRequest,
        @DefaultValue("1048576") int maxRequestBytes,
        @DefaultValue("8") int maxConcurrentIngests,
        @DefaultValue("200ms") Duration admissionWait,
        @DefaultValue("5m") Duration attachLead,
        URI prometheusUrl,
        @DefaultValue("15s") Duration metricInterval) {
}
