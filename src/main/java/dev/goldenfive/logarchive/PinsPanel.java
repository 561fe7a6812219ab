package dev.goldenfive.logarchive;

import java.util.Map;

import org.springframework.stereotype.Component;

import dev.goldenfive.incident.IncidentPanel;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.timeline.Fact;

/** The log lines pinned to an incident, on its page above its logs; nothing while there are none. */
@Component
class PinsPanel implements IncidentPanel {

    private final LogPins pins;

    PinsPanel(LogPins pins) {
        this.pins = pins;
    }

    @Override
    public String name() {
        return "pins";
    }

    @Override
    public String template() {
        return "logarchive/pins";
    }

    @Override
    public int order() {
        return 19;
    }

    @Override
    public boolean changedBy(Change change) {
        return change.brings(Fact.LinePinned.class);
    }

    @Override
    public Map<String, Object> model(IncidentRef incident) {
        return Map.of("pins", pins.of(incident).stream().map(p -> LogPages.Shown.plain(p.line())).toList());
    }
}
