package dev.goldenfive.review;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.goldenfive.web.InvalidField;
import dev.goldenfive.web.StrictStrings;

/** Post-incident reviews and their exports over the API; who may edit is decided by {@link Reviews}. */
@RestController
@RequestMapping("/api/v1/incidents/{key}/review")
@Validated
@Tag(name = "Reviews", description = "Post-incident reviews: sections, action items, status, export")
class ReviewApi {

    static final String STATUS = "started|in-review|completed";
    static final String ITEM_STATUS = "open|in-progress|done|wont-do";

    private final Reviews reviews;
    private final ReviewExport export;

    ReviewApi(Reviews reviews, ReviewExport export) {
        this.reviews = reviews;
        this.export = export;
    }

    /**
     * Fields left out (null) keep their value; an empty string clears a section; an item without id is new.
     * An item's status left out keeps its stored one (open for a new item).
     */
    record ReviewRequest(
            @Pattern(regexp = STATUS, message = "must be started, in-review or completed") String status,
            Long version,
            @Size(max = Section.MAX_LENGTH) String summary,
            @Size(max = Section.MAX_LENGTH) String impact,
            @Size(max = Section.MAX_LENGTH) String rootCause,
            String rootCauseCategory,
            @Size(max = Section.MAX_LENGTH) String wentWell,
            @Size(max = Section.MAX_LENGTH) String wentBadly,
            @Size(max = Section.MAX_LENGTH) String contributingFactors,
            @Size(max = Reviews.MAX_ITEMS) List<@NotNull @Valid ItemRequest> actionItems) {

        Review.Draft draft() {
            if (rootCauseCategory != null && !RootCauseCategory.allowed(rootCauseCategory)) {
                throw new InvalidField("rootCauseCategory", "must be one of " + String.join(", ",
                        Arrays.stream(RootCauseCategory.values()).map(RootCauseCategory::label).toList()));
            }
            return new Review.Draft(status == null ? null : ReviewStatus.fromLabel(status).orElseThrow(),
                    Review.Draft.sections(summary, impact, rootCause, rootCauseCategory, wentWell, wentBadly, contributingFactors),
                    actionItems == null ? null : actionItems.stream().map(ItemRequest::item).toList(), version);
        }
    }

    record ItemRequest(Long id,
            @NotBlank @Size(max = 200) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String title,
            @Size(max = 100) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String owner,
            LocalDate due,
            @Pattern(regexp = ITEM_STATUS, message = "must be open, in-progress, done or wont-do") String status,
            @Size(max = 2000) String link) {

        ActionItem item() {
            return ActionItem.entered(id, title, owner, due, status == null ? null : ActionItem.Status.fromLabel(status).orElseThrow(),
                    link);
        }
    }

    @GetMapping
    @Operation(summary = "The incident's review", description = "Before anyone writes it: empty, status started, version 0.")
    ReviewView get(@PathVariable String key) {
        return reviews.view(key);
    }

    @PutMapping
    @Operation(summary = "Write the review", description = "Fields left out keep their value; an empty string clears a "
            + "section; actionItems, when given, is the whole list (items keep their id; new ones have none). "
            + "status: started or in-review (completed only through …/complete; setting a completed review back to "
            + "in-review reopens it). version: the one read, to be refused with 409 if someone saved since. Managers "
            + "and administrators edit any review, responders those of incidents they worked on (403 otherwise).")
    ReviewView put(@PathVariable String key, @Valid @RequestBody ReviewRequest request, Authentication caller) {
        return reviews.edit(key, request.draft(), Reviews.Editor.of(caller));
    }

    @PostMapping("/complete")
    @Operation(summary = "Complete the review", description = "From in-review, once the incident is resolved; 409 "
            + "naming the required sections that are still empty.")
    ReviewView complete(@PathVariable String key, Authentication caller) {
        return reviews.complete(key, Reviews.Editor.of(caller));
    }

    @GetMapping("/history")
    @Operation(summary = "Every change to the review, newest first", description = "Who, when, and each changed field's "
            + "value before and after.")
    List<ReviewStore.Edit> history(@PathVariable String key) {
        return reviews.history(key);
    }

    @GetMapping("/export")
    @Operation(summary = "The review with the incident's figures and whole timeline", description = "format: markdown or json")
    ResponseEntity<String> export(@PathVariable String key,
            @RequestParam(defaultValue = "markdown") @Pattern(regexp = "markdown|json", message = "must be markdown or json") String format) {
        return export.download(key, format);
    }
}
