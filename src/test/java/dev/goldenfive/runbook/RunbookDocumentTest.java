package dev.goldenfive.runbook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.validation.Validation;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;

import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Reading runbooks: what is accepted, and how each mistake is reported with its field and line. */
class RunbookDocumentTest {

    private final RunbookDocument documents = new RunbookDocument(Validation.buildDefaultValidatorFactory().getValidator());

    static final String SHORT = """
            key: short
            title: Three short stages
            stages:
              - key: one
                title: First
                startSeconds: 0
                endSeconds: 2
                goal: Look
                steps:
                  - key: look
                    title: Look around
              - key: two
                title: Second
                startSeconds: 2
                endSeconds: 4
                goal: Act
                steps:
                  - key: act
                    title: Act
              - key: three
                title: Third
                startSeconds: 4
                endSeconds: 6
                goal: Fall back
                steps:
                  - key: fall-back
                    title: Fall back
            """;

    @Test
    void theShippedRunbookReadsWithTheSeedsWindowsStepsChecksAndRules() throws IOException {
        String source = new ClassPathResource("runbooks/go-module-download.yaml").getContentAsString(StandardCharsets.UTF_8);

        Runbook runbook = documents.read(source, RunbookFormat.YAML);

        assertThat(runbook.key()).isEqualTo("go-module-download");
        assertThat(runbook.stages()).extracting(Runbook.Stage::key, Runbook.Stage::startSeconds, Runbook.Stage::endSeconds)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("connectivity", 0, 60),
                        org.assertj.core.groups.Tuple.tuple("proxy-switch", 60, 180),
                        org.assertj.core.groups.Tuple.tuple("offline-fallback", 180, 300));
        assertThat(java.util.stream.Stream.concat(runbook.stages().stream().flatMap(s -> s.steps().stream()),
                        runbook.followUp().stream()).flatMap(s -> s.commands().stream()))
                .anyMatch(c -> c.startsWith("go env GOPROXY GOSUMDB GONOPROXY GONOSUMDB GOPRIVATE"))
                .anyMatch(c -> c.equals("ping -c 4 proxy.golang.org"))
                .anyMatch(c -> c.startsWith("curl -I --connect-timeout 5"))
                .anyMatch(c -> c.startsWith("dig +short"))
                .anyMatch(c -> c.equals("go clean -modcache"))
                .anyMatch(c -> c.contains("weight="))
                .anyMatch(c -> c.contains("gomods/athens"))
                .anyMatch(c -> c.equals("go build -mod=vendor ./..."))
                .anyMatch(c -> c.startsWith("GOPROXY=file://"));
        assertThat(runbook.followUp()).extracting(Runbook.Step::key).contains("automate-checks", "keep-logs");
        assertThat(runbook.diagnosis()).extracting(Runbook.DiagnosisRule::boundary).contains(FaultBoundary.values());
    }

    @Test
    void yamlAndJsonOfTheSameRunbookReadTheSame() {
        String json = """
                {"key":"short","title":"Three short stages","stages":[
                  {"key":"one","title":"First","startSeconds":0,"endSeconds":2,"goal":"Look","steps":[{"key":"look","title":"Look around"}]},
                  {"key":"two","title":"Second","startSeconds":2,"endSeconds":4,"goal":"Act","steps":[{"key":"act","title":"Act"}]},
                  {"key":"three","title":"Third","startSeconds":4,"endSeconds":6,"goal":"Fall back","steps":[{"key":"fall-back","title":"Fall back"}]}]}
                """;

        assertThat(documents.read(json, RunbookFormat.JSON)).isEqualTo(documents.read(SHORT, RunbookFormat.YAML));
    }

    @Test
    void overlappingWindowsAreRefusedAtTheLineOfTheWrongStart() {
        String overlapping = SHORT.replace("startSeconds: 2", "startSeconds: 1");

        assertThat(problems(overlapping)).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("stages[1].startSeconds");
            assertThat(problem.line()).isEqualTo(14);
            assertThat(problem.message()).contains("must be 2");
        });
    }

    @Test
    void aGapOrAWindowEndingBeforeItStartsIsRefused() {
        assertThat(problems(SHORT.replace("startSeconds: 4", "startSeconds: 5"))).extracting(FieldProblem::field)
                .containsExactly("stages[2].startSeconds");
        assertThat(problems(SHORT.replace("endSeconds: 2", "endSeconds: 0")))
                .extracting(FieldProblem::field).contains("stages[0].endSeconds");
    }

    @Test
    void aMissingFieldIsReportedAtTheItemThatLacksIt() {
        String noTitle = SHORT.replace("    title: Second\n", "");

        assertThat(problems(noTitle)).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("stages[1].title");
            assertThat(problem.message()).isEqualTo("must not be blank");
            assertThat(problem.line()).isEqualTo(12);
        });
    }

    @Test
    void everyProblemIsReportedAtOnceInLineOrder() {
        String broken = SHORT.replace("key: short", "key: Not A Key").replace("goal: Act", "goal: ''")
                .replace("key: three", "key: one");

        assertThat(problems(broken)).extracting(FieldProblem::field)
                .containsExactly("key", "stages[1].goal");
        assertThat(problems(SHORT.replace("key: three", "key: one"))).extracting(FieldProblem::field)
                .containsExactly("stages[2].key");
    }

    @Test
    void brokenYamlIsReportedWithItsLine() {
        String broken = SHORT.replace("    goal: Act\n", "    goal: [unclosed\n");

        assertThat(problems(broken)).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("(document)");
            assertThat(problem.message()).startsWith("is not valid YAML");
            assertThat(problem.line()).isEqualTo(17);
        });
    }

    @Test
    void anUnknownFieldOrAnUnknownProbeTypeIsNamed() {
        assertThat(problems(SHORT.replace("    goal: Act\n", "    goal: Act\n    colour: red\n")))
                .singleElement().satisfies(problem -> {
                    assertThat(problem.field()).isEqualTo("stages[1].colour");
                    assertThat(problem.message()).isEqualTo("is not a known field");
                    assertThat(problem.line()).isEqualTo(17);
                });
        String badProbe = SHORT.replace("        title: Act\n", "        title: Act\n    checks:\n      - key: c\n        title: C\n        probe: carrier-pigeon\n        target: x\n");
        assertThat(problems(badProbe)).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("stages[1].checks[0].probe");
            assertThat(problem.message()).contains("icmp").contains("goproxy");
        });
    }

    @Test
    void numbersForTextFractionsForWholeNumbersNulAndAliasesAreRefused() {
        assertThat(problems(SHORT.replace("title: Second", "title: 404"))).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("stages[1].title");
            assertThat(problem.message()).startsWith("must be text");
        });
        assertThat(problems(SHORT.replace("startSeconds: 2", "startSeconds: 2.5"))).singleElement()
                .satisfies(problem -> assertThat(problem.message()).isEqualTo("must be a whole number"));
        assertThat(problems(SHORT.replace("goal: Act", "goal: \"A\\0ct\""))).singleElement()
                .satisfies(problem -> assertThat(problem.message()).isEqualTo("must not contain NUL characters"));
        String alias = SHORT.replace("goal: Look", "goal: &g Look").replace("goal: Act", "goal: *g");
        assertThat(problems(alias)).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("stages[1].goal");
            assertThat(problem.message()).contains("alias");
            assertThat(problem.line()).isEqualTo(16);
        });
    }

    @Test
    void aSecondYamlDocumentIsRefusedRatherThanIgnored() {
        assertThat(problems(SHORT + "---\nkey: another\n")).extracting(FieldProblem::field).containsExactly("(document)");
    }

    @Test
    void aDiagnosisRuleMayOnlyNameChecksOfTheRunbook() {
        String rule = SHORT + """
                diagnosis:
                  - key: r
                    boundary: dns
                    title: DNS
                    failed: [no-such-check]
                """;

        assertThat(problems(rule)).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("diagnosis[0].failed[0]");
            assertThat(problem.message()).contains("'no-such-check' is not the key of a check");
        });
    }

    @Test
    void followUpIsNotAStageKeyAndAnEmptyDocumentIsNoRunbook() {
        assertThat(problems(SHORT.replace("key: three", "key: follow-up"))).extracting(FieldProblem::field)
                .containsExactly("stages[2].key");
        assertThat(problems("")).extracting(FieldProblem::field).containsExactly("(document)");
        assertThat(problems("- a\n- b\n")).extracting(FieldProblem::field).containsExactly("(document)");
    }

    private java.util.List<FieldProblem> problems(String yaml) {
        InvalidFields invalid = catchThrowableOfType(InvalidFields.class, () -> documents.read(yaml, RunbookFormat.YAML));
        assertThat(invalid).as("refused").isNotNull();
        return invalid.problems();
    }
}
