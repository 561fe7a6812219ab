package dev.goldenfive.logarchive;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;

/**
 * Retention for administrators (under {@code /admin}, ADMIN only): each environment's days and why (its own, the same
 * as another name's, or everyone else's), what it holds now (partitions, lines, bytes, oldest line) and per day, the
 * archive's size against the warning, and a form to set or forget an environment's days.
 */
@Controller
class RetentionPages {

    private final LogRetention retention;
    private final ArchiveSizes sizes;
    private final LogSettings settings;

    RetentionPages(LogRetention retention, ArchiveSizes sizes, LogSettings settings) {
        this.retention = retention;
        this.sizes = sizes;
        this.settings = settings;
    }

    /**
     * An environment's line on the page: its rule, and what it holds ({@code holds} null when it has no partition),
     * newest day first.
     */
    record Row(String environment, int days, String sameAs, boolean own, ArchiveSizes.Environment holds, String size, List<Day> perDay) {
    }

    /** One day of an environment: its lines and size. */
    record Day(LocalDate day, long lines, String size) {
    }

    record RetentionForm(@NotBlank @Size(max = 50) String environment, @NotNull @Min(1) @Max(3650) Integer days) {
    }

    @GetMapping("/admin/logs/retention")
    String page(Model model) {
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", new RetentionForm("", 7));
        }
        Map<String, Integer> configured = retention.days();
        Function<String, LogRetention.Rule> rules = retention.rules();
        Map<String, ArchiveSizes.Environment> held = new HashMap<>();
        sizes.environments().forEach(e -> held.put(e.environment(), e));
        Map<String, List<ArchiveSizes.Partition>> perDay = new HashMap<>();
        sizes.partitions().forEach(p -> perDay.computeIfAbsent(p.environment(), k -> new ArrayList<>()).add(p));
        TreeSet<String> names = new TreeSet<>(configured.keySet());
        names.addAll(held.keySet());
        List<Row> rows = new ArrayList<>();
        for (String name : names) {
            LogRetention.Rule rule = LogRetention.OTHERS.equals(name) && configured.containsKey(name)
                    ? new LogRetention.Rule(name, configured.get(name), null, true) : rules.apply(name);
            ArchiveSizes.Environment holds = held.get(name);
            rows.add(new Row(name, rule.days(), rule.sameAs(), rule.own(), holds, holds == null ? "" : human(holds.bytes()),
                    perDay.getOrDefault(name, List.of()).reversed().stream().map(p -> new Day(p.day(), p.lines(), human(p.bytes()))).toList()));
        }
        model.addAttribute("rows", rows);
        model.addAttribute("aliases", settings.aliases());
        model.addAttribute("total", human(sizes.totalBytes()));
        model.addAttribute("warnAt", settings.warnAt().toBytes() == 0 ? "" : human(settings.warnAt().toBytes()));
        model.addAttribute("over", sizes.overWarning());
        return "logarchive/retention";
    }

    @PostMapping("/admin/logs/retention")
    String set(@Valid @ModelAttribute("form") RetentionForm form, BindingResult errors, Model model, Authentication caller,
            RedirectAttributes redirect) {
        if (!errors.hasErrors()) {
            try {
                retention.set(Map.of(form.environment().strip(), form.days()), caller.getName());
                redirect.addFlashAttribute("notice", "retention.saved");
                return "redirect:/admin/logs/retention";
            }
            catch (ErrorResponseException refused) {
                refused(refused, errors);
            }
        }
        return page(model);
    }

    @PostMapping("/admin/logs/retention/forget")
    String forget(@RequestParam String environment, Authentication caller, RedirectAttributes redirect) {
        Map<String, Integer> change = new HashMap<>();
        change.put(environment, null);
        try {
            retention.set(change, caller.getName());
            redirect.addFlashAttribute("notice", "retention.forgotten");
        }
        catch (InvalidFields refused) {
            redirect.addFlashAttribute("notice", "retention.othersStay");
        }
        return "redirect:/admin/logs/retention";
    }

    /** A refusal of the retention rules (a field's, or too many environments), on the form. */
    private static void refused(ErrorResponseException refused, BindingResult errors) {
        Object problems = refused.getBody().getProperties() == null ? null : refused.getBody().getProperties().get("errors");
        if (problems instanceof List<?> list) {
            for (Object p : list) {
                if (p instanceof FieldProblem problem) {
                    errors.rejectValue(problem.message().contains("days") ? "days" : "environment", "invalid", problem.message());
                }
            }
        }
        if (!errors.hasErrors()) {
            errors.reject("invalid", refused.getBody().getDetail());
        }
    }

    /** Bytes as people read them: 512 B, 3.4 MB, 1.2 GB. */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
