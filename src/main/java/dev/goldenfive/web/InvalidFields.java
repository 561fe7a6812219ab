package dev.goldenfive.web;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** Several wrong values at once (a document such as a runbook): 400 problem+json listing each. */
public class InvalidFields extends ErrorResponseException {

    private final List<FieldProblem> problems;

    public InvalidFields(List<FieldProblem> problems) {
        super(HttpStatus.BAD_REQUEST, ApiExceptionHandler.invalid(problems), null);
        this.problems = List.copyOf(problems);
    }

    public List<FieldProblem> problems() {
        return problems;
    }
}
