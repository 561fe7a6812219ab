package dev.goldenfive.web;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * Several wrong values at once (a document such as a runbook, a batch of results): 400 problem+json listing
 * each, the first {@value #MAX} of them (a batch of a thousand wrong results would otherwise answer megabytes).
 */
public class InvalidFields extends ErrorResponseException {

    public static final int MAX = 100;

    private final List<FieldProblem> problems;

    public InvalidFields(List<FieldProblem> problems) {
        super(HttpStatus.BAD_REQUEST, ApiExceptionHandler.invalid(first(problems)), null);
        this.problems = first(problems);
    }

    private static List<FieldProblem> first(List<FieldProblem> problems) {
        return List.copyOf(problems.size() > MAX ? problems.subList(0, MAX) : problems);
    }

    public List<FieldProblem> problems() {
        return problems;
    }
}
