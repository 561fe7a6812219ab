package dev.goldenfive.probe;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.goldenfive.incident.IncidentChanged;
import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.IncidentStatus;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.runbook.ProbeType;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.runbook.Via;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.timeline.Timeline;
import dev.goldenfive.web.Worker;

/**
 * Work for standing agents. An agent keeps one stream open ({@code GET /api/v1/probes/work}) and is sent, for
 * every open incident whose service and environment are the agent's, the probes of the current stage's checks
 * with their targets: when it connects, when the incident enters a stage, and when a responder asks for the
 * probes again. It is also sent the monitors it runs on its own, again whenever they change. A replica serves the agents connected to it and hears of changes made on every replica
 * ({@link IncidentChanged}), so an agent may connect to any replica.
 * <p>
 * Work is data, never a command: probe names from a fixed list, a target that is a URL of a host, a module
 * path. The agent checks each again before it probes.
 */
@Component
class AgentWork implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AgentWork.class);
    /** A stream ends after this long; the agent connects again (and is sent what is due at once). */
    static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);
    static final Duration HEARTBEAT = Duration.ofSeconds(20);
    static final Duration MONITOR_REFRESH = Duration.ofSeconds(5);
    /** Agents one replica serves at most. */
    static final int MAX_STREAMS = 1000;

    private final Incidents incidents;
    private final Runbooks runbooks;
    private final Timeline timeline;
    private final IncidentCommands commands;
    private final Set<Stream> streams = new CopyOnWriteArraySet<>();
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Monitors monitors;
    private final Worker heartbeat = Worker.every(HEARTBEAT, "agent-work-heartbeat", "keeping agents' streams open", log,
            this::heartbeat);
    private final Worker monitorRefresh = Worker.every(MONITOR_REFRESH, "agent-monitors", "sending agents their monitors", log,
            this::refreshMonitors);

    AgentWork(Incidents incidents, IncidentCommands commands, Runbooks runbooks, Timeline timeline, Monitors monitors) {
        this.monitors = monitors;
        this.commands = commands;
        this.incidents = incidents;
        this.runbooks = runbooks;
        this.timeline = timeline;
    }

    /**
     * What one agent is asked to probe for one incident. {@code round} counts the times a responder asked for
     * the probes again; a stage and a round make a piece of work the agent is sent once.
     */
    record Work(String incident, String stage, int round, Set<String> probes, int timeoutSeconds, Map<String, String> context) {

        String generation() {
            return stage + "/" + round;
        }

        /** As the agent reads it: a {@code work} event of one {@code data: name=value} line each, which the agent checks again. */
        SseEmitter.SseEventBuilder event() {
            List<String> lines = new ArrayList<>(List.of("incident=" + incident, "stage=" + stage, "round=" + round,
                    "timeout=" + timeoutSeconds, "probes=" + String.join(" ", probes)));
            context.forEach((name, value) -> lines.add(name + "=" + value));
            SseEmitter.SseEventBuilder event = SseEmitter.event().name("work").id(incident + "/" + generation());
            lines.forEach(event::data);
            return event;
        }
    }

    /**
     * An agent's stream: the work it was sent, by incident, the monitors it runs, and (an agent started with the fault
     * flag, {@code host} its label) the drills' faults it holds.
     */
    private record Stream(SseEmitter emitter, String service, String environment, String host, Map<String, String> sent,
            AtomicReference<List<String>> monitors, AtomicReference<List<String>> faults, ReentrantLock lock) {

        /** As results are attached to incidents: service and environment in any case. */
        boolean serves(IncidentRef incident) {
            return service.equalsIgnoreCase(incident.service()) && (environment == null || environment.equalsIgnoreCase(incident.environment()));
        }

        /** A monitor of this agent's service, for its environment or any. */
        boolean runs(Monitors.Monitor monitor) {
            return service.equalsIgnoreCase(monitor.service())
                    && (monitor.environment() == null || monitor.environment().equalsIgnoreCase(environment));
        }
    }

    /**
     * A stream for an agent of {@code service} (and {@code environment}, when given): what is due is sent at once. An
     * agent that may inject drills' faults names its {@code host}; others are never sent a fault.
     */
    SseEmitter open(String service, String environment, String faultsForHost) {
        if (streams.size() >= MAX_STREAMS) {
            throw new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, ProblemDetail.forStatusAndDetail(
                    HttpStatus.SERVICE_UNAVAILABLE, "This replica serves " + MAX_STREAMS + " agents already."), null);
        }
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        Stream stream = new Stream(emitter, service, environment, faultsForHost, new ConcurrentHashMap<>(), new AtomicReference<>(),
                new AtomicReference<>(), new ReentrantLock());
        streams.add(stream);
        Runnable remove = () -> streams.remove(stream);
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(error -> remove.run());
        write(stream, SseEmitter.event().name("ready").data("service=" + service).data("environment=" + (environment == null ? "" : environment)));
        senders.execute(() -> {
            sendMonitors(List.of(stream), monitors.list());
            List<IncidentRef> open = incidents.open();
            sendFaults(List.of(stream), open);
            sendDue(List.of(stream), open);
        });
        return emitter;
    }

    /**
     * A responder asks the agents to run the current stage's probes again: recorded in the timeline, which
     * tells every replica, each of which sends the new round to its agents.
     */
    @Transactional
    int requestAgain(String key, Actor by) {
        IncidentRef incident = incidents.require(key);
        if (incident.status() != IncidentStatus.OPEN) {
            throw new ProbeProblems.NotOpen(key);
        }
        commands.record(incident, new Fact.ProbesRequested(incident.stage()), "Asked the agents to probe again", by);
        return round(incident);
    }

    @EventListener
    void on(IncidentChanged change) {
        if (streams.isEmpty()) {
            return;
        }
        List<IncidentRef> changed = change.key() == null ? incidents.open() : incidents.ref(change.key()).stream().toList();
        senders.execute(() -> {
            if (changed.stream().anyMatch(IncidentRef::isDrill)) {
                sendFaults(List.copyOf(streams), incidents.open());
            }
            sendDue(List.copyOf(streams), changed);
        });
    }

    /** Sends each stream the work of {@code candidates} it serves and has not been sent yet. */
    private void sendDue(List<Stream> to, List<IncidentRef> candidates) {
        Map<String, Work> work = new HashMap<>();
        for (IncidentRef incident : candidates) {
            if (incident.status() != IncidentStatus.OPEN || to.stream().noneMatch(s -> s.serves(incident))) {
                continue;
            }
            Work due = work.computeIfAbsent(incident.key().toString(), k -> work(incident));
            if (due.probes().isEmpty()) {
                continue;
            }
            for (Stream stream : to) {
                if (stream.serves(incident)) {
                    // what was sent and the sending go together: a stale round never overtakes a newer one unseen
                    stream.lock().lock();
                    try {
                        if (!due.generation().equals(stream.sent().put(due.incident(), due.generation()))) {
                            write(stream, due.event());
                        }
                    }
                    finally {
                        stream.lock().unlock();
                    }
                }
            }
        }
    }

    private Work work(IncidentRef incident) {
        Runbook runbook = runbooks.require(incident.runbookVersionId());
        List<Runbook.Check> own = runbook.findStage(incident.stage()).map(Runbook.Stage::checks).orElse(List.of());
        int round = round(incident);
        // the stage's own limits set the pace: a probe asked for the diagnosis waits no longer than the stage's do
        return new Work(incident.key().toString(), incident.stage(), round, probes(asked(runbook, incident.stage())), timeout(own),
                context(incident.context()));
    }

    /** How many times a responder asked for the probes again. */
    private int round(IncidentRef incident) {
        return (int) timeline.count(incident.id(), Fact.ProbesRequested.class);
    }

    /**
     * The checks whose probes an agent runs in {@code stage}: the stage's own, and every check a diagnosis rule
     * looks at, so that the diagnosis can be made from the first minute on, whichever stage the check is shown in.
     */
    static List<Runbook.Check> asked(Runbook runbook, String stage) {
        Set<String> diagnosed = new TreeSet<>();
        runbook.diagnosis().forEach(rule -> {
            diagnosed.addAll(rule.failed());
            diagnosed.addAll(rule.passed());
            diagnosed.addAll(rule.unmeasured());
        });
        List<Runbook.Check> checks = new ArrayList<>();
        for (Runbook.Stage s : runbook.stages()) {
            // a metric is asked by goldenfive itself, never by an agent
            s.checks().stream().filter(c -> c.probe() != ProbeType.METRIC && (s.key().equals(stage) || diagnosed.contains(c.key())))
                    .forEach(checks::add);
        }
        return checks;
    }

    /** The agent's probe for each check: the names the agent knows. */
    static Set<String> probes(List<Runbook.Check> checks) {
        Set<String> probes = new TreeSet<>();
        for (Runbook.Check check : checks) {
            probes.add(switch (check.probe()) {
                case TCP -> check.via() == Via.REFERENCE ? "reference" : "tcp";
                case GOPROXY -> check.via() == Via.MIRROR ? "mirror" : "goproxy";
                case COMMAND -> "build";
                default -> check.probe().label();
            });
        }
        return probes;
    }

    /** Long enough for the slowest check's limit, within [2 s, 120 s]; 10 s when no check sets one. */
    static int timeout(List<Runbook.Check> checks) {
        int longest = checks.stream().map(c -> c.pass().maxDurationMs()).filter(ms -> ms != null).mapToInt(Integer::intValue).max()
                .orElse(10_000);
        return Math.clamp((longest + 999) / 1000, 2, 120);
    }

    /** What the incident says of the target, the module and private paths (their shapes checked when it was declared). */
    private static Map<String, String> context(Map<String, String> context) {
        Map<String, String> sent = new TreeMap<>();
        for (String[] name : new String[][] {{"goproxy", "target"}, {"module", "module"}, {"goprivate", "private"}}) {
            if (context.containsKey(name[0])) {
                sent.put(name[1], context.get(name[0]));
            }
        }
        return sent;
    }

    private void heartbeat() {
        streams.forEach(stream -> senders.execute(() -> write(stream, SseEmitter.event().comment("heartbeat"))));
    }

    /**
     * Monitors changed on any replica are sent within {@link #MONITOR_REFRESH}: each agent gets its set when it changed;
     * so are the drills' faults, should a change have been missed.
     */
    private void refreshMonitors() {
        if (!streams.isEmpty()) {
            sendMonitors(List.copyOf(streams), monitors.list());
            if (streams.stream().anyMatch(s -> s.host() != null)) {
                sendFaults(List.copyOf(streams), incidents.open());
            }
        }
    }

    /**
     * A {@code faults} event for each agent that may inject them: every fault of an open drill of its service that names
     * it, one {@code data: fault=incident fault port until target…} line each ({@code until} in seconds since the epoch;
     * none: it holds none). The agent injects what is new and removes what is no longer listed.
     */
    private void sendFaults(List<Stream> to, List<IncidentRef> open) {
        for (Stream stream : to) {
            if (stream.host() == null) {
                continue;
            }
            List<String> lines = open.stream()
                    .filter(i -> i.status() == IncidentStatus.OPEN && i.isDrill() && stream.serves(i) && i.drill().injectedBy(stream.host()))
                    .map(i -> "fault=" + i.key() + " " + i.drill().fault().label() + " " + i.drill().port() + " "
                            + i.startedAt().plus(Duration.ofMinutes(i.drill().faultMinutes())).getEpochSecond() + " "
                            + String.join(" ", i.drill().targets()))
                    .toList();
            sendSet(stream, "faults", stream.faults(), lines);
        }
    }

    /**
     * A {@code monitors} event: every monitor the agent runs, one {@code data: monitor=name probe interval target [module]}
     * line each (none: it runs none). The agent replaces what it ran with these.
     */
    private void sendMonitors(List<Stream> to, List<Monitors.Monitor> all) {
        for (Stream stream : to) {
            List<String> lines = all.stream().filter(stream::runs)
                    .map(m -> "monitor=" + m.name() + " " + m.probe().label() + " " + m.intervalSeconds() + " " + m.target()
                            + (m.module() == null ? "" : " " + m.module()))
                    .toList();
            sendSet(stream, "monitors", stream.monitors(), lines);
        }
    }

    /**
     * A set the agent replaces whole with each event named {@code name} (its monitors, its faults): sent when it differs
     * from what the stream was last sent ({@code sent}), one {@code data} line each (an empty one: none).
     */
    private void sendSet(Stream stream, String name, AtomicReference<List<String>> sent, List<String> lines) {
        stream.lock().lock();
        try {
            if (!lines.equals(sent.getAndSet(lines))) {
                SseEmitter.SseEventBuilder event = SseEmitter.event().name(name);
                lines.forEach(event::data);
                write(stream, lines.isEmpty() ? event.data("") : event);
            }
        }
        finally {
            stream.lock().unlock();
        }
    }

    /** One write at a time per stream; an agent that went away simply has no stream any more. */
    private void write(Stream stream, SseEmitter.SseEventBuilder event) {
        stream.lock().lock();
        try {
            stream.emitter().send(event);
        }
        catch (IOException | IllegalStateException gone) {
            streams.remove(stream);
            stream.emitter().complete();
        }
        finally {
            stream.lock().unlock();
        }
    }

    @Override
    public void start() {
        heartbeat.start();
        monitorRefresh.start();
    }

    @Override
    public void stop() {
        heartbeat.stop();
        monitorRefresh.stop();
        streams.forEach(stream -> stream.emitter().complete());
    }

    @Override
    public boolean isRunning() {
        return heartbeat.running();
    }
}
