package dev.goldenfive.web;

import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.webmvc.autoconfigure.error.AbstractErrorController;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.ModelAndView;

import dev.goldenfive.database.DatabaseErrors;

/**
 * The target of every error that no controller handled (unknown paths, filter errors, oversized bodies):
 * problem+json for the API and for clients that do not ask for HTML, our error page for browsers.
 */
@Controller
@RequestMapping("${server.error.path:/error}")
class ErrorPages extends AbstractErrorController {

    /** Seconds a client waits before trying again while the database is away. */
    static final String DATABASE_RETRY_AFTER = "5";
    static final String DATABASE_UNAVAILABLE = "error.databaseUnavailable";

    private final MessageSource messages;

    ErrorPages(ErrorAttributes errorAttributes, MessageSource messages) {
        super(errorAttributes);
        this.messages = messages;
    }

    @RequestMapping
    Object error(HttpServletRequest request, HttpServletResponse response) {
        HttpStatus status = HttpStatus.resolve(getStatus(request).value());
        if (status == null) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        String path = String.valueOf(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure && DatabaseErrors.unavailable(failure)) {
            // a filter (sessions, tokens) or a page could not reach the database: it passes, so say when to come back
            status = HttpStatus.SERVICE_UNAVAILABLE;
            response.setHeader(HttpHeaders.RETRY_AFTER, DATABASE_RETRY_AFTER);
            request.setAttribute(RequestDispatcher.ERROR_MESSAGE, DATABASE_UNAVAILABLE);
        }
        if (isApi(path) || !acceptsHtml(request)) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail(request, status));
            if (!"null".equals(path)) {
                problem.setInstance(URI.create(path));
            }
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        response.setStatus(status.value());
        Map<String, Object> model = new HashMap<>(Map.of("status", status.value(), "reason", status.getReasonPhrase()));
        said(request, status).ifPresent(message -> model.put("message", message));
        return new ModelAndView("error", model, status);
    }

    /**
     * What the code that refused the request said (with sendError), for a client error: a message code of
     * ours ({@code error.formExpired}) in the reader's language, other text (the framework's, in English) as it was
     * given to readers of English; other readers see what the page says of the status in their language instead.
     */
    private Optional<String> said(HttpServletRequest request, HttpStatus status) {
        if (request.getAttribute(ErrorPage.SAID) instanceof String said) {
            return Optional.of(said);
        }
        if (!explains(status) || !(request.getAttribute(RequestDispatcher.ERROR_MESSAGE) instanceof String text)
                || text.isBlank() || text.equals(status.getReasonPhrase())) {
            return Optional.empty();
        }
        Locale locale = LocaleContextHolder.getLocale();
        return text.startsWith("error.") || Locale.ENGLISH.getLanguage().equals(locale.getLanguage())
                ? Optional.of(words(text, locale)) : Optional.empty();
    }

    /** A client error, or the database away: what was said of it is worth showing; other server errors say nothing more. */
    private static boolean explains(HttpStatus status) {
        return status.is4xxClientError() || status == HttpStatus.SERVICE_UNAVAILABLE;
    }

    /** A message code of ours ({@code error.…}) in {@code locale}; other text as it was given. */
    private String words(String text, Locale locale) {
        return text.startsWith("error.") ? messages.getMessage(text, null, text, locale) : text;
    }

    private String detail(HttpServletRequest request, HttpStatus status) {
        // a message given with sendError for a client error says what was wrong; server errors say nothing more
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        if (explains(status) && message instanceof String text && !text.isBlank()) {
            return words(text, Locale.ENGLISH);
        }
        return switch (status) {
            case NOT_FOUND -> "No resource at this path.";
            case METHOD_NOT_ALLOWED -> "This method is not allowed at this path.";
            case CONTENT_TOO_LARGE -> "The request body is larger than this endpoint accepts.";
            case INTERNAL_SERVER_ERROR -> "An unexpected error occurred; it has been logged.";
            default -> status.getReasonPhrase();
        };
    }

    static boolean isApi(String path) {
        return path.startsWith("/api/") || path.startsWith("/actuator/") || path.startsWith("/v3/api-docs");
    }

    private static boolean acceptsHtml(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains(MediaType.TEXT_HTML_VALUE);
    }
}
