package dev.goldenfive.runbook;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.goldenfive.security.AccessRules;
import dev.goldenfive.security.Role;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;
import dev.goldenfive.web.RequestBodies;

/** Runbooks over the API: publish a version (admins), read them (everyone signed in). */
@RestController
@RequestMapping("/api/v1/runbooks")
@Tag(name = "Runbooks", description = "Timed runbooks as versioned data")
class RunbookApi {

    static final int MAX_BYTES = 256 * 1024;
    static final String YAML = "application/yaml";

    private final Runbooks runbooks;

    RunbookApi(Runbooks runbooks) {
        this.runbooks = runbooks;
    }

    /** A version as the API shows it: the runbook with its version facts. */
    record VersionView(String key, int version, String title, String description, List<Runbook.Stage> stages,
            List<Runbook.Step> followUp, List<Runbook.DiagnosisRule> diagnosis, Instant createdAt, String createdBy) {

        static VersionView of(RunbookVersion v) {
            Runbook r = v.runbook();
            return new VersionView(v.key(), v.version(), r.title(), r.description(), r.stages(), r.followUp(),
                    r.diagnosis(), v.createdAt(), v.createdBy());
        }
    }

    record VersionSummary(int version, String title, Instant createdAt, String createdBy) {
    }

    /** Administrators publish; every signed-in person reads. */
    @Bean
    static AccessRules runbookAccess() {
        return paths -> paths.requestMatchers(HttpMethod.POST, "/api/v1/runbooks").hasRole(Role.ADMIN.name());
    }

    @PostMapping(consumes = {YAML, "application/x-yaml", "text/yaml", MediaType.APPLICATION_JSON_VALUE})
    @Operation(summary = "Publish a runbook as its next version (YAML or JSON)",
            description = "201 with the new version; 200 with the latest version when it already holds the same runbook. "
                    + "Invalid documents are answered 400 with each wrong field, why, and its line. At most 256 KiB.",
            requestBody = @RequestBody(content = {
                    @Content(mediaType = YAML, schema = @Schema(type = "string")),
                    @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = Runbook.class))}))
    ResponseEntity<VersionView> publish(HttpServletRequest request, Authentication caller) throws IOException {
        RunbookFormat format = MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(request.getContentType()))
                ? RunbookFormat.JSON : RunbookFormat.YAML;
        Runbooks.Published published = runbooks.publish(body(request), format, caller.getName());
        VersionView view = VersionView.of(published.version());
        if (!published.created()) {
            return ResponseEntity.ok(view);
        }
        return ResponseEntity.created(URI.create("/api/v1/runbooks/" + view.key() + "/versions/" + view.version())).body(view);
    }

    @GetMapping
    @Operation(summary = "Every runbook with its latest version")
    List<Runbooks.Summary> list() {
        return runbooks.list();
    }

    @GetMapping("/{key}")
    @Operation(summary = "The latest version of a runbook")
    VersionView latest(@PathVariable String key) {
        return runbooks.latest(key).map(VersionView::of).orElseThrow(() -> new RunbookNotFound(key));
    }

    @GetMapping("/{key}/versions")
    @Operation(summary = "The versions of a runbook, newest first")
    List<VersionSummary> versions(@PathVariable String key) {
        List<VersionSummary> versions = runbooks.versions(key).stream()
                .map(v -> new VersionSummary(v.version(), v.runbook().title(), v.createdAt(), v.createdBy()))
                .toList();
        if (versions.isEmpty()) {
            throw new RunbookNotFound(key);
        }
        return versions;
    }

    @GetMapping("/{key}/versions/{version}")
    @Operation(summary = "One version of a runbook")
    VersionView version(@PathVariable String key, @PathVariable int version) {
        return runbooks.version(key, version).map(VersionView::of)
                .orElseThrow(() -> new RunbookNotFound(key, version));
    }

    @GetMapping(value = "/{key}/versions/{version}/source", produces = {YAML, MediaType.APPLICATION_JSON_VALUE})
    @Operation(summary = "The document a version was published from, as it was sent")
    String source(@PathVariable String key, @PathVariable int version) {
        return runbooks.source(key, version)
                .orElseThrow(() -> new RunbookNotFound(key, version));
    }

    /** The body as UTF-8 text, refused with 413 beyond {@link #MAX_BYTES}. */
    private static String body(HttpServletRequest request) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .decode(ByteBuffer.wrap(RequestBodies.read(request, MAX_BYTES, "A runbook"))).toString();
        }
        catch (CharacterCodingException notUtf8) {
            throw new InvalidFields(List.of(new FieldProblem("(document)", "must be UTF-8 text")));
        }
    }
}
