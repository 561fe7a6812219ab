package dev.goldenfive.review;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.validation.BindingResult;

import dev.goldenfive.web.StrictStrings;

/** The review form of the page: every section, the category and the action items (blank rows are left out). */
public class ReviewForm {

    /** Blank rows the page offers for new action items. */
    static final int NEW_ROWS = 3;

    private Long version;
    @Size(max = Section.MAX_LENGTH) private String summary = "";
    @Size(max = Section.MAX_LENGTH) private String impact = "";
    @Size(max = Section.MAX_LENGTH) private String rootCause = "";
    private String rootCauseCategory = "";
    @Size(max = Section.MAX_LENGTH) private String wentWell = "";
    @Size(max = Section.MAX_LENGTH) private String wentBadly = "";
    @Size(max = Section.MAX_LENGTH) private String contributingFactors = "";
    @Valid private List<ItemForm> items = new ArrayList<>();

    /** One action item row; {@code remove} drops it. */
    public static class ItemForm {
        private Long id;
        @Size(max = 200) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) private String title = "";
        @Size(max = 100) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) private String owner = "";
        private String due = "";
        private String status = "open";
        @Size(max = 2000) private String link = "";
        private boolean remove;

        boolean blank() {
            return isBlank(title) && isBlank(owner) && isBlank(due) && isBlank(link);
        }

        public Long getId() { return id; }
        public void setId(Long id) { this.id = id; }
        public String getTitle() { return title; }
        public void setTitle(String title) { this.title = title; }
        public String getOwner() { return owner; }
        public void setOwner(String owner) { this.owner = owner; }
        public String getDue() { return due; }
        public void setDue(String due) { this.due = due; }
        public String getStatus() { return status; }
        public void setStatus(String status) { this.status = status; }
        public String getLink() { return link; }
        public void setLink(String link) { this.link = link; }
        public boolean isRemove() { return remove; }
        public void setRemove(boolean remove) { this.remove = remove; }
    }

    static ReviewForm of(ReviewView review) {
        ReviewForm form = new ReviewForm();
        form.version = review.version();
        form.summary = review.summary();
        form.impact = review.impact();
        form.rootCause = review.rootCause();
        form.rootCauseCategory = review.rootCauseCategory() == null ? "" : review.rootCauseCategory();
        form.wentWell = review.wentWell();
        form.wentBadly = review.wentBadly();
        form.contributingFactors = review.contributingFactors();
        for (ReviewView.Item item : review.actionItems()) {
            ItemForm row = new ItemForm();
            row.id = item.id();
            row.title = item.title();
            row.owner = item.owner() == null ? "" : item.owner();
            row.due = item.due() == null ? "" : item.due().toString();
            row.status = item.status().label();
            row.link = item.link() == null ? "" : item.link();
            form.items.add(row);
        }
        for (int i = 0; i < NEW_ROWS; i++) {
            form.items.add(new ItemForm());
        }
        return form;
    }

    /**
     * The draft this form says, with {@code status}; wrong values are rejected into {@code errors}.
     * {@code rows} receives, for each action item of the draft, the index of its row on the form.
     */
    Review.Draft draft(ReviewStatus status, BindingResult errors, List<Integer> rows) {
        if (!RootCauseCategory.allowed(rootCauseCategory)) {
            errors.rejectValue("rootCauseCategory", "review.problem.category", "is not a category");
        }
        Map<Section, String> sections = Review.Draft.sections(summary, impact, rootCause, rootCauseCategory, wentWell,
                wentBadly, contributingFactors);
        List<ActionItem> list = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            ItemForm row = items.get(i);
            if (row.remove || row.blank()) {
                continue;
            }
            String at = "items[" + i + "].";
            if (isBlank(row.title)) {
                errors.rejectValue(at + "title", "review.problem.item.title", "an action item needs a title");
            }
            LocalDate due = null;
            if (!isBlank(row.due)) {
                try {
                    due = LocalDate.parse(row.due.strip());
                }
                catch (DateTimeParseException notADate) {
                    errors.rejectValue(at + "due", "review.problem.item.due", "must be a date such as 2026-12-31");
                }
            }
            ActionItem.Status itemStatus = ActionItem.Status.fromLabel(row.status).orElse(null);
            if (itemStatus == null) {
                errors.rejectValue(at + "status", "review.problem.item.status", "is not a status");
            }
            list.add(ActionItem.entered(row.id, row.title, row.owner, due, itemStatus, row.link));
            rows.add(i);
        }
        if (list.size() > Reviews.MAX_ITEMS) {
            errors.reject("review.problem.items", new Object[] {Reviews.MAX_ITEMS},
                    "A review holds at most " + Reviews.MAX_ITEMS + " action items; remove some.");
        }
        return new Review.Draft(status, sections, list, version);
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    public Long getVersion() { return version; }
    public void setVersion(Long version) { this.version = version; }
    public String getSummary() { return summary; }
    public void setSummary(String summary) { this.summary = summary; }
    public String getImpact() { return impact; }
    public void setImpact(String impact) { this.impact = impact; }
    public String getRootCause() { return rootCause; }
    public void setRootCause(String rootCause) { this.rootCause = rootCause; }
    public String getRootCauseCategory() { return rootCauseCategory; }
    public void setRootCauseCategory(String rootCauseCategory) { this.rootCauseCategory = rootCauseCategory; }
    public String getWentWell() { return wentWell; }
    public void setWentWell(String wentWell) { this.wentWell = wentWell; }
    public String getWentBadly() { return wentBadly; }
    public void setWentBadly(String wentBadly) { this.wentBadly = wentBadly; }
    public String getContributingFactors() { return contributingFactors; }
    public void setContributingFactors(String contributingFactors) { this.contributingFactors = contributingFactors; }
    public List<ItemForm> getItems() { return items; }
    public void setItems(List<ItemForm> items) { this.items = items; }
}
