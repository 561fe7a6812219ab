package dev.goldenfive.incident;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import dev.goldenfive.web.ErrorPage;
import dev.goldenfive.web.InvalidField;

/** How the web answers an {@linkplain IncidentProblems.Refused incident's refusal}: one advice for the API, one for pages. */
final class IncidentAdvice {

    private IncidentAdvice() {
    }

    static HttpStatus status(IncidentProblems.Refused refused) {
        return switch (refused) {
            case IncidentProblems.InvalidInput ignored -> HttpStatus.BAD_REQUEST;
            case IncidentProblems.IncidentNotFound ignored -> HttpStatus.NOT_FOUND;
            case IncidentProblems.StepNotFound ignored -> HttpStatus.NOT_FOUND;
            case IncidentProblems.NotOpen ignored -> HttpStatus.CONFLICT;
            case IncidentProblems.ActionNotAllowed ignored -> HttpStatus.CONFLICT;
        };
    }

    /** problem+json in English, with the allowed actions when an action was refused. */
    @RestControllerAdvice(annotations = RestController.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class Api {

        @ExceptionHandler(IncidentProblems.Refused.class)
        ResponseEntity<ProblemDetail> refused(IncidentProblems.Refused refused) {
            if (refused instanceof IncidentProblems.InvalidInput invalid) {
                // named like every other wrong field of a request
                return ResponseEntity.badRequest().body(asField(invalid).getBody());
            }
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(status(refused), refused.getMessage());
            if (refused instanceof IncidentProblems.ActionNotAllowed notAllowed) {
                problem.setTitle("Action not allowed");
                problem.setProperty("action", notAllowed.action().path());
                // "status" is the HTTP status in a problem (RFC 9457)
                problem.setProperty("incidentStatus", notAllowed.status().name());
                problem.setProperty("allowed", IncidentProblems.ActionNotAllowed.paths(notAllowed.allowed()));
            }
            return ResponseEntity.status(problem.getStatus()).body(problem);
        }
    }

    /**
     * Everything else (pages, their streams, the few API paths a page controller serves): the error page with the
     * refusal in the reader's language, or problem+json for a client that does not ask for HTML.
     */
    @ControllerAdvice(annotations = Controller.class)
    @Order(Ordered.LOWEST_PRECEDENCE)
    static class Pages {

        private final MessageSource messages;

        Pages(MessageSource messages) {
            this.messages = messages;
        }

        @ExceptionHandler(IncidentProblems.Refused.class)
        void refused(IncidentProblems.Refused refused, HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            ErrorPage.send(request, response, status(refused), refused.getMessage(), say(messages, refused));
        }
    }

    /** Wrong input of incidents as the web names a wrong field: problem+json's {@code errors}, a form's field error. */
    static InvalidField asField(IncidentProblems.InvalidInput invalid) {
        return new InvalidField(invalid.field(), invalid.reason(), invalid.code(), invalid.args());
    }

    /** The refusal in the reader's language: a wrong field by its label, a refused action with what is possible instead. */
    static String say(MessageSource messages, IncidentProblems.Refused refused) {
        Locale locale = LocaleContextHolder.getLocale();
        return switch (refused) {
            case IncidentProblems.InvalidInput invalid -> asField(invalid).say(messages, locale);
            case IncidentProblems.ActionNotAllowed notAllowed -> {
                List<String> allowed = notAllowed.allowed().stream()
                        .map(action -> messages.getMessage("incident.action." + action.path(), null, locale)).toList();
                yield allowed.isEmpty() ? messages.getMessage("incident.error.nothingAllowed", null, locale)
                        : messages.getMessage("incident.error.notAllowed", new Object[] {String.join(", ", allowed)}, locale);
            }
            default -> messages.getMessage(refused.code(), refused.args(), refused.getMessage(), locale);
        };
    }
}
