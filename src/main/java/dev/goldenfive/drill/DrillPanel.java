package dev.goldenfive.drill;

import java.util.Map;

import org.springframework.stereotype.Component;

import dev.goldenfive.incident.IncidentPanel;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.timeline.Fact;

/** A drill's scenario first on its page: what is rehearsed, and what the agents injected, where, and until when. */
@Component
class DrillPanel implements IncidentPanel {

    private final Drills drills;

    DrillPanel(Drills drills) {
        this.drills = drills;
    }

    @Override
    public String name() {
        return "drill";
    }

    @Override
    public String template() {
        return "drill/panel";
    }

    @Override
    public int order() {
        return 1;
    }

    @Override
    public boolean leads() {
        return true;
    }

    @Override
    public boolean changedBy(Change change) {
        return change.brings(Fact.DrillFault.class) || change.statusChanged();
    }

    @Override
    public Map<String, Object> model(IncidentRef incident) {
        if (!incident.isDrill()) {
            return Map.of("drill", false);
        }
        return Map.of("drill", true, "incident", incident.key().toString(), "scenario", incident.drill(), "faults", drills.faults(incident));
    }
}
