package dev.goldenfive.workaround;

import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.goldenfive.incident.IncidentPanel;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.IncidentStatus;
import dev.goldenfive.timeline.Fact;

/** The incident's workarounds, at the top of its page: those in place first, and a form to record one. */
@Component
class WorkaroundPanel implements IncidentPanel {

    private final Workarounds workarounds;

    WorkaroundPanel(Workarounds workarounds) {
        this.workarounds = workarounds;
    }

    @Override
    public String name() {
        return "workarounds";
    }

    @Override
    public String template() {
        return "workaround/panel";
    }

    @Override
    public int order() {
        return 5;
    }

    @Override
    public boolean leads() {
        return true;
    }

    @Override
    public boolean changedBy(Change change) {
        return change.brings(Fact.WorkaroundRecorded.class) || change.brings(Fact.WorkaroundClosed.class)
                || change.brings(Fact.WorkaroundOverdue.class) || change.statusChanged();
    }

    @Override
    public Map<String, Object> model(IncidentRef incident) {
        List<Workarounds.Workaround> all = workarounds.forIncident(incident.key());
        return Map.of("incident", incident.key().toString(), "inPlace", all.stream().filter(Workarounds.Workaround::open).toList(),
                "closed", all.stream().filter(w -> !w.open()).toList(), "open", incident.status() != IncidentStatus.CLOSED);
    }
}
