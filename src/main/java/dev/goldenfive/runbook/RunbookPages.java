package dev.goldenfive.runbook;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

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

/** Runbooks in the browser: the list, a version, the difference between two, and (admins) import and edit. */
@Controller
class RunbookPages {

    static final String EXAMPLE = """
            key: my-runbook
            title: What this runbook is for
            stages:
              - key: first
                title: The first minute
                startSeconds: 0
                endSeconds: 60
                goal: What must be known by the end of this window
                steps:
                  - key: look
                    title: Look at it
                    why: Why this step comes first
                    commands: ["echo hello"]
                    expected: What you should see
            """;

    private final Runbooks runbooks;
    private final MessageSource messages;

    RunbookPages(Runbooks runbooks, MessageSource messages) {
        this.runbooks = runbooks;
        this.messages = messages;
    }

    /** Administrators import and edit; everyone signed in reads. */
    @Bean
    static AccessRules runbookPageAccess() {
        return paths -> paths
                .requestMatchers(HttpMethod.GET, "/runbooks/new", "/runbooks/*/edit").hasRole(Role.ADMIN.name())
                .requestMatchers(HttpMethod.POST, "/runbooks").hasRole(Role.ADMIN.name());
    }

    @GetMapping("/runbooks")
    String list(Model model) {
        model.addAttribute("runbooks", runbooks.list());
        return "runbook/list";
    }

    @GetMapping("/runbooks/{key}")
    String latest(@PathVariable String key) {
        RunbookVersion latest = runbooks.latest(key).orElseThrow(() -> new RunbookNotFound(key));
        return "redirect:/runbooks/" + key + "/versions/" + latest.version();
    }

    @GetMapping("/runbooks/{key}/versions/{version}")
    String version(@PathVariable String key, @PathVariable int version, Model model) {
        List<RunbookVersion> versions = runbooks.versions(key);
        RunbookVersion shown = versions.stream().filter(v -> v.version() == version).findFirst()
                .orElseThrow(() -> new RunbookNotFound(key, version));
        model.addAttribute("version", shown);
        // in the reader's language where the runbook has it
        model.addAttribute("shown", shown.runbook().in(LocaleContextHolder.getLocale()));
        model.addAttribute("versions", versions);
        return "runbook/version";
    }

    @GetMapping("/runbooks/{key}/diff")
    String diff(@PathVariable String key, @RequestParam int from, @RequestParam int to, Model model) {
        String before = runbooks.source(key, from).orElseThrow(() -> new RunbookNotFound(key, from));
        String after = runbooks.source(key, to).orElseThrow(() -> new RunbookNotFound(key, to));
        model.addAttribute("key", key);
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute("lines", SourceDiff.between(before, after));
        model.addAttribute("versions", runbooks.versions(key));
        return "runbook/diff";
    }

    @GetMapping("/runbooks/new")
    String importForm(Model model) {
        return editor(model, EXAMPLE, null, List.of());
    }

    @GetMapping("/runbooks/{key}/edit")
    String editForm(@PathVariable String key, Model model) {
        RunbookVersion latest = runbooks.latest(key).orElseThrow(() -> new RunbookNotFound(key));
        return editor(model, runbooks.source(key, latest.version()).orElseThrow(), key, List.of());
    }

    @PostMapping("/runbooks")
    String publish(@RequestParam(defaultValue = "") String source, @RequestParam(required = false) String editing,
            Authentication caller, Model model, RedirectAttributes redirect) {
        if (source.length() > RunbookApi.MAX_BYTES) {
            return editor(model, source, editing, List.of(FieldProblem.coded("(document)",
                    "must be at most " + RunbookApi.MAX_BYTES / 1024 + " KiB", "problem.documentSize", RunbookApi.MAX_BYTES / 1024)));
        }
        try {
            Runbooks.Published published = runbooks.publish(source, RunbookFormat.YAML, caller.getName());
            redirect.addFlashAttribute("notice", published.created() ? "runbook.published" : "runbook.unchanged");
            return "redirect:/runbooks/" + published.version().key() + "/versions/" + published.version().version();
        }
        catch (InvalidFields invalid) {
            return editor(model, source, editing, invalid.problems());
        }
    }

    /** The editor, with each problem listed and its line marked in the numbered source. */
    private String editor(Model model, String source, String editing, List<FieldProblem> problems) {
        Set<Integer> badLines = problems.stream().map(FieldProblem::line).filter(line -> line != null)
                .collect(Collectors.toSet());
        model.addAttribute("source", source);
        model.addAttribute("editing", editing);
        model.addAttribute("problems", problems.stream().map(problem -> problem.in(messages, LocaleContextHolder.getLocale())).toList());
        model.addAttribute("sourceLines", source.lines().toList());
        model.addAttribute("badLines", badLines);
        return "runbook/edit";
    }
}
