package dev.goldenfive.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
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

/** The signed-in person's own page: password and personal API tokens. */
@Controller
@RequestMapping("/account")
class AccountController {

    private final UserAccounts accounts;
    private final ApiTokens tokens;

    AccountController(UserAccounts accounts, ApiTokens tokens) {
        this.accounts = accounts;
        this.tokens = tokens;
    }

    record PasswordForm(@NotBlank String currentPassword, @Size(min = 12, max = 72, message = "must be 12 to 72 characters") String newPassword) {
    }

    @GetMapping
    String account(@AuthenticationPrincipal SignedInUser user, Model model) {
        if (!model.containsAttribute("passwordForm")) {
            model.addAttribute("passwordForm", new PasswordForm("", ""));
        }
        if (!model.containsAttribute("tokenForm")) {
            model.addAttribute("tokenForm", new TokenRequest("", 90));
        }
        model.addAttribute("user", accounts.get(user.id()));
        model.addAttribute("tokens", tokens.listOwnedBy(user.id()));
        return "security/account";
    }

    @PostMapping("/password")
    String changePassword(@AuthenticationPrincipal SignedInUser user,
            @Valid @ModelAttribute("passwordForm") PasswordForm form, BindingResult errors, Model model,
            HttpServletRequest request, HttpServletResponse response, RedirectAttributes redirect) {
        if (!errors.hasErrors()) {
            try {
                accounts.changeOwnPassword(user.id(), form.currentPassword(), form.newPassword(), request.getRemoteAddr());
                keepSignedIn(user, request, response);
                redirect.addFlashAttribute("notice", "account.password.changed");
                return "redirect:/account";
            }
            catch (InvalidField invalid) {
                invalid.rejectInto(errors, invalid.field());
            }
        }
        return account(user, model);
    }

    /** The new secret is rendered in this response only (never kept in the session); see {@link IssuedToken}. */
    @PostMapping("/tokens")
    String createToken(@AuthenticationPrincipal SignedInUser user, @Valid @ModelAttribute("tokenForm") TokenRequest form,
            BindingResult errors, Model model) {
        if (!errors.hasErrors()) {
            model.addAttribute("issued", tokens.issuePersonal(user.id(), form.name(), form.expiresInDays()));
            model.addAttribute("tokenForm", new TokenRequest("", 90));
        }
        return account(user, model);
    }

    @PostMapping("/tokens/{id}/revoke")
    String revokeToken(@AuthenticationPrincipal SignedInUser user, @PathVariable long id, RedirectAttributes redirect) {
        tokens.revokeOwn(user.id(), id);
        redirect.addFlashAttribute("notice", "tokens.revoked");
        return "redirect:/account";
    }

    /**
     * A changed password ends other sessions of this user; this one goes on, under a new session id
     * and with a sign-in time after the change.
     */
    private void keepSignedIn(SignedInUser user, HttpServletRequest request, HttpServletResponse response) {
        request.changeSessionId();
        accounts.signedInNow(user.id()).holdSession(new HttpSessionSecurityContextRepository(), request, response);
    }
}
