package dev.goldenfive.oncall;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.dataformat.yaml.YAMLMapper;

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
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;
import dev.goldenfive.web.StrictStrings;

/** Who is on call, on a page for responders; administrators write the schedules as YAML. */
@Controller
class SchedulePages {

    /** How far ahead the page shows each schedule's coming shifts. */
    static final Duration AHEAD = Duration.ofDays(14);
    static final int MAX_DOCUMENT = 256 * 1024;
    private static final YAMLMapper YAML = YAMLMapper.builder().addModule(StrictStrings.module()).build();

    private final Schedules schedules;
    private final CalendarFeeds feeds;
    private final Validator validator;
    private final MessageSource messages;
    private final Clock clock;

    SchedulePages(Schedules schedules, CalendarFeeds feeds, Validator validator, MessageSource messages, Clock clock) {
        this.schedules = schedules;
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
            model.addAttribute("document", key == null ? EXAMPLE : YAML.writeValueAsString(schedules.require(key)));
        }
        return "oncall/edit";
    }

    @PostMapping("/admin/schedules")
    String save(@RequestParam String document, Authentication admin, Model model, RedirectAttributes redirect) {
        try {
            if (document.length() > MAX_DOCUMENT) {
                throw new InvalidFields(List.of(new FieldProblem("(document)", "may be at most 256 KiB")));
            }
            Schedule schedule;
            try {
                schedule = YAML.readValue(document, Schedule.class);
            }
            catch (JacksonException unreadable) {
                throw new InvalidFields(List.of(FieldProblem.of(unreadable)));
            }
            var violations = validator.validate(schedule);
            if (!violations.isEmpty()) {
                throw new InvalidFields(FieldProblem.of(violations, ""));
            }
            schedules.save(schedule, admin.getName());
            redirect.addFlashAttribute("notice", "oncall.saved");
            return "redirect:/oncall";
        }
        catch (InvalidFields invalid) {
            model.addAttribute("problems", invalid.problems().stream()
                    .map(problem -> problem.in(messages, LocaleContextHolder.getLocale())).toList());
            model.addAttribute("document", document);
            return "oncall/edit";
        }
    }

    @PostMapping("/admin/schedules/{key}/delete")
    String delete(@PathVariable String key, RedirectAttributes redirect) {
        schedules.delete(key);
        redirect.addFlashAttribute("notice", "oncall.deleted");
        return "redirect:/oncall";
    }

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
