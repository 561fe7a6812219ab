package dev.goldenfive.runbook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;
import dev.goldenfive.web.StrictStrings;

/**
 * Reads a runbook from YAML or JSON and checks it, reporting every problem at once with the field's path
 * and the line it is on.
 */
final class RunbookDocument {

    /** Bounds what a document may make the parser do (deep nesting, huge strings). */
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(32).maxStringLength(64 * 1024).maxDocumentLength(RunbookApi.MAX_BYTES).build();

    private static final ObjectMapper YAML = strict(YAMLMapper.builder(YAMLFactory.builder().streamReadConstraints(LIMITS).build()));
    private static final ObjectMapper JSON = strict(JsonMapper.builder(JsonFactory.builder().streamReadConstraints(LIMITS).build()));

    private final Validator validator;

    RunbookDocument(Validator validator) {
        this.validator = validator;
    }

    /** As strict as the API: unknown fields, numbers for text, fractions for whole numbers, NUL, a second document. */
    private static ObjectMapper strict(MapperBuilder<?, ?> builder) {
        return builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .addModule(StrictStrings.module())
                .build();
    }

    /** The runbook in {@code text}, or {@link InvalidFields} listing what is wrong and where. */
    Runbook read(String text, RunbookFormat format) {
        ObjectMapper mapper = format == RunbookFormat.YAML ? YAML : JSON;
        JsonNode tree;
        Map<String, Integer> lines = new HashMap<>();
        List<FieldProblem> aliases = new ArrayList<>();
        try {
            tree = mapper.readTree(text);
            scan(mapper, text, lines, aliases);
        }
        catch (JacksonException syntax) {
            throw new InvalidFields(List.of(FieldProblem.syntax(syntax, format.toString())));
        }
        if (!aliases.isEmpty()) {
            throw new InvalidFields(aliases);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull() || !tree.isObject()) {
            throw new InvalidFields(List.of(FieldProblem.coded("(document)", "must be a runbook: a mapping with key, title and stages",
                    "runbook.problem.notRunbook")));
        }
        Runbook runbook;
        try {
            runbook = mapper.treeToValue(tree, Runbook.class);
        }
        catch (JacksonException binding) {
            String at = FieldProblem.jsonPath(binding);
            String field = at.isEmpty() ? "(document)" : at;
            throw new InvalidFields(List.of(reason(binding).named(field).at(lineOf(lines, field))));
        }
        List<FieldProblem> problems = new ArrayList<>();
        for (ConstraintViolation<Runbook> violation : validator.validate(runbook)) {
            String field = path(violation.getPropertyPath());
            problems.add(said(violation, field).at(lineOf(lines, field)));
        }
        if (problems.isEmpty()) {
            consistency(runbook, problems, lines);
        }
        if (!problems.isEmpty()) {
            problems.sort((a, b) -> Integer.compare(a.line() == null ? Integer.MAX_VALUE : a.line(),
                    b.line() == null ? Integer.MAX_VALUE : b.line()));
            throw new InvalidFields(problems);
        }
        return runbook;
    }

    /** What a validator cannot see field by field: windows that follow each other, unique keys, references. */
    private static void consistency(Runbook runbook, List<FieldProblem> problems, Map<String, Integer> lines) {
        int expectedStart = 0;
        Set<String> stageKeys = new HashSet<>();
        Set<String> checkKeys = new HashSet<>();
        for (int i = 0; i < runbook.stages().size(); i++) {
            Runbook.Stage stage = runbook.stages().get(i);
            String at = "stages[" + i + "]";
            if (!stageKeys.add(stage.key())) {
                add(problems, lines, at + ".key", "'" + stage.key() + "' is the key of an earlier stage; stage keys must be unique",
                        "runbook.problem.stage.duplicate", stage.key());
            }
            if (Runbook.FOLLOW_UP.equals(stage.key())) {
                add(problems, lines, at + ".key", "'" + Runbook.FOLLOW_UP + "' is the state after the last stage and cannot be a stage's key",
                        "runbook.problem.stage.followUp", Runbook.FOLLOW_UP);
            }
            if (stage.startSeconds() != expectedStart) {
                if (i == 0) {
                    add(problems, lines, at + ".startSeconds", "must be 0: the first stage begins when the incident starts",
                            "runbook.problem.stage.firstStart");
                }
                else {
                    add(problems, lines, at + ".startSeconds", "must be " + expectedStart
                            + ", the end of the stage before: windows follow each other without gaps or overlaps", "runbook.problem.stage.start", expectedStart);
                }
            }
            if (stage.endSeconds() <= stage.startSeconds()) {
                add(problems, lines, at + ".endSeconds", "must be after startSeconds (" + stage.startSeconds() + ")",
                        "runbook.problem.stage.end", stage.startSeconds());
            }
            expectedStart = stage.endSeconds();
            Set<String> stepKeys = new HashSet<>();
            for (int j = 0; j < stage.steps().size(); j++) {
                if (!stepKeys.add(stage.steps().get(j).key())) {
                    add(problems, lines, at + ".steps[" + j + "].key", "'" + stage.steps().get(j).key() + "' is the key of an earlier step of this stage",
                            "runbook.problem.step.duplicate", stage.steps().get(j).key());
                }
            }
            for (int j = 0; j < stage.checks().size(); j++) {
                Runbook.Check check = stage.checks().get(j);
                Runbook.PassCondition pass = check.pass();
                boolean bounded = pass.minValue() != null || pass.maxValue() != null;
                if (bounded && check.probe() != ProbeType.METRIC) {
                    add(problems, lines, at + ".checks[" + j + "].pass", "minValue and maxValue apply to metric checks only",
                            "runbook.problem.check.value");
                }
                if (pass.minValue() != null && pass.maxValue() != null && pass.minValue() > pass.maxValue()) {
                    add(problems, lines, at + ".checks[" + j + "].pass.minValue", "must not be above maxValue (" + pass.maxValue() + ")",
                            "runbook.problem.check.range", pass.maxValue());
                }
                if (!checkKeys.add(stage.checks().get(j).key())) {
                    add(problems, lines, at + ".checks[" + j + "].key", "'" + stage.checks().get(j).key() + "' is the key of an earlier check; check keys are unique in the runbook",
                            "runbook.problem.check.duplicate", stage.checks().get(j).key());
                }
            }
        }
        Set<String> followUpKeys = new HashSet<>();
        for (int j = 0; j < runbook.followUp().size(); j++) {
            if (!followUpKeys.add(runbook.followUp().get(j).key())) {
                add(problems, lines, "followUp[" + j + "].key", "'" + runbook.followUp().get(j).key() + "' is the key of an earlier follow-up step",
                        "runbook.problem.followUp.duplicate", runbook.followUp().get(j).key());
            }
        }
        translations(runbook, problems, lines);
        Set<String> ruleKeys = new HashSet<>();
        for (int i = 0; i < runbook.diagnosis().size(); i++) {
            Runbook.DiagnosisRule rule = runbook.diagnosis().get(i);
            String at = "diagnosis[" + i + "]";
            if (!ruleKeys.add(rule.key())) {
                add(problems, lines, at + ".key", "'" + rule.key() + "' is the key of an earlier rule", "runbook.problem.rule.duplicate", rule.key());
            }
            if (rule.failed().isEmpty() && rule.passed().isEmpty()) {
                add(problems, lines, at, "must name at least one check under failed or passed", "runbook.problem.rule.empty");
            }
            references(rule.failed(), at + ".failed", checkKeys, problems, lines);
            references(rule.passed(), at + ".passed", checkKeys, problems, lines);
            references(rule.unmeasured(), at + ".unmeasured", checkKeys, problems, lines);
        }
    }

    /** A translation names only the stages, steps, checks and follow-up steps the runbook has: a misspelt key would go untranslated. */
    private static void translations(Runbook runbook, List<FieldProblem> problems, Map<String, Integer> lines) {
        runbook.translations().forEach((language, translation) -> {
            String at = "translations." + language;
            if (!language.matches("[a-z]{2}")) {
                add(problems, lines, at, "'" + language + "' is not a two-letter language code such as zh", "runbook.problem.translation.language", language);
            }
            translation.stages().forEach((stageKey, text) -> {
                var stage = runbook.findStage(stageKey);
                if (stage.isEmpty()) {
                    add(problems, lines, at + ".stages." + stageKey, "'" + stageKey + "' is not the key of a stage", "runbook.problem.translation.stage", stageKey);
                    return;
                }
                text.steps().keySet().stream().filter(step -> runbook.step(stageKey, step).isEmpty()).forEach(step -> add(problems, lines,
                        at + ".stages." + stageKey + ".steps." + step, "'" + step + "' is not the key of a step of " + stageKey,
                        "runbook.problem.translation.step", step, stageKey));
                text.checks().keySet().stream().filter(check -> stage.get().checks().stream().noneMatch(c -> c.key().equals(check)))
                        .forEach(check -> add(problems, lines, at + ".stages." + stageKey + ".checks." + check,
                                "'" + check + "' is not the key of a check of " + stageKey, "runbook.problem.translation.check", check, stageKey));
            });
            translation.followUp().keySet().stream().filter(step -> runbook.step(Runbook.FOLLOW_UP, step).isEmpty()).forEach(step -> add(problems,
                    lines, at + ".followUp." + step, "'" + step + "' is not the key of a follow-up step", "runbook.problem.translation.followUp", step));
            translation.diagnosis().keySet().stream().filter(rule -> runbook.diagnosis().stream().noneMatch(r -> r.key().equals(rule)))
                    .forEach(rule -> add(problems, lines, at + ".diagnosis." + rule, "'" + rule + "' is not the key of a diagnosis rule",
                            "runbook.problem.translation.rule", rule));
        });
    }

    private static void references(List<String> keys, String at, Set<String> checkKeys, List<FieldProblem> problems,
            Map<String, Integer> lines) {
        for (int i = 0; i < keys.size(); i++) {
            if (!checkKeys.contains(keys.get(i))) {
                add(problems, lines, at + "[" + i + "]", "'" + keys.get(i) + "' is not the key of a check in this runbook",
                        "runbook.problem.rule.check", keys.get(i));
            }
        }
    }

    /** A problem with {@code field}, said in English and by its message {@code code} in other languages. */
    private static void add(List<FieldProblem> problems, Map<String, Integer> lines, String field, String message, String code,
            Object... arguments) {
        problems.add(FieldProblem.coded(field, message, code, arguments).at(lineOf(lines, field)));
    }

    /** A finding of the validator, with the message code of the runbook's own wording where it has one. */
    private static FieldProblem said(ConstraintViolation<Runbook> violation, String field) {
        FieldProblem problem = FieldProblem.of(violation, field);
        return switch (violation.getMessageTemplate()) {
            case Runbook.KEY_MESSAGE -> FieldProblem.coded(field, problem.message(), "runbook.problem.key");
            case Runbook.RCODE_MESSAGE -> FieldProblem.coded(field, problem.message(), "runbook.problem.rcode");
            default -> problem;
        };
    }

    /**
     * Records the line of every field and item by its path ({@code stages[1].steps[0].title}), and refuses
     * YAML aliases: a reader would take {@code *name} for the text "name".
     */
    private static void scan(ObjectMapper mapper, String text, Map<String, Integer> lines, List<FieldProblem> aliases) {
        try (JsonParser parser = mapper.createParser(text)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    continue;
                }
                String pointer = parser.streamReadContext().pathAsPointer().toString();
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    // the container's own path is its parent's: the name or index that holds it
                    pointer = parser.streamReadContext().getParent() == null ? ""
                            : parser.streamReadContext().getParent().pathAsPointer().toString();
                }
                int line = parser.currentTokenLocation().getLineNr();
                lines.putIfAbsent(fromPointer(pointer), line);
                if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    aliases.add(FieldProblem.coded(fromPointer(pointer),
                            "is a YAML alias; write the value out (aliases are not supported)", "runbook.problem.alias").at(line));
                }
            }
        }
    }

    /** The line of the field, or of the nearest enclosing one (a missing field is reported where its parent is). */
    private static Integer lineOf(Map<String, Integer> lines, String field) {
        String path = field;
        while (true) {
            Integer line = lines.get(path);
            if (line != null && line > 0) {
                return line;
            }
            int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
            if (cut <= 0) {
                return lines.get("");
            }
            path = path.substring(0, cut);
        }
    }

    private static String fromPointer(String pointer) {
        StringBuilder path = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.chars().allMatch(Character::isDigit)) {
                path.append('[').append(part).append(']');
            }
            else {
                path.append(path.isEmpty() ? "" : ".").append(part.replace("~1", "/").replace("~0", "~"));
            }
        }
        return path.toString();
    }

    /** {@code stages[1].steps[0].title}; an element of a list is named by its index alone. */
    private static String path(Path propertyPath) {
        return propertyPath.toString().replace(".<list element>", "").replace("<list element>", "");
    }

    /** Why a value could not be read, in the writer's terms; the field is named by the caller. */
    private static FieldProblem reason(JacksonException ex) {
        String message = ex.getOriginalMessage();
        if (message.startsWith("must ")) {
            return FieldProblem.coded("", message, StrictStrings.NO_NUL.equals(message) ? "problem.nul" : null);
        }
        if (ex instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            Class<?> type = mismatch.getTargetType();
            if (type == String.class) {
                return FieldProblem.coded("", "must be text (in YAML, put a number or true/false in quotes)", "runbook.problem.text");
            }
            if (type == Integer.class || type == int.class) {
                return FieldProblem.coded("", "must be a whole number", "problem.expected.wholeNumber");
            }
            if (type == Boolean.class || type == boolean.class) {
                return FieldProblem.coded("", "must be true or false", "problem.expected.boolean");
            }
        }
        if (message.contains("Unrecognized property") || message.contains("Unrecognized field")) {
            return FieldProblem.coded("", "is not a known field", "problem.unknownField");
        }
        if (message.contains("not one of the values accepted") || message.contains("Enum")) {
            String accepted = message.replaceAll("(?s).*accepted for Enum class: ", "").replaceAll("[\\[\\]]", "");
            return FieldProblem.coded("", "is not one of the accepted values: " + accepted, "runbook.problem.oneOf", accepted);
        }
        // Jackson's explanation is in English: other languages say only that the form is wrong
        String why = message.replaceAll("\\s+at \\[Source.*", "").replaceAll("`[a-z.]+\\.", "`");
        return FieldProblem.coded("", "has the wrong form: " + why, "runbook.problem.form", why);
    }
}
