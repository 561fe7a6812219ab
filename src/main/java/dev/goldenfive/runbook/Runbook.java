package dev.goldenfive.runbook;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.goldenfive.web.StrictStrings;

/**
 * A runbook as authored: ordered stages, each a time window from the incident's start with the steps to
 * take and the evidence to look for, and diagnosis rules that turn check results into a fault boundary.
 * Windows follow each other without gaps or overlaps, starting at 0; after the last one an incident is in
 * {@value #FOLLOW_UP}, where the {@code followUp} steps apply. {@code translations} carry the texts people read
 * (titles, goals, steps' why, expected results and when they apply, checks' titles, diagnosis rules) in other languages, by
 * language code ({@code zh}); pages show the reader's, and what a translation leaves out in the runbook's own.
 */
public record Runbook(
        @NotNull @Pattern(regexp = KEY, message = KEY_MESSAGE) String key,
        @NotBlank @Size(max = 200) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String title,
        @Size(max = 4000) String description,
        @NotEmpty @Size(max = 20) List<@NotNull @Valid Stage> stages,
        @Size(max = 50) List<@NotNull @Valid Step> followUp,
        @Size(max = 50) List<@NotNull @Valid DiagnosisRule> diagnosis,
        @Size(max = 10) Map<String, @NotNull @Valid Translation> translations) {

    static final String KEY = "[a-z0-9][a-z0-9-]{0,62}";
    static final String KEY_MESSAGE = "must be 1–63 characters: lower-case letters, digits and '-', starting with a letter or digit";
    static final String RCODE_MESSAGE = "must be a DNS response code such as NOERROR or NXDOMAIN";
    /** The state after the last window: the golden window is over, the follow-up work remains. */
    public static final String FOLLOW_UP = "follow-up";
    static final int MAX_WINDOW_SECONDS = 7 * 24 * 3600;

    public Runbook {
        followUp = followUp == null ? List.of() : followUp;
        diagnosis = diagnosis == null ? List.of() : diagnosis;
        translations = translations == null ? Map.of() : translations;
    }

    public Runbook(String key, String title, String description, List<Stage> stages, List<Step> followUp, List<DiagnosisRule> diagnosis) {
        this(key, title, description, stages, followUp, diagnosis, Map.of());
    }

    /** The runbook as a reader of {@code locale} reads it: its translation's texts where there is one, its own elsewhere. */
    public Runbook in(Locale locale) {
        Translation translation = translations.get(locale.getLanguage());
        if (translation == null) {
            return this;
        }
        Map<String, StageText> stageTexts = translation.stages();
        List<Stage> shown = stages.stream().map(stage -> {
            StageText text = stageTexts.getOrDefault(stage.key(), StageText.NONE);
            return new Stage(stage.key(), or(text.title(), stage.title()), stage.startSeconds(), stage.endSeconds(),
                    or(text.goal(), stage.goal()), stage.steps().stream().map(step -> step.in(text.steps().get(step.key()))).toList(),
                    stage.checks().stream().map(check -> check.titled(text.checks().get(check.key()))).toList());
        }).toList();
        return new Runbook(key, or(translation.title(), title), or(translation.description(), description), shown,
                followUp.stream().map(step -> step.in(translation.followUp().get(step.key()))).toList(),
                diagnosis.stream().map(rule -> rule.in(translation.diagnosis().get(rule.key()))).toList(), translations);
    }

    private static String or(String translated, String own) {
        return translated == null || translated.isBlank() ? own : translated;
    }

    /** A runbook's texts in another language; each part may be left out. Stages, steps and checks by key. */
    public record Translation(
            @Size(max = 200) String title,
            @Size(max = 4000) String description,
            @Size(max = 20) Map<String, @NotNull @Valid StageText> stages,
            @Size(max = 50) Map<String, @NotNull @Valid StepText> followUp,
            @Size(max = 50) Map<String, @NotNull @Valid RuleText> diagnosis) {

        public Translation {
            stages = stages == null ? Map.of() : stages;
            followUp = followUp == null ? Map.of() : followUp;
            diagnosis = diagnosis == null ? Map.of() : diagnosis;
        }
    }

    /** A diagnosis rule's texts in another language. */
    public record RuleText(@Size(max = 200) String title, @Size(max = 2000) String explanation) {
    }

    /** A stage's texts in another language: title, goal, its steps' texts and its checks' titles. */
    public record StageText(
            @Size(max = 200) String title,
            @Size(max = 2000) String goal,
            @Size(max = 50) Map<String, @NotNull @Valid StepText> steps,
            @Size(max = 50) Map<String, @NotBlank @Size(max = 200) String> checks) {

        static final StageText NONE = new StageText(null, null, null, null);

        public StageText {
            steps = steps == null ? Map.of() : steps;
            checks = checks == null ? Map.of() : checks;
        }
    }

    /** A step's texts in another language (its commands are the same in every language). */
    public record StepText(@Size(max = 200) String title, @Size(max = 2000) String why, @Size(max = 2000) String expected,
            @Size(max = 500) String when) {
    }

    public Stage stage(String stageKey) {
        return findStage(stageKey).orElseThrow(() -> new IllegalArgumentException("No stage " + stageKey + " in runbook " + key));
    }

    /** The stage with this key, if the runbook has one. */
    public Optional<Stage> findStage(String stageKey) {
        return stages.stream().filter(s -> s.key().equals(stageKey)).findFirst();
    }

    /** The stage after {@code stageKey}, or empty after the last one (follow-up). */
    public Optional<Stage> next(String stageKey) {
        int index = indexOf(stageKey);
        return index < 0 ? Optional.empty() : stageAtIndex(index + 1);
    }

    /** Where the stage {@code stageKey} stands among the stages; -1 when it is none of them. */
    private int indexOf(String stageKey) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).key().equals(stageKey)) {
                return i;
            }
        }
        return -1;
    }

    private Optional<Stage> stageAtIndex(int index) {
        return index >= 0 && index < stages.size() ? Optional.of(stages.get(index)) : Optional.empty();
    }

    /** A step of a stage, or of {@value #FOLLOW_UP}. */
    public Optional<Step> step(String stageKey, String stepKey) {
        List<Step> steps = FOLLOW_UP.equals(stageKey) ? followUp
                : findStage(stageKey).map(Stage::steps).orElse(List.of());
        return steps.stream().filter(step -> step.key().equals(stepKey)).findFirst();
    }

    /** The stage whose window holds {@code secondsSinceStart}, or empty when past the last window. */
    public Optional<Stage> stageAt(long secondsSinceStart) {
        return stages.stream()
                .filter(s -> secondsSinceStart >= s.startSeconds() && secondsSinceStart < s.endSeconds())
                .findFirst();
    }

    /** One time window of the runbook. */
    public record Stage(
            @NotNull @Pattern(regexp = KEY, message = KEY_MESSAGE) String key,
            @NotBlank @Size(max = 200) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String title,
            @NotNull @Min(0) @Max(MAX_WINDOW_SECONDS) Integer startSeconds,
            @NotNull @Min(1) @Max(MAX_WINDOW_SECONDS) Integer endSeconds,
            @NotBlank @Size(max = 2000) String goal,
            @NotEmpty @Size(max = 50) List<@NotNull @Valid Step> steps,
            @Size(max = 50) List<@NotNull @Valid Check> checks) {

        public Stage {
            checks = checks == null ? List.of() : checks;
        }
    }

    /**
     * Something to do, why, what to type, and what one should see; {@code workaround}: doing it makes a temporary
     * change of this kind, which marking it done asks to record in the incident's ledger; {@code when}: the step is
     * optional and applies only then (a system not everyone runs), so pages fold it.
     */
    public record Step(
            @NotNull @Pattern(regexp = KEY, message = KEY_MESSAGE) String key,
            @NotBlank @Size(max = 200) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String title,
            @Size(max = 2000) String why,
            @Size(max = 20) List<@NotBlank @Size(max = 2000) String> commands,
            @Size(max = 2000) String expected,
            WorkaroundKind workaround,
            @Size(max = 500) String when) {

        public Step {
            commands = commands == null ? List.of() : commands;
        }

        public Step(String key, String title, String why, List<String> commands, String expected) {
            this(key, title, why, commands, expected, null, null);
        }

        /** Optional: it applies only {@link #when}. */
        public boolean optional() {
            return when != null && !when.isBlank();
        }

        Step in(StepText text) {
            return text == null ? this : new Step(key, or(text.title(), title), or(text.why(), why), commands,
                    or(text.expected(), expected), workaround, when == null ? null : or(text.when(), when));
        }
    }

    /**
     * Evidence to look for: a probe of this type against a target matching {@code target} (a glob: {@code *}
     * is any run of characters), taken along {@code via}, passes when every condition of {@code pass} holds.
     */
    public record Check(
            @NotNull @Pattern(regexp = KEY, message = KEY_MESSAGE) String key,
            @NotBlank @Size(max = 200) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String title,
            @NotNull ProbeType probe,
            @NotBlank @Size(max = 300) String target,
            Via via,
            @Valid PassCondition pass) {

        public Check {
            via = via == null ? Via.ANY : via;
            pass = pass == null ? new PassCondition(null, null, null, null, null, null, null) : pass;
        }

        Check titled(String translated) {
            return translated == null || translated.isBlank() ? this : new Check(key, translated, probe, target, via, pass);
        }
    }

    /**
     * All given conditions must hold for a result to pass; {@code success} defaults to true.
     *
     * @param maxDurationMs   the probe took at most this long
     * @param httpStatus      the HTTP status is one of these
     * @param rcode           the DNS answer code, e.g. {@code NOERROR}
     * @param minCertDaysLeft the earliest certificate expiry is at least this many days away (when the result tells it)
     * @param minValue        the measured value (a metric check's query result) is at least this
     * @param maxValue        the measured value is at most this
     */
    public record PassCondition(
            Boolean success,
            @Min(1) @Max(600_000) Integer maxDurationMs,
            @Size(max = 20) List<@NotNull @Min(100) @Max(599) Integer> httpStatus,
            @Pattern(regexp = "[A-Z]{2,12}", message = RCODE_MESSAGE) String rcode,
            @Min(0) @Max(3650) Integer minCertDaysLeft,
            Double minValue,
            Double maxValue) {

        public PassCondition {
            success = success == null ? Boolean.TRUE : success;
            httpStatus = httpStatus == null ? List.of() : httpStatus;
        }
    }

    /**
     * Points at a fault boundary when all of {@code failed} checks failed, all of {@code passed} passed, and
     * none of {@code unmeasured} was measured (pending, or not measured where the agent is). Rules are tried in
     * order; the first that matches is the diagnosis.
     */
    public record DiagnosisRule(
            @NotNull @Pattern(regexp = KEY, message = KEY_MESSAGE) String key,
            @NotNull FaultBoundary boundary,
            @NotBlank @Size(max = 200) @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String title,
            @Size(max = 2000) String explanation,
            @Size(max = 20) List<@NotNull String> failed,
            @Size(max = 20) List<@NotNull String> passed,
            @Size(max = 20) List<@NotNull String> unmeasured) {

        public DiagnosisRule {
            failed = failed == null ? List.of() : failed;
            passed = passed == null ? List.of() : passed;
            unmeasured = unmeasured == null ? List.of() : unmeasured;
        }

        DiagnosisRule in(RuleText text) {
            return text == null ? this : new DiagnosisRule(key, boundary, or(text.title(), title), or(text.explanation(), explanation),
                    failed, passed, unmeasured);
        }
    }
}
