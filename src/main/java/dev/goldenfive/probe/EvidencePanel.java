package dev.goldenfive.probe;

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
    public boolean changedBy(Change change) {
        return change.touched(Touch.EVIDENCE) || change.brings(Fact.CheckChanged.class) || change.brings(Fact.DiagnosisChanged.class);
    }

    @Override
    public Map<String, Object> model(IncidentRef incident) {
        return Map.of("view", evidence.of(incident, false), "paths", ProbeResult.Path.values(), "command",
                AgentScript.command(site, "GOLDENFIVE_INCIDENT=" + incident.key()), "open", incident.status() == IncidentStatus.OPEN);
    }
}
