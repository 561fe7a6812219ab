package dev.goldenfive.security;


import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The typed errors of user and token management; each answers as problem+json on the API. */
public final class SecurityProblems {

    private SecurityProblems() {
    }

    private static ProblemDetail problem(HttpStatus status, String detail, String field) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        if (field != null) {
            problem.setProperty("field", field);
        }
        return problem;
    }

    public static class UserNotFound extends ErrorResponseException {
        UserNotFound(Object user) {
            super(HttpStatus.NOT_FOUND, problem(HttpStatus.NOT_FOUND, "No user " + user + ".", null), null);
        }
    }

    public static class UsernameTaken extends ErrorResponseException {
        UsernameTaken(String username) {
            super(HttpStatus.CONFLICT,
                    problem(HttpStatus.CONFLICT, "The user name '" + username + "' is already taken.", "username"), null);
        }
    }

    /** Refuses the change that would leave nobody able to administer goldenfive. */
    public static class LastAdmin extends ErrorResponseException {
        LastAdmin() {
            super(HttpStatus.CONFLICT, problem(HttpStatus.CONFLICT,
                    "This would leave no enabled administrator; give another user the ADMIN role first.", null), null);
        }
    }

    public static class TokenNotFound extends ErrorResponseException {
        TokenNotFound(long id) {
            super(HttpStatus.NOT_FOUND, problem(HttpStatus.NOT_FOUND, "No token " + id + " of yours.", null), null);
        }
    }
}
