package dev.goldenfive.incident;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import tools.jackson.databind.json.JsonMapper;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.goldenfive.runbook.FaultBoundary;

/**
 * The scenario of a drill: an incident declared to rehearse the five minutes. It names the fault the agents inject
 * ({@link Fault}), where ({@code targets}: host names, IPv4 addresses or networks; {@code port} for a refused port),
 * the agents that inject it (by their {@code host} label; only agents started with the explicit fault flag do), the
 * people paged (none: nobody), the boundary the evidence should lead to, and how long the fault may stay at most.
 *
 * @param scenario     what is rehearsed, in a few words
 * @param expect       the fault boundary's label the correct diagnosis names
 * @param faultMinutes how long the fault stays at most; the agents remove it sooner when the drill ends
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Drill(String scenario, Fault fault, List<String> targets, Integer port, List<String> agents, List<String> participants,
        String expect, Integer faultMinutes) {

    static final int MAX_SCENARIO = 120;
    static final int MAX_TARGETS = 10;
    static final int MAX_AGENTS = 20;
    static final int MAX_PARTICIPANTS = 20;
    public static final int DEFAULT_FAULT_MINUTES = 10;
    static final int MAX_FAULT_MINUTES = 60;
    /** A host name, an IPv4 address, or an IPv4 network of at least a /8: nothing an agent's tools could take for an option. */
    public static final String TARGET = "[A-Za-z0-9][A-Za-z0-9.-]{0,252}|[0-9]{1,3}(\\.[0-9]{1,3}){3}(/([89]|[12][0-9]|3[0-2]))?";
    /** An agent's {@code host} label, as the agent cuts it. */
    public static final String AGENT = "[A-Za-z0-9][A-Za-z0-9._-]{0,39}";

    /** The faults an agent can inject, as the agent names them. */
    public enum Fault {
        /** Nothing is injected: the participants rehearse on a scenario told, not made. */
        NONE(null),
        /** The targets' addresses are routed nowhere ({@code ip route add blackhole}). */
        BLACKHOLE(FaultBoundary.LOCAL_NETWORK),
        /** DNS queries for the target names are dropped ({@code iptables} string match on port 53). */
        DNS(FaultBoundary.DNS),
        /** Connections to the targets' port are refused ({@code iptables}/{@code nft} reject with a TCP reset). */
        REFUSE(FaultBoundary.REMOTE_SERVICE),
        /** 500 ms more on every packet out ({@code tc netem}, where the kernel has it). */
        LATENCY(FaultBoundary.REMOTE_SERVICE),
        /** 30 % of the packets out lost ({@code tc netem}, where the kernel has it). */
        LOSS(FaultBoundary.LOCAL_NETWORK);

        private final FaultBoundary usually;

        Fault(FaultBoundary usually) {
            this.usually = usually;
        }

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Fault> fromLabel(String label) {
            return Stream.of(values()).filter(f -> f.label().equalsIgnoreCase(label == null ? "" : label.strip())).findFirst();
        }
    }

    /** The scenario as stored: defaults filled in (the port, the time, the boundary the fault usually is), lists never null. */
    public Drill {
        scenario = scenario == null ? "" : scenario.strip();
        fault = fault == null ? Fault.NONE : fault;
        targets = strip(targets);
        agents = strip(agents);
        participants = strip(participants).stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
        port = port == null ? 443 : port;
        faultMinutes = faultMinutes == null ? DEFAULT_FAULT_MINUTES : faultMinutes;
        expect = expect == null || expect.isBlank() ? (fault.usually == null ? null : fault.usually.label()) : expect.strip();
    }

    /** Whether an agent labelled {@code host} injects this drill's fault. */
    public boolean injectedBy(String host) {
        return fault != Fault.NONE && host != null && agents.stream().anyMatch(a -> a.equalsIgnoreCase(host));
    }

    /** Refuses a scenario that is not well formed, naming the field (people are checked by the commands). */
    void check() {
        if (scenario.isEmpty() || scenario.length() > MAX_SCENARIO) {
            throw invalid("drill.scenario", "must say what is rehearsed, in at most " + MAX_SCENARIO + " characters", "drill.invalid.scenario", MAX_SCENARIO);
        }
        if (expect == null || Stream.of(FaultBoundary.values()).noneMatch(b -> b.label().equals(expect))) {
            throw invalid("drill.expect", "must be the boundary the correct diagnosis names (local-network, dns, tls, remote-service, "
                    + "proxy-configuration)", "drill.invalid.expect");
        }
        if (faultMinutes < 1 || faultMinutes > MAX_FAULT_MINUTES) {
            throw invalid("drill.faultMinutes", "must be between 1 and " + MAX_FAULT_MINUTES, "drill.invalid.faultMinutes", MAX_FAULT_MINUTES);
        }
        if (port < 1 || port > 65535) {
            throw invalid("drill.port", "must be a TCP port (1 to 65535)", "drill.invalid.port");
        }
        if (participants.size() > MAX_PARTICIPANTS) {
            throw invalid("drill.participants", "may name at most " + MAX_PARTICIPANTS + " people", "drill.invalid.participants", MAX_PARTICIPANTS);
        }
        if (fault == Fault.NONE) {
            if (!targets.isEmpty() || !agents.isEmpty()) {
                throw invalid("drill.fault", "must name the fault the agents inject on the targets", "drill.invalid.noFault");
            }
            return;
        }
        if ((fault == Fault.LATENCY || fault == Fault.LOSS) && targets.size() != 1) {
            throw invalid("drill.targets", "must name one target: latency and loss apply to the interface that leads to it",
                    "drill.invalid.oneTarget");
        }
        if (targets.isEmpty() || targets.size() > MAX_TARGETS) {
            throw invalid("drill.targets", "must name 1 to " + MAX_TARGETS + " host names, IPv4 addresses or networks", "drill.invalid.targets", MAX_TARGETS);
        }
        for (String target : targets) {
            if (!target.matches(TARGET) || fault == Fault.DNS && !target.matches("[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z][A-Za-z0-9.-]*")) {
                throw invalid("drill.targets", "'" + target + "' is not a host name, an IPv4 address or network (a DNS fault needs names)",
                        "drill.invalid.target", target);
            }
        }
        if (agents.isEmpty() || agents.size() > MAX_AGENTS) {
            throw invalid("drill.agents", "must name 1 to " + MAX_AGENTS + " agents (their host label) to inject the fault", "drill.invalid.agents", MAX_AGENTS);
        }
        for (String agent : agents) {
            if (!agent.matches(AGENT)) {
                throw invalid("drill.agents", "'" + agent + "' is not an agent's host label", "drill.invalid.agent", agent);
            }
        }
    }

    private static IncidentProblems.InvalidInput invalid(String field, String reason, String code, Object... args) {
        return new IncidentProblems.InvalidInput(field, reason, code, args);
    }

    private static List<String> strip(List<String> values) {
        return values == null ? List.of() : values.stream().filter(v -> v != null && !v.isBlank()).map(String::strip).distinct().toList();
    }

    /** The scenario in its column, as JSON; no drill is no value. */
    @Converter
    static class Column implements AttributeConverter<Drill, String> {

        private static final JsonMapper JSON = JsonMapper.builder().build();

        @Override
        public String convertToDatabaseColumn(Drill drill) {
            return drill == null ? null : JSON.writeValueAsString(drill);
        }

        @Override
        public Drill convertToEntityAttribute(String column) {
            return read(column);
        }

        static Drill read(String column) {
            return column == null ? null : JSON.readValue(column, Drill.class);
        }
    }
}
