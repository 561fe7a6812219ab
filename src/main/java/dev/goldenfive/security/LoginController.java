package dev.goldenfive.security;

import java.util.Map;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

@Controller
class LoginController {

    /** {@code ?error} after a failed sign-in, with {@code retryAfter} seconds when it was throttled. */
    @GetMapping("/login")
    String login(@RequestParam Map<String, String> params, Authentication authentication, Model model) {
        boolean failed = params.containsKey("error");
        boolean signedIn = authentication != null && !(authentication instanceof AnonymousAuthenticationToken);
        if (signedIn && !failed) {
            return "redirect:/";
        }
        if (failed) {
            String retryAfter = params.get("retryAfter");
            model.addAttribute("failure", retryAfter != null && retryAfter.matches("\\d{1,6}") ? "throttled" : "failed");
            model.addAttribute("retryAfter", retryAfter);
        }
        return "security/login";
    }
}
