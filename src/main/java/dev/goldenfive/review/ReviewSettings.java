package dev.goldenfive.review;

import java.util.Arrays;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Post-incident reviews ({@code goldenfive.review.*}).
 *
 * @param required           the sections a review must have before it is completed, by their JSON names
 * @param closeNeedsReview   whether an incident may be closed only once its review is completed
 */
@ConfigurationProperties("goldenfive.review")
public record ReviewSettings(
        @DefaultValue({"summary", "impact", "rootCause", "rootCauseCategory"}) List<String> required,
        @DefaultValue("true") boolean closeNeedsReview) {

    public ReviewSettings {
        for (String field : required) {
            if (Section.fromField(field).isEmpty()) {
                throw new IllegalArgumentException("goldenfive.review.required: '" + field + "' is not a section; sections are "
                        + Arrays.stream(Section.values()).map(Section::field).toList());
            }
        }
        required = List.copyOf(required);
    }

    List<Section> requiredSections() {
        return required.stream().map(field -> Section.fromField(field).orElseThrow()).toList();
    }
}
