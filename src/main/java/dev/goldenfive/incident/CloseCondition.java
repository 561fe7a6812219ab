package dev.goldenfive.incident;

/**
 * Something another module requires before an incident may be closed (a completed review), as a bean. It is
 * asked inside the closing transaction, with the incident locked, and refuses by throwing a problem that says
 * what is missing (answered as it is: on the API as problem+json, on the page as the error).
 */
@FunctionalInterface
public interface CloseCondition {

    void check(IncidentRef incident);
}
