package dev.goldenfive.security;

import jakarta.validation.Valid;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Administrators see every token, issue agent tokens and revoke any token. */
@Controller
@RequestMapping("/admin/tokens")
class TokenAdminController {

    private final ApiTokens tokens;

    TokenAdminController(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @GetMapping
    String list(Model model) {
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", new TokenRequest("", null));
        }
        model.addAttribute("tokens", tokens.listAll());
        return "security/tokens";
    }

    /** The new secret is rendered in this response only (never kept in the session); see {@link IssuedToken}. */
    @PostMapping
    String issueAgentToken(@AuthenticationPrincipal SignedInUser admin, @Valid @ModelAttribute("form") TokenRequest form,
            BindingResult errors, Model model) {
        if (!errors.hasErrors()) {
            model.addAttribute("issued", tokens.issueAgent(form.name(), admin.id(), form.expiresInDays()));
            model.addAttribute("form", new TokenRequest("", null));
        }
        return list(model);
    }

    @PostMapping("/{id}/revoke")
    String revoke(@PathVariable long id, RedirectAttributes redirect) {
        tokens.revoke(id);
        redirect.addFlashAttribute("notice", "tokens.revoked");
        return "redirect:/admin/tokens";
    }
}
