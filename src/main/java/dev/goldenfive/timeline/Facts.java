package dev.goldenfive.timeline;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The one place where facts become stored JSON and back, and where each kind of entry gets its name. */
final class Facts {

    private static final Logger log = LoggerFactory.getLogger(Facts.class);

    private static final Map<Class<? extends Fact>, String> KINDS = kinds(
            Fact.Declared.class, "declared",
            Fact.Acknowledged.class, "acknowledged",
            Fact.Mitigated.class, "mitigated",
            Fact.CommanderAssigned.class, "commander-assigned",
            Fact.StageEntered.class, "stage-entered",
            Fact.GoldenWindowMissed.class, "golden-window-missed",
            Fact.Resolved.class, "resolved",
            Fact.Reopened.class, "reopened",
            Fact.Closed.class, "closed",
            Fact.StepMarked.class, "step-marked",
            Fact.Note.class, "note",
            Fact.CheckChanged.class, "check-changed",
            Fact.DiagnosisChanged.class, "diagnosis-changed",
            Fact.AlertFiring.class, "alert-firing",
            Fact.AlertResolved.class, "alert-resolved",
            Fact.LinePinned.class, "log-pinned",
            Fact.ProbesRequested.class, "probes-requested",
            Fact.MonitorChanged.class, "monitor-changed",
            Fact.Paged.class, "paged",
            Fact.Unreached.class, "unreached",
            Fact.WorkaroundRecorded.class, "workaround-recorded",
            Fact.WorkaroundClosed.class, "workaround-closed",
            Fact.WorkaroundOverdue.class, "workaround-overdue",
            Fact.DrillFault.class, "drill-fault");
    private static final Map<String, Class<? extends Fact>> TYPES = KINDS.entrySet().stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));
    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {
    };

    private Facts() {
    }

    static String kind(Fact fact) {
        String kind = KINDS.get(fact.getClass());
        if (kind == null) {
            throw new IllegalStateException(fact.getClass().getSimpleName() + " has no kind");
        }
        return kind;
    }

    /** The kind of entry that records facts of {@code type}. */
    static String kind(Class<? extends Fact> type) {
        return KINDS.get(type);
    }

    static String json(JsonMapper json, Fact fact) {
        return json.writeValueAsString(fact);
    }

    /**
     * The stored details of an entry of {@code kind} as its record. A kind this version does not know keeps its
     * details, and so does an entry its record cannot read (logged): one odd entry never hides an incident's timeline.
     */
    static Fact read(JsonMapper json, String kind, String details) {
        Class<? extends Fact> type = TYPES.get(kind);
        if (type != null) {
            try {
                return json.readValue(details, type);
            }
            catch (JacksonException unreadable) {
                log.warn("A timeline entry of kind {} does not read as {}: {}", kind, type.getSimpleName(), unreadable.getOriginalMessage());
            }
        }
        return new Fact.Unrecognised(kind, json.readValue(details, DETAILS));
    }

    @SuppressWarnings("unchecked")
    private static Map<Class<? extends Fact>, String> kinds(Object... typesAndNames) {
        Map<Class<? extends Fact>, String> kinds = new LinkedHashMap<>();
        for (int i = 0; i < typesAndNames.length; i += 2) {
            kinds.put((Class<? extends Fact>) typesAndNames[i], (String) typesAndNames[i + 1]);
        }
        // every kind of fact has a name but the one that stands for kinds this version does not know
        if (!kinds.keySet().containsAll(Arrays.stream(Fact.class.getPermittedSubclasses())
                .filter(type -> type != Fact.Unrecognised.class).toList())) {
            throw new IllegalStateException("A kind of fact has no name");
        }
        return Map.copyOf(kinds);
    }
}
