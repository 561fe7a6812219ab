package dev.goldenfive.incident;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Incidents ({@code goldenfive.incident.*}).
 *
 * @param streamHeartbeat how often an idle event stream gets a heartbeat (so proxies keep it open) and its
 *                        reader's access is checked again
 * @param timerStuckAfter how long the deadline timer may go without finishing a round before liveness reports
 *                        DOWN (a round takes well under a second, a few while the database is away)
 */
@ConfigurationProperties("goldenfive.incident")
public record IncidentSettings(@DefaultValue("20s") Duration streamHeartbeat, @DefaultValue("60s") Duration timerStuckAfter) {
}
