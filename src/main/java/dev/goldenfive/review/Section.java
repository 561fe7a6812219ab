package dev.goldenfive.review;

import java.util.Arrays;
import java.util.Optional;

/** The parts of a review, by their name in JSON and in settings; the category is required like a section. */
public enum Section {
    SUMMARY("summary", "summary"),
    IMPACT("impact", "impact"),
    ROOT_CAUSE("rootCause", "root_cause"),
    ROOT_CAUSE_CATEGORY("rootCauseCategory", "root_cause_category"),
    WENT_WELL("wentWell", "went_well"),
    WENT_BADLY("wentBadly", "went_badly"),
    CONTRIBUTING_FACTORS("contributingFactors", "contributing_factors");

    /** Each section holds at most this many characters. */
    public static final int MAX_LENGTH = 20_000;

    private final String field;
    private final String column;

    Section(String field, String column) {
        this.field = field;
        this.column = column;
    }

    public String field() {
        return field;
    }

    String column() {
        return column;
    }

    public static Optional<Section> fromField(String field) {
        return Arrays.stream(values()).filter(s -> s.field.equals(field)).findFirst();
    }
}
