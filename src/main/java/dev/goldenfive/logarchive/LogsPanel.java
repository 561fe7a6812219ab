package dev.goldenfive.logarchive;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import dev.goldenfive.incident.IncidentPanel;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.probe.ProbeSearch;
import dev.goldenfive.timeline.Fact;

/**
 * The logs section of the incident page: the newest lines of the incident's service and environment, and of the
 * trace ids in its evidence, from five minutes before it started until now (or its resolution). The lines pinned
 * to it are a panel of their own ({@link PinsPanel}), so new trace ids do not read the pins again.
 */
@Component
class LogsPanel implements IncidentPanel {

    static final Duration LEAD = Duration.ofMinutes(5);
    static final int SHOWN = 50;

    private final LogSearch search;
    private final ProbeSearch probes;
    private final Clock clock;

    LogsPanel(LogSearch search, ProbeSearch probes, Clock clock) {
        this.search = search;
        this.probes = probes;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "logs";
    }

    @Override
    public String template() {
        return "logarchive/panel";
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public boolean changedBy(Change change) {
        // its window ends when the incident is resolved; new trace ids come with evidence
        return change.touched(Touch.TRACE_IDS) || change.brings(Fact.LinePinned.class) || change.brings(Fact.Resolved.class)
                || change.brings(Fact.Reopened.class);
    }

    @Override
    public Map<String, Object> model(IncidentRef incident) {
        Instant from = incident.startedAt().minus(LEAD);
        Instant to = incident.resolvedAt() != null ? incident.resolvedAt() : clock.instant();
        List<LogSearch.Line> lines;
        boolean failed = false;
        try {
            lines = search.forIncident(incident.service(), incident.environment(), probes.traceIds(incident, ProbeSearch.MAX_LIMIT), from, to.plusSeconds(1), SHOWN);
        }
        catch (DataAccessException busy) {
            // the incident page matters more than its logs: it shows without them
            lines = List.of();
            failed = true;
        }
        return Map.of("incident", incident.key(), "failed", failed,
                "lines", lines.stream().map(LogPages.Shown::plain).toList(),
                "query", "service:\"" + incident.service() + "\" env:\"" + incident.environment() + "\"",
                "from", from.toString().substring(0, 16), "to", to.toString().substring(0, 16));
    }
}
