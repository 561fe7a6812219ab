package dev.goldenfive.security;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Administrators see every token and revoke any; agent tokens are made by registering an agent. */
@Controller
@RequestMapping("/admin/tokens")
class TokenAdminController {

    private final ApiTokens tokens;

    TokenAdminController(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("tokens", tokens.listAll());
        return "security/tokens";
    }

    @PostMapping("/{id}/revoke")
    String revoke(@PathVariable long id, RedirectAttributes redirect) {
        tokens.revoke(id);
        redirect.addFlashAttribute("notice", "tokens.revoked");
        return "redirect:/admin/tokens";
    }
}
