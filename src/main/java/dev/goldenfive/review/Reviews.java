package dev.goldenfive.review;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.incident.CloseCondition;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.IncidentStatus;
import dev.goldenfive.security.Role;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Timeline;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;

/**
 * Post-incident reviews: reading, editing and completing them, with the rule of who may edit, and the gate
 * that keeps an incident open for closing until its review is completed (when so configured).
 */
@Service
@Transactional
public class Reviews implements CloseCondition {

    /** Most action items a review holds. */
    public static final int MAX_ITEMS = 100;

    private final ReviewStore store;
    private final Incidents incidents;
    private final Timeline timeline;
    private final ReviewSettings settings;
    private final Clock clock;

    Reviews(ReviewStore store, Incidents incidents, Timeline timeline, ReviewSettings settings, Clock clock) {
        this.store = store;
        this.incidents = incidents;
        this.timeline = timeline;
        this.settings = settings;
        this.clock = clock;
    }

    /** Who is editing: a user name, and whether they hold a role that edits any review (manager, administrator). */
    public record Editor(String username, boolean anyReview) {

        public static Editor of(Authentication caller) {
            return new Editor(caller.getName(), caller.getAuthorities().stream().anyMatch(a ->
                    a.getAuthority().equals(Role.MANAGER.authority()) || a.getAuthority().equals(Role.ADMIN.authority())));
        }

        Actor actor() {
            return Actor.user(username);
        }
    }

    @Transactional(readOnly = true)
    public ReviewView view(String key) {
        return view(incidents.require(key));
    }

    @Transactional(readOnly = true)
    ReviewView view(IncidentRef incident) {
        return view(incident, store.find(incident.id(), false).orElseGet(() -> Review.blank(incident.id())));
    }

    public ReviewView edit(String key, Review.Draft draft, Editor editor) {
        IncidentRef incident = incidents.require(key);
        requireMayEdit(incident, editor);
        Review review = store.find(incident.id(), true).orElseGet(() -> Review.blank(incident.id()));
        List<ActionItem> stored = review.items();
        // a stale version is a conflict before anything else about the edit
        var changes = review.edit(withStatuses(draft, stored), key, editor.actor(), now());
        checkItems(stored, draft.items());
        save(key, review, changes, editor);
        return view(incident, review);
    }

    /** Stores a change; two first saves at once cannot both create the review: the later one is a conflict. */
    private void save(String key, Review review, Map<String, Review.Change> changes, Editor editor) {
        if (changes.isEmpty()) {
            return;
        }
        try {
            store.save(review, changes, editor.actor());
        }
        catch (DuplicateKeyException createdMeanwhile) {
            throw new ReviewProblems.EditConflict(key, 0, 1, "someone else", null);
        }
    }

    public ReviewView complete(String key, Editor editor) {
        IncidentRef incident = incidents.require(key);
        requireMayEdit(incident, editor);
        Review review = store.find(incident.id(), true).orElseGet(() -> Review.blank(incident.id()));
        var changes = review.complete(settings.requiredSections(), incident.status() == IncidentStatus.OPEN, key,
                editor.actor(), now());
        save(key, review, changes, editor);
        return view(incident, review);
    }

    /** Every change to the review, newest first. */
    @Transactional(readOnly = true)
    List<ReviewStore.Edit> history(String key) {
        return history(incidents.require(key));
    }

    @Transactional(readOnly = true)
    List<ReviewStore.Edit> history(IncidentRef incident) {
        return store.history(incident.id());
    }

    /**
     * Managers and administrators edit every review; a responder those of the incidents they worked on: they
     * command it, or wrote in its timeline before it was resolved (a note added afterwards does not count).
     */
    @Transactional(readOnly = true)
    public boolean mayEdit(IncidentRef incident, Editor editor) {
        if (editor.anyReview()) {
            return true;
        }
        if (editor.username().equals(incident.commander())) {
            return true;
        }
        return timeline.wrote(incident.id(), Actor.user(editor.username()), incident.resolvedAt());
    }

    /** Closing waits for a completed review, unless {@code goldenfive.review.close-needs-review} is false. */
    @Override
    public void check(IncidentRef incident) {
        if (!settings.closeNeedsReview()) {
            return;
        }
        ReviewStatus status = store.statusForClosing(incident.id()).orElse(null);
        if (status != ReviewStatus.COMPLETED) {
            throw new ReviewProblems.ReviewNeeded(incident.key().toString(), status);
        }
    }

    private void requireMayEdit(IncidentRef incident, Editor editor) {
        if (!mayEdit(incident, editor)) {
            throw new ReviewProblems.NotYourIncident(incident.key().toString(), editor.username());
        }
    }

    /** Items whose status was left out keep the one stored (a new one is open). */
    private static Review.Draft withStatuses(Review.Draft draft, List<ActionItem> stored) {
        if (draft.items() == null || draft.items().stream().allMatch(item -> item.status() != null)) {
            return draft;
        }
        Map<Long, ActionItem.Status> statuses = stored.stream().collect(Collectors.toMap(ActionItem::id, ActionItem::status));
        List<ActionItem> items = draft.items().stream().map(item -> item.status() != null ? item
                : new ActionItem(item.id(), item.title(), item.owner(), item.due(),
                        statuses.getOrDefault(item.id(), ActionItem.Status.OPEN), item.link())).toList();
        return new Review.Draft(draft.status(), draft.sections(), items, draft.version());
    }

    /** Known ids only (this review's), each once; links are web addresses. */
    private static void checkItems(List<ActionItem> stored, List<ActionItem> items) {
        if (items == null) {
            return;
        }
        List<FieldProblem> problems = new ArrayList<>();
        Set<Long> known = stored.stream().map(ActionItem::id).collect(Collectors.toSet());
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            ActionItem item = items.get(i);
            if (item.id() != null && (!known.contains(item.id()) || !seen.add(item.id()))) {
                problems.add(FieldProblem.coded("actionItems[" + i + "].id", "is not an action item of this review"
                        + " (leave it out for a new item)", "review.problem.item.id"));
            }
            if (item.link() != null && !webAddress(item.link())) {
                problems.add(FieldProblem.coded("actionItems[" + i + "].link", "must be an http:// or https:// address", "review.problem.item.link"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFields(problems);
        }
    }

    private static boolean webAddress(String link) {
        try {
            URI uri = new URI(link);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null;
        }
        catch (URISyntaxException notAnAddress) {
            return false;
        }
    }

    private ReviewView view(IncidentRef incident, Review review) {
        return ReviewView.of(incident.key().toString(), review, settings.requiredSections(), LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
