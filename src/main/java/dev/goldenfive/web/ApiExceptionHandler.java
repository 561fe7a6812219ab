package dev.goldenfive.web;

import java.util.List;
import java.util.Locale;

import jakarta.validation.ConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

import org.springframework.beans.TypeMismatchException;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import dev.goldenfive.database.DatabaseErrors;

/**
 * Every error raised by a REST controller becomes RFC 9457 {@code application/problem+json}. Validation
 * problems name each wrong field and why in an {@code errors} array.
 */
@RestControllerAdvice(annotations = RestController.class)
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);


    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(error -> new FieldProblem(error.getField(), error.getDefaultMessage()))
                .toList();
        ProblemDetail problem = invalid(errors);
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem;
        if (tooLarge(ex) instanceof RequestBodyLimit.BodyTooLarge large) {
            return bodyTooLarge(large);
        }
        if (ex.getCause() instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
            problem = invalid(List.of(FieldProblem.of(jackson)));
        }
        else {
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "The request body is not valid JSON or is missing.");
        }
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /** A query or path parameter that is not of its type ({@code severity=SEV9}, {@code from=yesterday}). */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException argument ? argument.getName() : ex.getPropertyName();
        Class<?> type = ex.getRequiredType();
        ProblemDetail problem = invalid(List.of(new FieldProblem(name, type == null ? "is not valid" : FieldProblem.expected(type))));
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ProblemDetail constraintViolation(ConstraintViolationException ex) {
        return invalid(ex.getConstraintViolations().stream()
                .map(v -> new FieldProblem(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .toList());
    }

    /** A body that outgrew {@link RequestBodyLimit} while it was read, by a controller or a JSON reader. */
    @ExceptionHandler(RequestBodyLimit.BodyTooLarge.class)
    ResponseEntity<Object> bodyTooLarge(RequestBodyLimit.BodyTooLarge ex) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, ex.getMessage()));
    }

    private static Throwable tooLarge(Throwable ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestBodyLimit.BodyTooLarge) {
                return cause;
            }
        }
        return null;
    }

    /** PostgreSQL stopped a query at its statement timeout: the caller can narrow it, or try again later. */
    @ExceptionHandler(QueryTimeoutException.class)
    ResponseEntity<ProblemDetail> tooSlow(QueryTimeoutException ex) {
        log.info("A query was stopped at its statement timeout: {}", ex.getMostSpecificCause().getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "10")
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, TOO_SLOW));
    }

    private static final String TOO_SLOW = "The query took longer than allowed and was stopped. Narrow it — a shorter "
            + "time range, a service or environment, more specific words — or try again in a moment.";

    /** Two changes of one record at once (an administrator and a periodic check, say): the later one is asked to try again. */
    @ExceptionHandler(OptimisticLockingFailureException.class)
    ResponseEntity<ProblemDetail> changedMeanwhile(OptimisticLockingFailureException ex) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                "The record changed while this request was changing it; nothing was changed. Read it again and retry."));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception ex) {
        if (DatabaseErrors.unavailable(ex)) {
            log.warn("An API request found the database unavailable: {}", NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, ErrorPages.DATABASE_RETRY_AFTER)
                    .body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                            getMessageSource().getMessage(ErrorPages.DATABASE_UNAVAILABLE, null, Locale.ENGLISH)));
        }
        log.error("Unexpected error in an API request", ex);
        return ResponseEntity.internalServerError().body(ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "An unexpected error occurred; it has been logged."));
    }

    static ProblemDetail invalid(List<FieldProblem> errors) {
        String detail = errors.stream()
                .map(e -> "'" + e.field() + "' " + e.message())
                .reduce((a, b) -> a + "; " + b)
                .map(s -> "Invalid request: " + s + ".")
                .orElse("Invalid request.");
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setProperty("errors", errors.stream().map(FieldProblem::asMap).toList());
        return problem;
    }

    private static String lastNode(String propertyPath) {
        int dot = propertyPath.lastIndexOf('.');
        return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
    }
}
