package dev.goldenfive.oncall;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletResponse;
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
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.web.InvalidFields;

/**
 * A person's notification rules and their delivery log; the whole log for administrators; the page an acknowledge
 * link opens (a GET only shows it, since mail scanners follow links; the button acknowledges); and the browser
 * notifications open pages ask for.
 */
@Controller
class NotificationPages {

    private final NotificationPreferences preferences;
    private final Notifications notifications;
    private final AckLinks links;
    private final Validator validator;
    private final MessageSource messages;
    private final Clock clock;

    NotificationPages(NotificationPreferences preferences, Notifications notifications, AckLinks links, Validator validator,
            MessageSource messages, Clock clock) {
        this.preferences = preferences;
        this.notifications = notifications;
        this.links = links;
        this.validator = validator;
        this.messages = messages;
        this.clock = clock;
    }

    @Bean
    static AccessRules notificationPageAccess() {
        return paths -> paths.requestMatchers("/me/notifications", "/me/pages").authenticated()
                .requestMatchers(HttpMethod.GET, "/admin/notifications").hasRole(Role.ADMIN.name())
                // the signed token in the path is the credential: acknowledging from a message needs no sign-in
                .requestMatchers("/ack/*").permitAll();
    }

    @GetMapping("/me/notifications")
    String mine(Authentication caller, Model model) {
        if (!model.containsAttribute("document")) {
            NotificationRules rules = preferences.of(caller.getName());
            model.addAttribute("document", rules.channels().isEmpty() && rules.quiet() == null ? EXAMPLE : YamlDocuments.write(rules));
        }
        model.addAttribute("deliveries", notifications.log(null, caller.getName()));
        return "oncall/notifications";
    }

    @PostMapping("/me/notifications")
    String save(@RequestParam String document, Authentication caller, Model model, RedirectAttributes redirect) {
        try {
            NotificationRules rules = YamlDocuments.read(document, NotificationRules.class, validator);
            preferences.save(caller.getName(), rules);
            redirect.addFlashAttribute("notice", "notifications.saved");
            return "redirect:/me/notifications";
        }
        catch (InvalidFields invalid) {
            model.addAttribute("problems", invalid.problems().stream()
                    .map(problem -> problem.in(messages, LocaleContextHolder.getLocale())).toList());
            model.addAttribute("document", document);
            model.addAttribute("deliveries", notifications.log(null, caller.getName()));
            return "oncall/notifications";
        }
    }

    @GetMapping("/admin/notifications")
    String all(Model model) {
        model.addAttribute("deliveries", notifications.log(null, null));
        model.addAttribute("everyone", true);
        return "oncall/notifications";
    }

    /** Browser notifications due for the signed-in person; the page that asks first shows them. */
    @GetMapping(value = "/me/pages", produces = "application/json")
    @ResponseBody
    List<Notifications.BrowserNotice> pages(Authentication caller) {
        return notifications.takeBrowser(caller.getName());
    }

    @GetMapping("/ack/{token}")
    String ack(@PathVariable String token, Model model, HttpServletResponse response) {
        return show(token, model, response, null);
    }

    @PostMapping("/ack/{token}")
    String acknowledge(@PathVariable String token, Model model, HttpServletResponse response) {
        Optional<AckLinks.Claim> claim = links.read(token);
        Notifications.LinkOutcome outcome = claim.isEmpty() || claim.get().expired(clock.instant()) ? null
                : notifications.acknowledge(claim.get().notification()).outcome();
        return show(token, model, response, outcome);
    }

    /** The link's page: what it acknowledges and a button, or why it does nothing (404 unknown, 410 expired or used). */
    private String show(String token, Model model, HttpServletResponse response, Notifications.LinkOutcome done) {
        Optional<AckLinks.Claim> claim = links.read(token);
        Optional<Notifications.Delivery> sent = claim.flatMap(c -> notifications.find(c.notification()));
        if (sent.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("state", "unknown");
            return "oncall/ack";
        }
        model.addAttribute("sent", sent.get());
        String state;
        if (done != null) {
            state = done.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
        else if (claim.get().expired(clock.instant())) {
            state = "expired";
        }
        else if (sent.get().linkUsedAt() != null) {
            state = "used";
        }
        else {
            state = "ready";
        }
        if (state.equals("expired") || state.equals("used")) {
            response.setStatus(HttpServletResponse.SC_GONE);
        }
        model.addAttribute("state", state);
        model.addAttribute("token", token);
        return "oncall/ack";
    }

    /** What a person's rules start from. */
    static final String EXAMPLE = """
            channels:                      # in order; each 'after' the page
              - kind: email
                to: alice@example.com
              - kind: slack                # slack, teams, mattermost (and Rocket.Chat), dingtalk, feishu, wecom
                to: https://hooks.slack.com/services/T000/B000/XXXX
                after: PT1M                # if nobody acknowledged within a minute
            #  - kind: dingtalk
            #    to: https://oapi.dingtalk.com/robot/send?access_token=…
            #    secret: SEC…              # the robot's 加签 secret; Feishu robots take one too
            quiet:                         # SEV3 and SEV4 pages at night wait for the morning
              severities: [SEV3, SEV4]
              from: "22:00"
              to: "07:00"
              timeZone: Europe/Berlin
            browser: true                  # open goldenfive pages show a notification too
            """;
}
