package dev.goldenfive.probe;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.goldenfive.web.InvalidField;
import dev.goldenfive.web.WebSettings;

/** Administrators register agents, see when each last posted, rotate their tokens and revoke them (under /admin). */
@Controller
@RequestMapping("/admin/agents")
class AgentPages {

    private final Agents agents;
    private final WebSettings site;

    AgentPages(Agents agents, WebSettings site) {
        this.agents = agents;
        this.site = site;
    }

    /** Labels as typed: one {@code name=value} per line (or separated by commas). */
    record AgentForm(@NotBlank @Size(max = 100) String name, @Size(max = 5000) String labels) {
    }

    @GetMapping
    String list(Model model) {
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", new AgentForm("", "environment=prod\nsite=\nnetwork="));
        }
        model.addAttribute("agents", agents.list());
        return "probe/agents";
    }

    /** The token is rendered in this response only, never kept in the session. */
    @PostMapping
    String register(@Valid @ModelAttribute("form") AgentForm form, BindingResult errors, Authentication admin, Model model) {
        if (!errors.hasErrors()) {
            try {
                shown(agents.register(form.name(), labels(form.labels()), admin.getName()), model);
                model.addAttribute("form", new AgentForm("", ""));
            }
            catch (InvalidField invalid) {
                invalid.rejectInto(errors, invalid.field().startsWith("labels") ? "labels" : invalid.field());
            }
        }
        return list(model);
    }

    @PostMapping("/{id}/rotate")
    String rotate(@PathVariable long id, Authentication admin, Model model) {
        shown(agents.rotate(id, admin.getName()), model);
        return list(model);
    }

    private void shown(Agents.Registered registered, Model model) {
        model.addAttribute("registered", registered);
        model.addAttribute("runCommand", AgentScript.command(site, "GOLDENFIVE_TOKEN=" + registered.token()));
    }

    @PostMapping("/{id}/revoke")
    String revoke(@PathVariable long id, RedirectAttributes redirect) {
        agents.revoke(id);
        redirect.addFlashAttribute("notice", "agents.revoked");
        return "redirect:/admin/agents";
    }

    /** {@code environment=prod\nsite=fra1} → labels; lines without a value are skipped (the form's prompts). */
    static Map<String, String> labels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null) {
            return labels;
        }
        for (String entry : text.split("[\\n,]")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new InvalidField("labels", "'" + entry.strip() + "' is not name=value", "agents.problem.labels.form", entry.strip());
            }
            String value = entry.substring(eq + 1).strip();
            if (!value.isEmpty()) {
                labels.put(entry.substring(0, eq).strip(), value);
            }
        }
        return labels;
    }
}
