package dev.goldenfive.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;

/**
 * For advice that turns a refusal into an error: answered by the one error controller, so a browser gets the
 * error page with its layout (and {@code said}, already in the reader's language) and an API client or a
 * stream problem+json (with {@code english}).
 */
public final class ErrorPage {

    /** The request attribute with what the page says of the error, in the reader's language. */
    static final String SAID = ErrorPage.class.getName() + ".said";

    private ErrorPage() {
    }

    public static void send(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String english,
            String said) throws IOException {
        request.setAttribute(SAID, said);
        response.sendError(status.value(), english);
    }
}
