package dev.goldenfive.security;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.validation.Errors;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.goldenfive.web.InvalidField;
import dev.goldenfive.web.StrictStrings;

/** Administrators create users, change their roles, disable them and reset their passwords. */
@Controller
@RequestMapping("/admin/users")
class UserAdminController {

    private final UserAccounts accounts;
    private final MessageSource messages;

    UserAdminController(UserAccounts accounts, MessageSource messages) {
        this.accounts = accounts;
        this.messages = messages;
    }

    record NewUserForm(
            @NotNull @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._@-]{1,63}",
                    message = "must be 2–64 characters: letters, digits, '.', '_', '@' or '-'") String username,
            @Size(max = 128) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String displayName,
            @Size(min = 12, max = 72, message = "must be 12 to 72 characters") String password,
            @NotEmpty(message = "choose at least one role") Set<Role> roles,
            @Size(max = 2000) String teams) {
    }

    /** Teams separated by commas. */
    record TeamsForm(@Size(max = 2000) String teams) {

        Set<String> names() {
            return teams == null ? Set.of() : Arrays.stream(teams.split(",")).map(String::strip).filter(t -> !t.isEmpty())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    record RolesForm(@NotEmpty(message = "choose at least one role") Set<Role> roles) {
    }

    record PasswordForm(@Size(min = 12, max = 72, message = "must be 12 to 72 characters") String password) {
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("users", accounts.list());
        return "security/users";
    }

    @GetMapping("/new")
    String newUser(Model model) {
        model.addAttribute("form", new NewUserForm("", "", "", EnumSet.of(Role.RESPONDER), ""));
        model.addAttribute("allRoles", Role.values());
        return "security/user-new";
    }

    @PostMapping
    String create(@Valid @ModelAttribute("form") NewUserForm form, BindingResult errors, Model model,
            RedirectAttributes redirect) {
        if (!errors.hasErrors()) {
            try {
                UserView created = accounts.create(form.username(), form.displayName(), form.password(), form.roles(),
                        new TeamsForm(form.teams()).names());
                redirect.addFlashAttribute("notice", "users.created");
                return "redirect:/admin/users/" + created.id();
            }
            catch (InvalidField invalid) {
                invalid.rejectInto(errors, invalid.field());
            }
            catch (SecurityProblems.UsernameTaken taken) {
                errors.rejectValue("username", "users.problem.taken", "is already taken");
            }
        }
        model.addAttribute("allRoles", Role.values());
        return "security/user-new";
    }

    @GetMapping("/{id}")
    String show(@PathVariable long id, Model model) {
        UserView user = accounts.get(id);
        model.addAttribute("user", user);
        model.addAttribute("allRoles", Role.values());
        if (!model.containsAttribute("rolesForm")) {
            model.addAttribute("rolesForm", new RolesForm(user.roles()));
        }
        if (!model.containsAttribute("teamsForm")) {
            model.addAttribute("teamsForm", new TeamsForm(String.join(", ", user.teams())));
        }
        if (!model.containsAttribute("passwordForm")) {
            model.addAttribute("passwordForm", new PasswordForm(""));
        }
        return "security/user";
    }

    @PostMapping("/{id}/roles")
    String changeRoles(@PathVariable long id, @Valid @ModelAttribute("rolesForm") RolesForm form, BindingResult errors,
            Model model, RedirectAttributes redirect) {
        if (errors.hasErrors()) {
            return show(id, model);
        }
        return refusedOrDone(id, model, redirect, "users.roles.changed", errors, () -> accounts.changeRoles(id, form.roles()));
    }

    @PostMapping("/{id}/teams")
    String changeTeams(@PathVariable long id, @Valid @ModelAttribute("teamsForm") TeamsForm form, BindingResult errors,
            Model model, RedirectAttributes redirect) {
        if (errors.hasErrors()) {
            return show(id, model);
        }
        return refusedOrDone(id, model, redirect, "users.teams.changed", errors, () -> accounts.changeTeams(id, form.names()));
    }

    @PostMapping("/{id}/enabled")
    String setEnabled(@PathVariable long id, @RequestParam boolean enabled, Model model, RedirectAttributes redirect) {
        return refusedOrDone(id, model, redirect, enabled ? "users.enabled" : "users.disabled", null,
                () -> accounts.setEnabled(id, enabled));
    }

    @PostMapping("/{id}/password")
    String resetPassword(@PathVariable long id, @Valid @ModelAttribute("passwordForm") PasswordForm form,
            BindingResult errors, Model model, RedirectAttributes redirect) {
        if (errors.hasErrors()) {
            return show(id, model);
        }
        return refusedOrDone(id, model, redirect, "users.password.reset.done", errors,
                () -> accounts.resetPassword(id, form.password()));
    }

    /** A wrong value goes beside its field on the {@code form} that sent it; a refusal above the forms, in the reader's language. */
    private String refusedOrDone(long id, Model model, RedirectAttributes redirect, String notice, Errors form, Runnable change) {
        try {
            change.run();
            redirect.addFlashAttribute("notice", notice);
            return "redirect:/admin/users/" + id;
        }
        catch (InvalidField invalid) {
            if (form != null) {
                invalid.rejectInto(form, invalid.field());
            }
            else {
                model.addAttribute("refusal", invalid.say(messages, LocaleContextHolder.getLocale()));
            }
            return show(id, model);
        }
        catch (SecurityProblems.LastAdmin refused) {
            // the API answers in English; the page in the reader's language
            model.addAttribute("refusal", messages.getMessage("users.problem.lastAdmin", null, refused.getBody().getDetail(),
                    LocaleContextHolder.getLocale()));
            return show(id, model);
        }
    }
}
