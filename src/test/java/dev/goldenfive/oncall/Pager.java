package dev.goldenfive.oncall;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.security.ApiTokens;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;

/** What paging tests do over the API: people with their notification rules, policies, incidents, and waiting. */
final class Pager {

    final Api api;
    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String admin;
    private final JsonMapper json;
    private final UserAccounts accounts;
    private final ApiTokens tokens;

    Pager(Api api, JsonMapper json, UserAccounts accounts, ApiTokens tokens) {
        this(api, GoldenfiveTest.ADMIN_TOKEN, json, accounts, tokens);
    }

    Pager(Api api, String adminToken, JsonMapper json, UserAccounts accounts, ApiTokens tokens) {
        this.api = api;
        this.admin = adminToken;
        this.json = json;
        this.accounts = accounts;
        this.tokens = tokens;
    }

    /** A responder named {@code name-<suffix>} whose notification rules are {@code rules} (JSON; null for none). */
    String person(String name, String rules) throws Exception {
        String username = name + "-" + suffix;
        long id = accounts.create(username, username, "correct horse battery staple " + username, Set.of(Role.RESPONDER)).id();
        if (rules != null) {
            String token = tokens.issuePersonal(id, "rules", null).token();
            var saved = api.put("/api/v1/me/notification-rules", token, rules);
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        }
        return username;
    }

    String email(String name) {
        return name + "-" + suffix + "@example.test";
    }

    /** An escalation policy for {@code service} with these levels (JSON array). */
    void policy(String key, String service, String levels) throws Exception {
        var saved = api.put("/api/v1/escalation-policies/" + key, admin, """
                {"key":"%s","name":"Policy %s","services":["%s"],"levels":%s}""".formatted(key, key, service, levels));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
    }

    String declare(String service, String severity) throws Exception {
        var declared = api.post("/api/v1/incidents", admin, "application/json",
                "{\"title\":\"modules do not download\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"" + severity + "\"}");
        assertThat(declared.statusCode()).as(declared.body()).isEqualTo(201);
        return json.readTree(declared.body()).get("key").asString();
    }

    List<JsonNode> timeline(String key, String kind) throws Exception {
        return json.readTree(api.get("/api/v1/incidents/" + key + "/timeline", admin).body()).valueStream()
                .filter(e -> e.get("kind").asString().equals(kind)).toList();
    }

    List<JsonNode> notifications(String query) throws Exception {
        return json.readTree(api.get("/api/v1/notifications?" + query, admin).body()).valueStream().toList();
    }

    JsonNode incident(String key) throws Exception {
        return json.readTree(api.get("/api/v1/incidents/" + key, admin).body());
    }

    /** The answer once it is not null, or null after {@code within}. */
    static <T> T await(Duration within, Answer<T> answer) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            T found = answer.get();
            if (found != null || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(100);
        }
    }

    interface Answer<T> {
        T get() throws Exception;
    }
}
