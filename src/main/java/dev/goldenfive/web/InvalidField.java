package dev.goldenfive.web;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A value that breaks a rule only the service can check. Answers 400 problem+json naming the field on
 * the API; forms show {@link #reason()} beside {@link #field()}.
 */
public class InvalidField extends ErrorResponseException {

    private final String field;
    private final String reason;

    public InvalidField(String field, String reason) {
        super(HttpStatus.BAD_REQUEST,
                ApiExceptionHandler.invalid(List.of(new FieldProblem(field, reason))), null);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
