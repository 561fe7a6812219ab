package dev.goldenfive.security;

import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

@Controller
class LoginController {

    private static final Logger log = LoggerFactory.getLogger(LoginController.class);
    /** The reasons the login page can give for a refused sign-in ({@code login.refused.<reason>}). */
    private static final Set<String> REFUSALS = Set.of("no-role", "disabled", "name-taken", "username", "provider",
            "unavailable");

    private final SignInMethods methods;
    private final boolean passwordForm;

    LoginController(SignInMethods methods, SecuritySettings settings) {
        this.methods = methods;
        this.passwordForm = settings.passwordSignIn() || methods.directory() != null;
    }

    /**
     * {@code ?error} after a failed sign-in, with {@code retryAfter} seconds when it was throttled; {@code ?refused=}
     * when the provider or goldenfive refused a person it knows.
     */
    @GetMapping("/login")
    String login(@RequestParam Map<String, String> params, Authentication authentication, Model model) {
        boolean failed = params.containsKey("error") || params.containsKey("refused");
        boolean signedIn = authentication != null && !(authentication instanceof AnonymousAuthenticationToken);
        if (signedIn && !failed) {
            return "redirect:/";
        }
        if (params.containsKey("error")) {
            String retryAfter = params.get("retryAfter");
            model.addAttribute("failure", retryAfter != null && retryAfter.matches("\\d{1,6}") ? "throttled" : "failed");
            model.addAttribute("retryAfter", retryAfter);
        }
        String refused = params.get("refused");
        if (refused != null && REFUSALS.contains(refused)) {
            model.addAttribute("refused", refused);
        }
        return page(model);
    }

    /** To the provider, once its discovery document has been read; the login page says so when it cannot be. */
    @GetMapping("/login/oidc")
    String provider(Model model) {
        if (methods.oidc() == null) {
            return "redirect:/login";
        }
        try {
            methods.oidc().registration();
            return "redirect:/oauth2/authorization/" + OidcRegistration.ID;
        }
        catch (OidcRegistration.Unavailable unavailable) {
            log.warn("The identity provider cannot be reached: {}", unavailable.getMessage());
            model.addAttribute("refused", "unavailable");
            return page(model);
        }
    }

    private String page(Model model) {
        model.addAttribute("provider", methods.oidc() == null ? null : methods.oidc().name());
        model.addAttribute("passwordForm", passwordForm);
        return "security/login";
    }
}
