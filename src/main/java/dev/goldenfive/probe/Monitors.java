package dev.goldenfive.probe;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.incident.IncidentContext;
import dev.goldenfive.incident.Severity;
import dev.goldenfive.runbook.ProbeType;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;

/**
 * Monitors: a probe of a target that the standing agents of a service run on their own, every interval. With a
 * runbook a monitor is a detection rule too: {@code failAfter} consecutive failed results from at least
 * {@code minAgents} agents open an incident on that runbook, and recovery is recorded (and, if it says so,
 * resolves the incident). Administrators keep them; agents are sent them on their work stream.
 */
@Service
@Transactional
public class Monitors {

    /** The probes a monitor may run: the agent's, by the names its work uses. */
    public enum Probe { REFERENCE, DNS, ICMP, HTTP, GOPROXY, GOSUMDB;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The result type that says whether the probe passed: the end-to-end one where the probe gives several. */
        ProbeType resultType() {
            return switch (this) {
                case REFERENCE -> ProbeType.TCP;
                case DNS -> ProbeType.DNS;
                case ICMP -> ProbeType.ICMP;
                case HTTP -> ProbeType.HTTP;
                case GOPROXY -> ProbeType.GOPROXY;
                case GOSUMDB -> ProbeType.GOSUMDB;
            };
        }

        /** The path of the results that decide: the probe's own, not the same probe through HTTPS_PROXY. */
        String path() {
            return switch (this) {
                case REFERENCE -> "reference";
                case GOPROXY -> "proxy";
                default -> "direct";
            };
        }
    }

    /** A target: a URL of a host (a port, a plain path), or a host name, starting with a letter or digit. */
    private static final Pattern TARGET = Pattern.compile(IncidentContext.TARGET);
    private static final Pattern MODULE = Pattern.compile(IncidentContext.MODULE);

    static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}");
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}:[0-9]{1,5}");
    private static final String SELECT = "select * from monitor";

    private final JdbcClient jdbc;
    private final Runbooks runbooks;
    private final Clock clock;

    Monitors(JdbcClient jdbc, Runbooks runbooks, Clock clock) {
        this.jdbc = jdbc;
        this.runbooks = runbooks;
        this.clock = clock;
    }

    /**
     * A monitor as it is kept and given. {@code environment} null: the agents of any environment of the
     * service run it; {@code runbook} null: it only watches and opens no incident.
     */
    public record Monitor(String name, Probe probe, String target, String module, int intervalSeconds, String service,
            String environment, String runbook, Severity severity, int failAfter, int minAgents, boolean resolveOnRecovery,
            Instant createdAt, String createdBy, Instant updatedAt) {
    }

    /** What an administrator says of a monitor; absent numbers take their defaults. */
    public record Definition(String name, String probe, String target, String module, Integer intervalSeconds, String service,
            String environment, String runbook, Severity severity, Integer failAfter, Integer minAgents, Boolean resolveOnRecovery) {
    }

    @Transactional(readOnly = true)
    public List<Monitor> list() {
        return jdbc.sql(SELECT + " order by lower(name)").query(Monitors::row).list();
    }

    @Transactional(readOnly = true)
    public Optional<Monitor> find(String name) {
        return jdbc.sql(SELECT + " where lower(name) = lower(:name)").param("name", name).query(Monitors::row).optional();
    }

    public Monitor require(String name) {
        return find(name).orElseThrow(() -> new ProbeProblems.MonitorNotFound(name));
    }

    /** A new monitor; refused, each wrong field named, when the definition is not sound. */
    public Monitor create(Definition definition, String admin) {
        Monitor checked = check(definition, admin, now());
        try {
            jdbc.sql("""
                    insert into monitor (name, probe, target, module, interval_seconds, service, environment, runbook, severity,
                                         fail_after, min_agents, resolve_on_recovery, created_at, created_by, updated_at)
                    values (:name, :probe, :target, :module, :interval, :service, :environment, :runbook, :severity,
                            :failAfter, :minAgents, :resolve, :now, :by, :now)
                    """)
                    .paramSource(parameters(checked)).update();
        }
        catch (DuplicateKeyException taken) {
            throw new InvalidFields(List.of(new FieldProblem("name", "a monitor named '" + checked.name() + "' exists already")));
        }
        return require(checked.name());
    }

    /** The monitor named {@code name} as {@code definition} says now (its name stays). */
    public Monitor update(String name, Definition definition, String admin) {
        Monitor existing = require(name);
        Monitor checked = check(withName(definition, existing.name()), admin, existing.createdAt());
        jdbc.sql("""
                update monitor set probe = :probe, target = :target, module = :module, interval_seconds = :interval,
                    service = :service, environment = :environment, runbook = :runbook, severity = :severity,
                    fail_after = :failAfter, min_agents = :minAgents, resolve_on_recovery = :resolve, updated_at = :now
                where lower(name) = lower(:name)
                """)
                .paramSource(parameters(checked)).update();
        return require(name);
    }

    /** Agents stop running it; its results stay. */
    public Monitor delete(String name) {
        Monitor existing = require(name);
        jdbc.sql("delete from monitor where lower(name) = lower(:name)").param("name", name).update();
        return existing;
    }

    private Monitor check(Definition d, String admin, Instant createdAt) {
        List<FieldProblem> problems = new ArrayList<>();
        String name = strip(d.name());
        if (name == null || !name.matches(NAME)) {
            problems.add(new FieldProblem("name", "must be 1–100 letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        Probe probe = null;
        try {
            probe = d.probe() == null ? null : Probe.valueOf(d.probe().strip().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException unknown) {
            // said below
        }
        if (probe == null) {
            problems.add(new FieldProblem("probe", "must be one of reference, dns, icmp, http, goproxy, gosumdb"));
        }
        String target = strip(d.target());
        // an unknown probe is refused above; its target is judged as the widest kind, a URL or host
        String wrongTarget = target == null ? "must be given" : wrongTarget(probe == null ? Probe.HTTP : probe, target);
        if (wrongTarget != null) {
            problems.add(new FieldProblem("target", wrongTarget));
        }
        String module = strip(d.module());
        if (module != null && !MODULE.matcher(module).matches()) {
            problems.add(new FieldProblem("module", "must be a module path such as golang.org/x/text"));
        }
        int interval = d.intervalSeconds() == null ? 60 : d.intervalSeconds();
        if (interval < 5 || interval > 3600) {
            problems.add(new FieldProblem("intervalSeconds", "must be 5 to 3600 seconds"));
        }
        String service = strip(d.service());
        if (service == null || service.length() > 100) {
            problems.add(new FieldProblem("service", "must name the service whose agents run it (at most 100 characters)"));
        }
        String environment = strip(d.environment());
        if (environment != null && environment.length() > 50) {
            problems.add(new FieldProblem("environment", "must be at most 50 characters"));
        }
        String runbook = strip(d.runbook());
        if (runbook != null && runbooks.latest(runbook).isEmpty()) {
            problems.add(new FieldProblem("runbook", "'" + runbook + "' is not a runbook"));
        }
        int failAfter = d.failAfter() == null ? 2 : d.failAfter();
        if (failAfter < 1 || failAfter > 100) {
            problems.add(new FieldProblem("failAfter", "must be 1 to 100 consecutive results"));
        }
        int minAgents = d.minAgents() == null ? 1 : d.minAgents();
        if (minAgents < 1 || minAgents > 100) {
            problems.add(new FieldProblem("minAgents", "must be 1 to 100 agents"));
        }
        if (runbook != null && environment == null) {
            problems.add(new FieldProblem("environment", "must be named when the monitor opens incidents (an incident has one)"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidFields(problems);
        }
        return new Monitor(name, probe, target, module, interval, service, environment, runbook,
                d.severity() == null ? Severity.SEV2 : d.severity(), failAfter, minAgents, Boolean.TRUE.equals(d.resolveOnRecovery()),
                createdAt, admin, now());
    }

    /** Why {@code target} is no target of {@code probe}; null when it is one. */
    private static String wrongTarget(Probe probe, String target) {
        boolean url = TARGET.matcher(target).matches();
        return switch (probe) {
            case REFERENCE -> HOST_PORT.matcher(target).matches() ? null
                    : "must be a known-good address with its port, such as 1.1.1.1:443 or gateway.corp:53";
            case DNS, ICMP -> HOST.matcher(target).matches() ? null : "must be a host name or address, such as proxy.golang.org";
            case GOPROXY, GOSUMDB -> url && target.matches("https?://.*") ? null
                    : "must be the URL of a module proxy or checksum database, such as https://proxy.golang.org";
            case HTTP -> url ? null : "must be a URL of a host (https://proxy.golang.org, http://10.0.0.5:3000) or a host name";
        };
    }

    private static Definition withName(Definition d, String name) {
        return new Definition(name, d.probe(), d.target(), d.module(), d.intervalSeconds(), d.service(), d.environment(), d.runbook(),
                d.severity(), d.failAfter(), d.minAgents(), d.resolveOnRecovery());
    }

    private static MapSqlParameterSource parameters(Monitor m) {
        return new MapSqlParameterSource()
                .addValue("name", m.name()).addValue("probe", m.probe().label()).addValue("target", m.target())
                .addValue("module", m.module()).addValue("interval", m.intervalSeconds()).addValue("service", m.service())
                .addValue("environment", m.environment()).addValue("runbook", m.runbook()).addValue("severity", m.severity().name())
                .addValue("failAfter", m.failAfter()).addValue("minAgents", m.minAgents()).addValue("resolve", m.resolveOnRecovery())
                .addValue("now", Timestamp.from(m.updatedAt())).addValue("by", m.createdBy());
    }

    /** Every monitor with its id, for detection and the agents' work. */
    @Transactional(readOnly = true)
    List<Kept> all() {
        return jdbc.sql(SELECT + " order by id").query((rs, n) -> new Kept(rs.getLong("id"), row(rs, n))).list();
    }

    /** A monitor with its row id. */
    record Kept(long id, Monitor monitor) {
    }

    /** The monitor by id, its row locked until the transaction ends: one detection at a time per monitor, on any replica. */
    Optional<Kept> lock(long id) {
        // no key update: the results just stored hold a key share lock on the row (their foreign key)
        return jdbc.sql(SELECT + " where id = :id for no key update").param("id", id).query((rs, n) -> new Kept(rs.getLong("id"), row(rs, n)))
                .optional();
    }

    private static Monitor row(ResultSet rs, int n) throws SQLException {
        return new Monitor(rs.getString("name"), Probe.valueOf(rs.getString("probe").toUpperCase(Locale.ROOT)), rs.getString("target"),
                rs.getString("module"), rs.getInt("interval_seconds"), rs.getString("service"), rs.getString("environment"),
                rs.getString("runbook"), Severity.valueOf(rs.getString("severity")), rs.getInt("fail_after"), rs.getInt("min_agents"),
                rs.getBoolean("resolve_on_recovery"), rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"),
                rs.getTimestamp("updated_at").toInstant());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String strip(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
