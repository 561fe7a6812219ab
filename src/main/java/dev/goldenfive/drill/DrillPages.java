package dev.goldenfive.drill;

import java.util.Arrays;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.goldenfive.incident.Drill;
import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.incident.IncidentProblems;
import dev.goldenfive.incident.IncidentView;
import dev.goldenfive.incident.Severity;
import dev.goldenfive.runbook.FaultBoundary;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.web.InvalidField;
import dev.goldenfive.web.StrictStrings;

/** Drills on pages: the drills of each runbook compared, a drill's report, and the form that declares one. */
@Controller
class DrillPages {

    private final Drills drills;
    private final IncidentCommands commands;
    private final Runbooks runbooks;

    DrillPages(Drills drills, IncidentCommands commands, Runbooks runbooks) {
        this.drills = drills;
        this.commands = commands;
        this.runbooks = runbooks;
    }

    @Bean
    static AccessRules drillPageAccess() {
        String[] roles = {Role.RESPONDER.name(), Role.ADMIN.name()};
        return paths -> paths.requestMatchers(HttpMethod.GET, "/drills/new").hasAnyRole(roles)
                .requestMatchers(HttpMethod.POST, "/drills").hasAnyRole(roles);
    }

    /** A drill as the form takes it: lists are separated by commas or spaces. */
    record DrillForm(
            @NotBlank @Size(max = 200) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String title,
            @NotBlank @Size(max = 100) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String service,
            @NotBlank @Size(max = 50) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String environment,
            @NotNull Severity severity,
            @NotBlank String runbook,
            @Size(max = 200) String scenario,
            @NotNull Drill.Fault fault,
            @Size(max = 2000) String targets,
            @NotNull @Min(1) @Max(65535) Integer port,
            @Size(max = 1000) String agents,
            @Size(max = 1000) String participants,
            String expect,
            @NotNull @Min(1) @Max(60) Integer faultMinutes) {

        Drill drill() {
            return new Drill(scenario, fault, list(targets), port, list(agents), list(participants), expect, faultMinutes);
        }

        private static List<String> list(String text) {
            return text == null ? List.of() : Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
        }
    }

    @GetMapping("/drills")
    String compare(@RequestParam(required = false) String runbook, Model model) {
        model.addAttribute("comparisons", drills.compare(runbook == null || runbook.isBlank() ? null : runbook.strip()));
        return "drill/drills";
    }

    @GetMapping("/drills/{key}")
    String report(@PathVariable String key, Model model) {
        model.addAttribute("report", drills.report(IncidentKey.of(key)));
        return "drill/report";
    }

    @GetMapping("/drills/new")
    String form(Model model) {
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", new DrillForm("Drill: module downloads fail", "", "prod", Severity.SEV3, IncidentCommands.DEFAULT_RUNBOOK,
                    "", Drill.Fault.BLACKHOLE, "", 443, "", "", "", Drill.DEFAULT_FAULT_MINUTES));
        }
        model.addAttribute("runbooks", runbooks.list());
        model.addAttribute("severities", Severity.values());
        model.addAttribute("faults", Drill.Fault.values());
        model.addAttribute("boundaries", FaultBoundary.values());
        return "drill/new";
    }

    @PostMapping("/drills")
    String declare(@Valid @ModelAttribute("form") DrillForm form, BindingResult errors, Model model, Authentication caller) {
        if (!errors.hasErrors()) {
            try {
                IncidentView view = commands.declare(new IncidentCommands.Declaration(form.title(), form.service(), form.environment(),
                        form.severity(), form.runbook(), null, null, null, null, form.drill()), Actor.user(caller.getName()));
                return "redirect:/incidents/" + view.key();
            }
            catch (IncidentProblems.InvalidInput invalid) {
                String field = invalid.field().startsWith("drill.") ? invalid.field().substring("drill.".length()) : invalid.field();
                new InvalidField(invalid.field(), invalid.reason(), invalid.code(), invalid.args()).rejectInto(errors, field);
            }
        }
        return form(model);
    }
}
