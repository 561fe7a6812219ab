package dev.goldenfive.security;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.json.JsonMapper;

import dev.goldenfive.security.AuditEvent.Outcome;
import dev.goldenfive.web.InvalidField;

/** The audit for administrators: sign-ins, role and team changes, token events; newest first, or exported whole. */
@RestController
@RequestMapping("/api/v1/audit")
@Tag(name = "Audit", description = "Who signed in, whose roles changed, which tokens came and went (administrators)")
class AuditApi {

    static final String JSON_LINES = "application/x-ndjson";

    private final Audit audit;
    private final JsonMapper json;

    AuditApi(Audit audit, JsonMapper json) {
        this.audit = audit;
        this.json = json;
    }

    @Bean
    static AccessRules auditAccess() {
        return paths -> paths.requestMatchers("/api/v1/audit", "/api/v1/audit/**").hasRole(Role.ADMIN.name());
    }

    /** A page of lines, and the query for the page after it (null on the last). */
    record Page(List<AuditEvent> events, Long nextBefore) {
    }

    @GetMapping
    @Operation(summary = "Audit lines, newest first",
            description = "person: as actor or subject; action: a prefix (sign-in, person., token.); outcome: SUCCESS or "
                    + "FAILURE; from/to: ISO instants; before: the nextBefore of the previous page; limit: 1–500 (100).")
    Page search(@RequestParam(required = false) String person, @RequestParam(required = false) String action,
            @RequestParam(required = false) Outcome outcome, @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to, @RequestParam(required = false) Long before,
            @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > Audit.MAX_PAGE) {
            throw new InvalidField("limit", "must be between 1 and " + Audit.MAX_PAGE);
        }
        List<AuditEvent> events = audit.search(new Audit.Query(person, action, outcome, from, to, before), limit);
        return new Page(events, events.size() == limit ? events.getLast().id() : null);
    }

    @GetMapping(value = "/export", produces = JSON_LINES)
    @Operation(summary = "Every matching line as JSON lines, oldest first", description = "The same filters as the search.")
    void export(@RequestParam(required = false) String person, @RequestParam(required = false) String action,
            @RequestParam(required = false) Outcome outcome, @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to, HttpServletResponse response) throws IOException {
        write(audit, json, new Audit.Query(person, action, outcome, from, to, null), response);
    }

    /** Streams the lines as they are read, so an export of any length holds one line in memory. */
    static void write(Audit audit, JsonMapper json, Audit.Query query, HttpServletResponse response) throws IOException {
        response.setContentType(JSON_LINES);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Content-Disposition", "attachment; filename=\"goldenfive-audit.jsonl\"");
        var out = new BufferedWriter(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8));
        try {
            audit.export(query, event -> {
                try {
                    out.write(json.writeValueAsString(event));
                    out.write('\n');
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
        out.flush();
    }
}
