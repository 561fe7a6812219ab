package dev.goldenfive.alert;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;

/** The routing rules of inbound alerts: read by every alert, replaced whole by administrators. */
@Service
public class AlertRoutes {

    static final int MAX_ROUTES = 200;
    private static final TypeReference<List<AlertRoute>> LIST = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Validator validator;
    private final Runbooks runbooks;
    private final Clock clock;

    AlertRoutes(JdbcClient jdbc, JsonMapper json, Validator validator, Runbooks runbooks, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.validator = validator;
        this.runbooks = runbooks;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<AlertRoute> list() {
        return jdbc.sql("select routes from alert_routes where id = 1").query(String.class).optional()
                .map(text -> json.readValue(text, LIST)).orElse(List.of());
    }

    /** The first rule that matches, or the defaults. */
    @Transactional(readOnly = true)
    public AlertRoute.Routing route(Map<String, String> labels) {
        return list().stream().filter(r -> r.matches(labels)).findFirst()
                .map(r -> r.route(labels)).orElseGet(() -> AlertRoute.defaults(labels));
    }

    /** Replaces every rule; each problem is named by its field ({@code [2].runbook}). */
    @Transactional
    public List<AlertRoute> replace(List<AlertRoute> routes, String by) {
        List<FieldProblem> problems = new ArrayList<>();
        // each runbook asked for once, however many rules name it
        Map<String, Boolean> known = new HashMap<>();
        if (routes.size() > MAX_ROUTES) {
            problems.add(FieldProblem.coded("(routes)", "at most " + MAX_ROUTES + " rules", "routes.problem.many", MAX_ROUTES));
        }
        for (int i = 0; i < routes.size(); i++) {
            AlertRoute route = routes.get(i);
            String prefix = "[" + i + "].";
            if (route == null) {
                problems.add(FieldProblem.coded("[" + i + "]", "must be a rule, not null", "routes.problem.null"));
                continue;
            }
            problems.addAll(FieldProblem.of(validator.validate(route), prefix));
            if (route.runbook() != null && !known.computeIfAbsent(route.runbook(), name -> runbooks.latest(name).isPresent())) {
                problems.add(FieldProblem.coded(prefix + "runbook", "'" + route.runbook() + "' is not a runbook", "routes.problem.runbook", route.runbook()));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFields(problems);
        }
        jdbc.sql("""
                insert into alert_routes (id, routes, updated_at, updated_by) values (1, cast(:routes as jsonb), :now, :by)
                on conflict (id) do update set routes = excluded.routes, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """)
                .param("routes", json.writeValueAsString(routes))
                .param("now", Timestamp.from(clock.instant()))
                .param("by", by)
                .update();
        return List.copyOf(routes);
    }

    /** Rules from a YAML or JSON document ({@code routes:} with a list, or the list itself). */
    List<AlertRoute> parse(String document, tools.jackson.databind.ObjectMapper reader) {
        try {
            var tree = reader.readTree(document);
            var list = tree != null && tree.isObject() && tree.has("routes") ? tree.get("routes") : tree;
            if (list == null || list.isNull() || list.isMissingNode()) {
                return List.of();
            }
            return reader.readerFor(LIST).readValue(list);
        }
        catch (JacksonException ex) {
            throw new InvalidFields(List.of(ex.getPath().isEmpty()
                    ? FieldProblem.syntax(ex, reader instanceof tools.jackson.dataformat.yaml.YAMLMapper ? "YAML" : "JSON")
                    : FieldProblem.of(ex)));
        }
    }
}
