package dev.goldenfive.probe;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The typed errors of agents and probes; each answers as problem+json on the API. */
public final class ProbeProblems {

    private ProbeProblems() {
    }

    public static class AgentNotFound extends ErrorResponseException {
        AgentNotFound(long id) {
            super(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No agent " + id + "."), null);
        }
    }

    public static class MonitorNotFound extends ErrorResponseException {
        MonitorNotFound(String name) {
            super(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No monitor '" + name + "'."), null);
        }
    }

    /** Agents probe for open incidents only. */
    public static class NotOpen extends ErrorResponseException {
        NotOpen(String key) {
            super(HttpStatus.CONFLICT, ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    key + " is not open: agents probe for open incidents only."), null);
        }
    }

    /** A revoked agent stays revoked: register a new one instead. */
    public static class AgentRevoked extends ErrorResponseException {
        AgentRevoked(String name) {
            super(HttpStatus.CONFLICT, ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    "The agent '" + name + "' is revoked; register a new agent instead."), null);
        }
    }
}
