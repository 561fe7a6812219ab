package dev.goldenfive.oncall;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.validation.Validator;

import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.web.InvalidFields;

/** Who is on call, on a page for responders; administrators write the schedules as YAML. */
@Controller
class SchedulePages {

    /** How far ahead the page shows each schedule's coming shifts. */
    static final Duration AHEAD = Duration.ofDays(14);

    private final Schedules schedules;
    private final Policies policies;
    private final CalendarFeeds feeds;
    private final Validator validator;
    private final MessageSource messages;
    private final Clock clock;

    SchedulePages(Schedules schedules, Policies policies, CalendarFeeds feeds, Validator validator, MessageSource messages, Clock clock) {
        this.schedules = schedules;
        this.policies = policies;
        this.feeds = feeds;
        this.validator = validator;
        this.messages = messages;
        this.clock = clock;
    }

    @Bean
    static AccessRules schedulePageAccess() {
        return paths -> paths.requestMatchers(HttpMethod.GET, "/oncall").hasAnyRole(Role.RESPONDER.name(), Role.ADMIN.name())
                .requestMatchers(HttpMethod.POST, "/oncall/calendar").authenticated();
    }

    /** A schedule as the page shows it: who now, and the coming shifts. */
    record Row(Schedule schedule, Schedules.OnCallAt now, List<OnCall.Shift> coming) {
    }

    @GetMapping("/oncall")
    String onCall(Model model) {
        Instant now = clock.instant();
        model.addAttribute("rows", schedules.list().stream()
                .map(s -> new Row(s, Schedules.onCall(s, now), OnCall.spans(s, now, now.plus(AHEAD)).stream().limit(6).toList()))
                .toList());
        model.addAttribute("policies", policies.list());
        return "oncall/schedules";
    }

    @PostMapping("/oncall/calendar")
    String calendar(Authentication caller, RedirectAttributes redirect) {
        redirect.addFlashAttribute("calendarUrl", feeds.renew(caller.getName()));
        return "redirect:/oncall";
    }

    @GetMapping({"/admin/schedules/new", "/admin/schedules/{key}/edit"})
    String edit(@PathVariable(required = false) String key, Model model) {
        if (!model.containsAttribute("document")) {
            model.addAttribute("document", key == null ? EXAMPLE : YamlDocuments.write(schedules.require(key)));
        }
        return editor(model, SCHEDULE);
    }

    @PostMapping("/admin/schedules")
    String save(@RequestParam String document, Authentication admin, Model model, RedirectAttributes redirect) {
        return save(document, model, redirect, SCHEDULE, () -> schedules.save(YamlDocuments.read(document, Schedule.class, validator), admin.getName()));
    }

    @PostMapping("/admin/schedules/{key}/delete")
    String delete(@PathVariable String key, RedirectAttributes redirect) {
        schedules.delete(key);
        redirect.addFlashAttribute("notice", "oncall.deleted");
        return "redirect:/oncall";
    }

    @GetMapping({"/admin/escalation-policies/new", "/admin/escalation-policies/{key}/edit"})
    String editPolicy(@PathVariable(required = false) String key, Model model) {
        if (!model.containsAttribute("document")) {
            model.addAttribute("document", key == null ? POLICY_EXAMPLE : YamlDocuments.write(policies.require(key)));
        }
        return editor(model, POLICY);
    }

    @PostMapping("/admin/escalation-policies")
    String savePolicy(@RequestParam String document, Authentication admin, Model model, RedirectAttributes redirect) {
        return save(document, model, redirect, POLICY,
                () -> policies.save(YamlDocuments.read(document, EscalationPolicy.class, validator), admin.getName()));
    }

    @PostMapping("/admin/escalation-policies/{key}/delete")
    String deletePolicy(@PathVariable String key, RedirectAttributes redirect) {
        policies.delete(key);
        redirect.addFlashAttribute("notice", "policy.deleted");
        return "redirect:/oncall";
    }

    /** Which document an editor edits: its messages' prefix and where the form goes. */
    private record Editing(String messages, String action) {
    }

    private static final Editing SCHEDULE = new Editing("oncall", "/admin/schedules");
    private static final Editing POLICY = new Editing("policy", "/admin/escalation-policies");

    private static String editor(Model model, Editing editing) {
        model.addAttribute("editing", editing);
        return "oncall/edit";
    }

    private String save(String document, Model model, RedirectAttributes redirect, Editing editing, Runnable save) {
        try {
            save.run();
            redirect.addFlashAttribute("notice", editing.messages() + ".saved");
            return "redirect:/oncall";
        }
        catch (InvalidFields invalid) {
            model.addAttribute("problems", invalid.problems().stream()
                    .map(problem -> problem.in(messages, LocaleContextHolder.getLocale())).toList());
            model.addAttribute("document", document);
            return editor(model, editing);
        }
    }

    /** What a new escalation policy starts from. */
    static final String POLICY_EXAMPLE = """
            key: platform
            name: Platform
            services: [go-build, module-proxy]   # incidents of these services are paged by this policy
            repeat: 1                            # after the last level, start again once
            levels:
              - targets: [{schedule: platform}]  # who the schedule names when the page goes out
                after: stage                     # not acknowledged by the end of the current stage → next level
              - targets: [{team: platform}, {user: carol}]
                after: PT5M                      # or a fixed delay
            """;

    /** What a new schedule starts from. */
    static final String EXAMPLE = """
            key: platform
            name: Platform primary
            team: platform
            timeZone: Europe/Berlin
            layers:
              - name: primary
                handoff: 2026-12-07T09:00:00   # the first hand-off, local time
                shift: P7D                     # P1D daily, P7D weekly, PT12H twelve hours
                members: [alice, bob]
              - name: office hours             # a later layer wins where its restrictions apply
                handoff: 2026-12-07T09:00:00
                shift: P1D
                members: [carol]
                restrictions:
                  - days: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY]
                    from: "09:00"
                    to: "17:00"
            overrides:
              - user: bob
                from: 2026-12-24T00:00:00Z
                to: 2026-12-27T00:00:00Z
            """;
}
