package dev.goldenfive.workaround;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.runbook.WorkaroundKind;
import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;

/**
 * The ledger's forms on the incident page: record a workaround (or mark the step that made one done with it),
 * undo one, or leave it in place saying why. A refused form comes back on the page with its values and each
 * problem next to its field.
 */
@Controller
class WorkaroundPages {

    private final Workarounds workarounds;
    private final MessageSource messages;

    WorkaroundPages(Workarounds workarounds, MessageSource messages) {
        this.workarounds = workarounds;
        this.messages = messages;
    }

    @Bean
    static AccessRules workaroundPageAccess() {
        String[] roles = {Role.RESPONDER.name(), Role.ADMIN.name()};
        return paths -> paths.requestMatchers(HttpMethod.POST, "/incidents/*/workarounds", "/incidents/*/workarounds/*/*",
                "/incidents/*/steps/*/*/workaround").hasAnyRole(roles);
    }

    /** The form as sent: {@code revertBy} a local date-time in UTC ({@code 2026-12-06T18:00}); kept in the session until shown again. */
    record Form(String kind, String what, String where, String owner, String revertBy, String note) implements Serializable {
    }

    /** A refused field and why, in the reader's language, kept in the session until shown. */
    record Problem(String field, String message) implements Serializable {
    }

    @PostMapping("/incidents/{key}/workarounds")
    String record(@PathVariable String key, Form form, Authentication caller, RedirectAttributes redirect) {
        return attempt(key, form, "new", "#panel-workarounds", redirect,
                () -> workarounds.record(IncidentKey.of(key), entry(form), Actor.user(caller.getName())));
    }

    @PostMapping("/incidents/{key}/steps/{stage}/{step}/workaround")
    String step(@PathVariable String key, @PathVariable String stage, @PathVariable String step, Form form, Authentication caller,
            RedirectAttributes redirect) {
        return attempt(key, form, "step-" + stage + "-" + step, "#step-" + stage + "-" + step, redirect, () -> workarounds.recordStep(IncidentKey.of(key), stage, step,
                entry(form), form.note(), Actor.user(caller.getName())));
    }

    @PostMapping("/incidents/{key}/workarounds/{id}/revert")
    String revert(@PathVariable String key, @PathVariable long id, @RequestParam(required = false) String note, Authentication caller,
            RedirectAttributes redirect) {
        return attempt(key, null, null, "#panel-workarounds", redirect,
                () -> workarounds.close(IncidentKey.of(key), id, true, note, Actor.user(caller.getName())));
    }

    @PostMapping("/incidents/{key}/workarounds/{id}/keep")
    String keep(@PathVariable String key, @PathVariable long id, @RequestParam(required = false) String note, Authentication caller,
            RedirectAttributes redirect) {
        return attempt(key, null, "keep-" + id, "#panel-workarounds", redirect,
                () -> workarounds.close(IncidentKey.of(key), id, false, note, Actor.user(caller.getName())));
    }

    /** Makes the change; a refusal comes back to the form it came from ({@code formFor}: new, step-…, keep-…) with its values. */
    private String attempt(String key, Form form, String formFor, String anchor, RedirectAttributes redirect, Runnable change) {
        try {
            change.run();
        }
        catch (InvalidFields invalid) {
            Locale locale = LocaleContextHolder.getLocale();
            redirect.addFlashAttribute("workaroundProblems", new ArrayList<>(invalid.problems().stream()
                    .map(p -> p.in(messages, locale)).map(p -> new Problem(p.field(), p.message())).toList()));
            redirect.addFlashAttribute("workaroundForm", form);
            redirect.addFlashAttribute("workaroundFormFor", formFor);
        }
        return "redirect:/incidents/" + IncidentKey.of(key) + anchor;
    }

    private static Workarounds.Entry entry(Form form) {
        WorkaroundKind kind = form.kind() == null ? null : WorkaroundKind.fromLabel(form.kind()).orElse(null);
        return new Workarounds.Entry(kind, form.what(), form.where(), form.owner(), revertBy(form.revertBy()));
    }

    private static Instant revertBy(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(value.strip()).toInstant(ZoneOffset.UTC);
        }
        catch (DateTimeException ex) {
            throw new InvalidFields(List.of(FieldProblem.coded("revertBy", "must be a date and time such as 2026-12-06T18:00 (UTC)",
                    "workarounds.problem.revertBy.format")));
        }
    }
}
