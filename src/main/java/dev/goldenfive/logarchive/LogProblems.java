package dev.goldenfive.logarchive;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The typed errors of the log archive; each answers as problem+json on the API. */
final class LogProblems {

    private LogProblems() {
    }

    static ErrorResponseException lineTooLong(int index, int max) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                "Line " + index + " is longer than " + max + " characters; nothing of this request was stored.");
        problem.setProperty("index", index);
        return new ErrorResponseException(HttpStatus.CONTENT_TOO_LARGE, problem, null);
    }
}
