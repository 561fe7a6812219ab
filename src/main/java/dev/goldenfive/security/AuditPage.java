package dev.goldenfive.security;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

import tools.jackson.databind.json.JsonMapper;

import dev.goldenfive.security.AuditEvent.Outcome;

/** The audit for administrators, newest first, filtered by person, action, outcome and days (UTC); exported as JSON lines. */
@Controller
@RequestMapping("/admin/audit")
class AuditPage {

    private static final int PAGE = 100;

    private final Audit audit;
    private final JsonMapper json;

    AuditPage(Audit audit, JsonMapper json) {
        this.audit = audit;
        this.json = json;
    }

    /** The filters as the form sends them; days are whole UTC days, {@code to} included. */
    record Filter(String person, String action, String outcome, String from, String to) {

        Audit.Query query(Long before) {
            Outcome wanted = outcome == null || outcome.isBlank() ? null
                    : List.of(Outcome.values()).stream().filter(o -> o.name().equals(outcome)).findFirst().orElse(null);
            return new Audit.Query(person, action, wanted, day(from, 0), day(to, 1), before);
        }

        /** The day fields that hold something other than a day (a hand-made link), to be said on the page. */
        List<String> invalidDays() {
            return Stream.of(from, to).filter(v -> v != null && !v.isBlank() && day(v, 0) == null).toList();
        }

        private static Instant day(String value, int plus) {
            try {
                return value == null || value.isBlank() ? null
                        : LocalDate.parse(value.strip()).plusDays(plus).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            catch (DateTimeParseException ex) {
                return null;
            }
        }
    }

    @GetMapping
    String page(Filter filter, @RequestParam(required = false) Long before, Model model) {
        List<AuditEvent> events = audit.search(filter.query(before), PAGE);
        model.addAttribute("filter", filter);
        model.addAttribute("invalidDays", filter.invalidDays());
        model.addAttribute("events", events);
        model.addAttribute("nextBefore", events.size() == PAGE ? events.getLast().id() : null);
        return "security/audit";
    }

    @GetMapping("/export")
    void export(Filter filter, HttpServletResponse response) throws IOException {
        AuditApi.write(audit, json, filter.query(null), response);
    }
}
