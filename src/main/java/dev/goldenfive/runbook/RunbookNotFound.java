package dev.goldenfive.runbook;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** No such runbook, or no such version of it: 404 problem+json on the API, the not-found page in the browser. */
public class RunbookNotFound extends ErrorResponseException {

    RunbookNotFound(String key) {
        super(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No runbook '" + key + "'."), null);
    }

    RunbookNotFound(String key, int version) {
        super(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                "No version " + version + " of runbook '" + key + "'."), null);
    }
}
