package dev.goldenfive.incident;

import java.time.Instant;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.runbook.RunbookFormat;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.timeline.Actor;

import static org.assertj.core.api.Assertions.assertThat;

/** An incident whose deadline cannot be fired does not hold up the deadlines of the others. */
@GoldenfiveTest
class IncidentTimerFailureTest {

    static final String POISON = "poison";

    /** Fails every timer transition of incidents titled {@value #POISON}, as a broken listener would. */
    @TestConfiguration
    static class BrokenListener {

        @Bean
        Object failsPoisonedIncidents() {
            return new Object() {
                @EventListener
                void on(IncidentEvent.StageEntered entered) {
                    if (entered.cause() == IncidentEvent.Cause.TIMER && entered.incidentKey().equals(poisoned)) {
                        throw new IllegalStateException("broken listener");
                    }
                }
            };
        }
    }

    static volatile IncidentKey poisoned;

    @Autowired
    IncidentCommands incidents;

    @Autowired
    Incidents reads;

    @Autowired
    Runbooks runbooks;

    @Autowired
    MeterRegistry metrics;

    @Autowired
    IncidentTimers timers;

    @Test
    void aFiringThatFailsIsSetAsideWhileTheOthersFireOnTime() throws Exception {
        String runbook = "short-" + UUID.randomUUID().toString().substring(0, 8);
        runbooks.publish(IncidentApiTest.SHORT_RUNBOOK.formatted(runbook), RunbookFormat.YAML, "admin");
        poisoned = incidents.declare(declaration(POISON, runbook), Actor.user("admin")).key();
        IncidentKey healthy = incidents.declare(declaration("healthy", runbook), Actor.user("admin")).key();

        Instant until = Instant.now().plusSeconds(8);
        while (!reads.view(healthy).stage().key().equals("follow-up") && Instant.now().isBefore(until)) {
            Thread.sleep(100);
        }

        assertThat(reads.view(healthy).stage().key()).isEqualTo("follow-up");
        assertThat(reads.view(poisoned).stage().key()).as("its firing rolled back").isEqualTo("one");
        assertThat(metrics.get("goldenfive.incident.timer.failures").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(timers.health().getDetails()).containsEntry("setAside", 1);
    }

    private static IncidentCommands.Declaration declaration(String title, String runbook) {
        return new IncidentCommands.Declaration(title, "build", "prod", Severity.SEV3, runbook, null, null, null);
    }
}
