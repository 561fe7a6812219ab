package dev.goldenfive.review;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** Something the team will change, who owns it and by when; {@code id} is absent until it is stored. */
public record ActionItem(Long id, String title, String owner, LocalDate due, Status status, String link) {

    public enum Status {
        OPEN, IN_PROGRESS, DONE, WONT_DO;

        @JsonValue
        public String label() {
            return name().toLowerCase().replace('_', '-');
        }

        public static Optional<Status> fromLabel(String label) {
            return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst();
        }
    }

    /** An item as a person entered it: title and text stripped, blank owner and link as none. */
    static ActionItem entered(Long id, String title, String owner, LocalDate due, Status status, String link) {
        return new ActionItem(id, title.strip(), owner == null || owner.isBlank() ? null : owner.strip(), due, status,
                link == null || link.isBlank() ? null : link.strip());
    }

    /** Still to do after its due date. */
    public boolean overdue(LocalDate today) {
        return due != null && due.isBefore(today) && (status == Status.OPEN || status == Status.IN_PROGRESS);
    }
}
