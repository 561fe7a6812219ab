package dev.goldenfive.review;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The key figures of the last 30 days (all services) for Prometheus. A scrape reads a summary at most a
 * minute old, so scrapes never load the database; every replica reports the same numbers (aggregate with max).
 */
@Component
class ReportMetrics {

    static final Duration FRESH = Duration.ofMinutes(1);

    private final Reports reports;
    private final Clock clock;
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile ReportSummary cached;
    private volatile Instant cachedAt = Instant.MIN;

    ReportMetrics(Reports reports, Clock clock, MeterRegistry registry) {
        this.reports = reports;
        this.clock = clock;
        gauge(registry, "goldenfive.report.incidents", "Incidents that started in the last 30 days", null,
                s -> s.incidents());
        gauge(registry, "goldenfive.report.golden.window.hit.ratio", "Of the last 30 days' decided incidents, the share"
                + " resolved before their last window ended", null, s -> orNaN(s.goldenWindowHitRate()));
        gauge(registry, "goldenfive.report.time.to.acknowledge.seconds", "Time to acknowledge, last 30 days", "0.5",
                s -> orNaN(s.timeToAcknowledge().p50()));
        gauge(registry, "goldenfive.report.time.to.acknowledge.seconds", "Time to acknowledge, last 30 days", "0.9",
                s -> orNaN(s.timeToAcknowledge().p90()));
        gauge(registry, "goldenfive.report.time.to.resolve.seconds", "Time to resolve, last 30 days", "0.5",
                s -> orNaN(s.timeToResolve().p50()));
        gauge(registry, "goldenfive.report.time.to.resolve.seconds", "Time to resolve, last 30 days", "0.9",
                s -> orNaN(s.timeToResolve().p90()));
        gauge(registry, "goldenfive.report.reviews.outstanding", "Incidents of the last 30 days resolved without a"
                + " completed review", null, s -> s.reviewsOutstanding());
        gauge(registry, "goldenfive.report.action.items.overdue", "Action items of the last 30 days' incidents past"
                + " their due date", null, s -> s.overdueActionItems());
    }

    private void gauge(MeterRegistry registry, String name, String description, String quantile,
            ToDoubleFunction<ReportSummary> figure) {
        Gauge.Builder<ReportMetrics> builder = Gauge.builder(name, this, m -> figure.applyAsDouble(m.summary()))
                .description(description);
        if (quantile != null) {
            builder.tag("quantile", quantile);
        }
        builder.register(registry);
    }

    /**
     * The cached summary, refreshed by one caller at a time when it is a minute old; the others meanwhile get
     * the previous one instead of waiting. Never {@code synchronized}: on Java 21 a virtual thread (every
     * request's) that waits for a monitor, or queries the database while holding one, pins its carrier
     * thread, and a few such scrapes on a two-core machine leave no carrier for the threads that hold the
     * pool's connections — every request of the replica then hangs.
     */
    ReportSummary summary() {
        Instant now = clock.instant();
        ReportSummary current = cached;
        if (current != null && Duration.between(cachedAt, now).compareTo(FRESH) < 0) {
            return current;
        }
        if (current == null) {
            refreshing.lock();
        }
        else if (!refreshing.tryLock()) {
            return current;
        }
        try {
            if (cached == null || Duration.between(cachedAt, now).compareTo(FRESH) >= 0) {
                cached = reports.summary(ReportQuery.of(null, null, null, null, null, now));
                cachedAt = now;
            }
            return cached;
        }
        finally {
            refreshing.unlock();
        }
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }
}
