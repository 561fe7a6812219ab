package dev.goldenfive.webhook;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;

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

/** Administrators register webhooks and read each one's delivery log (under /admin). */
@Controller
@RequestMapping("/admin/webhooks")
class WebhookPages {

    private final Webhooks webhooks;

    WebhookPages(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    record WebhookForm(@NotBlank String name, @NotBlank String url, List<String> events) {
    }

    @GetMapping
    String list(Model model) {
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", new WebhookForm("", "https://", Webhooks.EVENTS));
        }
        model.addAttribute("webhooks", webhooks.list());
        model.addAttribute("allEvents", Webhooks.EVENTS);
        return "webhook/webhooks";
    }

    /** The secret is rendered in this response only, never kept in the session. */
    @PostMapping
    String create(@Valid @ModelAttribute("form") WebhookForm form, BindingResult errors, Authentication admin, Model model) {
        if (!errors.hasErrors()) {
            try {
                model.addAttribute("created", webhooks.create(form.name(), form.url(), form.events(), admin.getName()));
                model.addAttribute("form", new WebhookForm("", "https://", Webhooks.EVENTS));
            }
            catch (InvalidField invalid) {
                invalid.rejectInto(errors, invalid.field());
            }
        }
        return list(model);
    }

    @GetMapping("/{id}")
    String deliveries(@PathVariable long id, Model model) {
        Webhooks.Log log = webhooks.log(id);
        model.addAttribute("webhook", log.webhook());
        model.addAttribute("deliveries", log.deliveries());
        return "webhook/deliveries";
    }

    @PostMapping("/{id}/delete")
    String delete(@PathVariable long id, RedirectAttributes redirect) {
        webhooks.delete(id);
        redirect.addFlashAttribute("notice", "webhooks.deleted");
        return "redirect:/admin/webhooks";
    }
}
