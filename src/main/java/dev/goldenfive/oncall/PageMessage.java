package dev.goldenfive.oncall;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a paging message says, whatever carries it: the incident, its stage and the time left in it, the
 * diagnosis, and the links to open and to acknowledge it.
 *
 * @param secondsLeft  null once the golden window is over (follow-up)
 * @param diagnosis    null while the evidence names no fault boundary
 * @param reason       why a reminder is sent (a workaround overdue); null for a page
 * @param ackUrl       null for a reminder: there is nothing to acknowledge
 * @param drill        a drill's page: every message says so first
 */
record PageMessage(String key, String title, String severity, String service, String environment, String stage,
        Long secondsLeft, String diagnosis, int level, boolean escalated, String reason, String incidentUrl, String ackUrl, boolean drill) {

    String headline() {
        return (drill ? "[DRILL] " : "") + "[" + severity + "] " + key + " " + title;
    }

    String why() {
        return reason != null ? reason : why(level, escalated);
    }

    /** Why the person is told: paged, or escalated to. */
    static String why(int level, boolean escalated) {
        return escalated ? "Nobody acknowledged: escalated to you (level " + level + ")" : "You are paged (level " + level + ")";
    }

    String timeLeft() {
        return secondsLeft == null ? "the golden window is over" : secondsLeft / 60 + ":" + String.format("%02d", secondsLeft % 60) + " left";
    }

    /** Names and values, in the order every format shows them. */
    Map<String, String> facts() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("Stage", stage + " (" + timeLeft() + ")");
        facts.put("Diagnosis", diagnosis == null ? "not yet: the evidence names no fault boundary" : diagnosis);
        facts.put("Service", service + " · " + environment);
        return facts;
    }

    /** Plain text, for mail and for chat services that take no layout. */
    String text() {
        StringBuilder text = new StringBuilder(headline()).append("\n").append(why()).append("\n\n");
        facts().forEach((name, value) -> text.append(name).append(": ").append(value).append("\n"));
        return text.append(ackUrl == null ? "\n" : "\nAcknowledge: " + ackUrl + "\n").append("Open: ").append(incidentUrl).append("\n").toString();
    }
}
