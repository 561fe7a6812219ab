package dev.goldenfive.incident;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Why a command on an incident was refused. These are the domain's words, not HTTP's: {@link IncidentAdvice}
 * answers them as problem+json on the API and as a page in the reader's language in the browser.
 */
public final class IncidentProblems {

    private IncidentProblems() {
    }

    /** A refusal; its message is the English sentence, {@link #code()} and {@link #args()} say it in other languages. */
    public abstract static sealed class Refused extends RuntimeException
            permits InvalidInput, IncidentNotFound, StepNotFound, NotOpen, ActionNotAllowed {

        private final transient Object[] args;

        Refused(String message, Object... args) {
            // a refusal is an answer, not a fault: no stack trace to fill
            super(message, null, false, false);
            this.args = args;
        }

        /** The message code of the sentence ({@code incident.problem.…}). */
        public String code() {
            String name = getClass().getSimpleName();
            return "incident.problem." + Character.toLowerCase(name.charAt(0)) + name.substring(1);
        }

        public Object[] args() {
            return args.clone();
        }
    }

    /** A value that breaks a rule of incidents ({@code field} as the API names it): why in English, and by {@code code}. */
    public static final class InvalidInput extends Refused {

        private final String field;
        private final String reason;
        private final String reasonCode;

        InvalidInput(String field, String reason, String reasonCode, Object... args) {
            super("'" + field + "' " + reason + ".", args);
            this.field = field;
            this.reason = reason;
            this.reasonCode = reasonCode;
        }

        public String field() {
            return field;
        }

        public String reason() {
            return reason;
        }

        /** The message code of the reason alone ({@code incident.invalid.…}). */
        @Override
        public String code() {
            return reasonCode;
        }
    }

    public static final class IncidentNotFound extends Refused {
        public IncidentNotFound(String key) {
            super("No incident " + key + ".", key);
        }
    }

    public static final class StepNotFound extends Refused {
        StepNotFound(IncidentKey key, String stage, String step) {
            super("The runbook of " + key + " has no step '" + step + "' in '" + stage + "'.", key, step, stage);
        }
    }

    /** Steps are marked while an incident is open. */
    public static final class NotOpen extends Refused {
        NotOpen(IncidentKey key, IncidentStatus status) {
            super(key + " is " + status + "; steps are marked while it is OPEN.", key, status);
        }
    }

    /** An action the incident's state does not allow, with the actions that are allowed instead. */
    public static final class ActionNotAllowed extends Refused {

        private final IncidentAction action;
        private final IncidentStatus status;
        private final Set<IncidentAction> allowed;

        ActionNotAllowed(IncidentKey key, IncidentAction action, IncidentStatus status, Set<IncidentAction> allowed) {
            super("'" + action.path() + "' is not allowed on " + key + " while it is " + status
                    + (allowed.isEmpty() ? "; nothing is." : "; allowed: " + String.join(", ", paths(allowed)) + "."));
            this.action = action;
            this.status = status;
            // in the order the incident gives them
            this.allowed = Collections.unmodifiableSet(new LinkedHashSet<>(allowed));
        }

        public IncidentAction action() {
            return action;
        }

        public IncidentStatus status() {
            return status;
        }

        public Set<IncidentAction> allowed() {
            return allowed;
        }

        static List<String> paths(Set<IncidentAction> actions) {
            return actions.stream().map(IncidentAction::path).toList();
        }
    }
}
