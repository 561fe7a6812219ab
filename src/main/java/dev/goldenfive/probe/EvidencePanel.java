package dev.goldenfive.probe;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

import dev.goldenfive.incident.IncidentPanel;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.IncidentStatus;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.web.WebSettings;

/** The evidence section of the incident page: diagnosis, checks, the probe grid and the command that runs the probes. */
@Component
class EvidencePanel implements IncidentPanel {

    private final Evidence evidence;
    private final Runbooks runbooks;
    private final WebSettings site;

    EvidencePanel(Evidence evidence, Runbooks runbooks, WebSettings site) {
        this.evidence = evidence;
        this.runbooks = runbooks;
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
        // the checks' and rules' texts in the reader's language; what the timeline recorded stays as it was said
        Runbook shown = runbooks.require(incident.runbookVersionId()).in(LocaleContextHolder.getLocale());
        Map<String, String> checks = shown.stages().stream().flatMap(s -> s.checks().stream())
                .collect(Collectors.toMap(Runbook.Check::key, Runbook.Check::title));
        Map<String, Runbook.DiagnosisRule> rules = shown.diagnosis().stream().collect(Collectors.toMap(Runbook.DiagnosisRule::key, r -> r));
        return Map.of("view", view, "paths", ProbeResult.Path.values(), "command",
                AgentScript.command(site, "GOLDENFIVE_INCIDENT=" + incident.key()), "open", open, "stageDone", stageDone,
                "checkTitles", checks, "rules", rules);
    }
}
