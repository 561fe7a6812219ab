package dev.goldenfive.probe;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.goldenfive.incident.Severity;
import dev.goldenfive.web.InvalidFields;

/** Administrators see, add and remove monitors on a page (under /admin). */
@Controller
@RequestMapping("/admin/monitors")
class MonitorPages {

    private final Monitors monitors;
    private final MessageSource messages;

    MonitorPages(Monitors monitors, MessageSource messages) {
        this.monitors = monitors;
        this.messages = messages;
    }

    /** The form as it was sent: every field a string, so what was typed comes back with the messages. */
    record Form(String name, String probe, String target, String module, String intervalSeconds, String service, String environment,
            String runbook, String severity, String failAfter, String minAgents, String resolveOnRecovery) {

        static Form empty() {
            return new Form("", "http", "", "", "60", "", "", "", "SEV2", "2", "1", null);
        }
    }

    @GetMapping
    String show(Model model) {
        model.addAttribute("monitors", monitors.list());
        model.addAttribute("probes", Monitors.Probe.values());
        model.addAttribute("severities", Severity.values());
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", Form.empty());
        }
        return "probe/monitors";
    }

    @PostMapping
    String create(@ModelAttribute Form form, Authentication admin, Model model, RedirectAttributes redirect) {
        try {
            monitors.create(new Monitors.Definition(form.name(), form.probe(), form.target(), form.module(), number(form.intervalSeconds()),
                    form.service(), form.environment(), form.runbook(), severity(form.severity()), number(form.failAfter()),
                    number(form.minAgents()), form.resolveOnRecovery() != null), admin.getName());
            redirect.addFlashAttribute("notice", "monitors.created");
            return "redirect:/admin/monitors";
        }
        catch (InvalidFields invalid) {
            model.addAttribute("problems", invalid.problems().stream()
                    .map(problem -> problem.in(messages, LocaleContextHolder.getLocale())).toList());
            model.addAttribute("form", form);
            return show(model);
        }
    }

    @PostMapping("/{name}/delete")
    String delete(@PathVariable String name, RedirectAttributes redirect) {
        monitors.delete(name);
        redirect.addFlashAttribute("notice", "monitors.deleted");
        return "redirect:/admin/monitors";
    }

    /** A number as typed; what is not one is out of every range, and so refused with the field's own message. */
    private static Integer number(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(text.strip());
        }
        catch (NumberFormatException notANumber) {
            return -1;
        }
    }

    private static Severity severity(String text) {
        try {
            return text == null || text.isBlank() ? null : Severity.valueOf(text.strip());
        }
        catch (IllegalArgumentException unknown) {
            return null;
        }
    }
}
