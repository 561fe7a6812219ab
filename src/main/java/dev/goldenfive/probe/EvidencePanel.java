package dev.goldenfive.probe;

import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.goldenfive.incident.IncidentPanel;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.IncidentStatus;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.web.WebSettings;

/** The evidence section of the incident page: diagnosis, checks, the probe grid and the command that runs the probes. */
@Component
class EvidencePanel implements IncidentPanel {

    private final Evidence evidence;
    private final WebSettings site;

    EvidencePanel(Evidence evidence, WebSettings site) {
        this.evidence = evidence;
        this.site = site;
    }

    @Override
    public String name() {
        return "evidence";
    }

    @Override
    public String template() {
        return "probe/evidence";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public boolean leads() {
        return true;
    }

    @Override
    public boolean changedBy(Change change) {
        return change.touched(Touch.EVIDENCE) || change.brings(Fact.CheckChanged.class) || change.brings(Fact.DiagnosisChanged.class);
    }

    @Override
    public Map<String, Object> model(IncidentRef incident) {
        Evidence.View view = evidence.of(incident, false);
        boolean open = incident.status() == IncidentStatus.OPEN;
        // every check of the stage the incident is in passes: worth saying, never acted on
        List<CheckState> stage = view.checks().stream().filter(c -> c.stage().equals(incident.stage())).toList();
        boolean stageDone = open && !stage.isEmpty() && stage.stream().allMatch(c -> c.state() == CheckState.State.PASSED);
        return Map.of("view", view, "paths", ProbeResult.Path.values(), "command",
                AgentScript.command(site, "GOLDENFIVE_INCIDENT=" + incident.key()), "open", open, "stageDone", stageDone);
    }
}
