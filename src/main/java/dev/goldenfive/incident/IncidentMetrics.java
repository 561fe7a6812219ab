package dev.goldenfive.incident;

import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Incidents for Prometheus: open incidents by stage, transitions by kind, and how late deadlines fire.
 */
@Component
class IncidentMetrics {

    private final MeterRegistry registry;
    private final Timer lateness;
    private final MultiGauge open;
    private final Counter timerFailures;

    IncidentMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lateness = Timer.builder("goldenfive.incident.deadline.lateness")
                .description("How long after its deadline a stage transition fired")
                .publishPercentileHistogram()
                .register(registry);
        this.open = MultiGauge.builder("goldenfive.incidents.open")
                .description("Open incidents by current stage, in the whole database (every replica reports it: aggregate with max)")
                .register(registry);
        this.timerFailures = Counter.builder("goldenfive.incident.timer.failures")
                .description("Deadline firings that failed and were set aside for a retry")
                .register(registry);
    }

    @TransactionalEventListener
    void recorded(IncidentEvent event) {
        Counter.builder("goldenfive.incident.transitions")
                .description("Incident changes, by kind")
                .tag("kind", event.kind())
                .register(registry)
                .increment();
        if (event instanceof IncidentEvent.StageEntered entered && entered.lateness() != null) {
            lateness.record(entered.lateness());
        }
    }

    void timerFailed() {
        timerFailures.increment();
    }

    void openByStage(Map<String, Long> counts) {
        List<MultiGauge.Row<?>> rows = counts.entrySet().stream()
                .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("stage", e.getKey()), e.getValue()))
                .toList();
        open.register(rows, true);
    }
}
