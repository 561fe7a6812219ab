package dev.goldenfive.alert;

import java.util.List;
import java.util.Map;

import tools.jackson.dataformat.yaml.YAMLMapper;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;
import dev.goldenfive.web.StrictStrings;

/** Administrators read and edit the alert routing rules as YAML (under /admin). */
@Controller
@RequestMapping("/admin/alert-routes")
class AlertRoutePages {

    static final int MAX_DOCUMENT = 256 * 1024;
    private static final YAMLMapper YAML = YAMLMapper.builder().addModule(StrictStrings.module()).build();

    private final AlertRoutes routes;
    private final MessageSource messages;

    AlertRoutePages(AlertRoutes routes, MessageSource messages) {
        this.routes = routes;
        this.messages = messages;
    }

    @GetMapping
    String show(Model model) {
        List<AlertRoute> current = routes.list();
        model.addAttribute("routes", current);
        if (!model.containsAttribute("document")) {
            model.addAttribute("document", YAML.writeValueAsString(Map.of("routes", current)));
        }
        return "alert/routes";
    }

    @PostMapping
    String save(@RequestParam String document, Authentication admin, Model model, RedirectAttributes redirect) {
        try {
            if (document.length() > MAX_DOCUMENT) {
                throw new InvalidFields(List.of(FieldProblem.coded("(document)", "may be at most 256 KiB", "routes.problem.size", MAX_DOCUMENT / 1024)));
            }
            routes.replace(routes.parse(document, YAML), admin.getName());
            redirect.addFlashAttribute("notice", "routes.saved");
            return "redirect:/admin/alert-routes";
        }
        catch (InvalidFields invalid) {
            model.addAttribute("problems", invalid.problems().stream()
                    .map(problem -> problem.in(messages, LocaleContextHolder.getLocale())).toList());
            model.addAttribute("document", document);
            return show(model);
        }
    }
}
