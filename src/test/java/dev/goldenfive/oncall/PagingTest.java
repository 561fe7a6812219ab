package dev.goldenfive.oncall;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.security.ApiTokens;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;

/** A service's escalation policy pages who is on call the moment an incident opens, escalates, and stops when acknowledged. */
@GoldenfiveTest
class PagingTest {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    UserAccounts accounts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ApiTokens tokens;

    @Test
    void declaringPagesWhoIsOnCallAtOnceEscalatesWhenNobodyAcknowledgesAndAcknowledgingStopsIt() throws Exception {
        Api api = new Api(port);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String alice = person("alice-" + suffix);
        String bob = person("bob-" + suffix);
        String service = "paged-" + suffix;
        assertThat(api.put("/api/v1/schedules/pg-" + suffix, GoldenfiveTest.ADMIN_TOKEN, """
                {"key":"pg-%s","name":"Paging","team":"pg-%s","timeZone":"Europe/Berlin",
                 "layers":[{"name":"primary","handoff":"2026-01-01T00:00:00","shift":"P1D","members":["%s"]}]}"""
                .formatted(suffix, suffix, alice)).statusCode()).isEqualTo(200);
        var saved = api.put("/api/v1/escalation-policies/pg-" + suffix, GoldenfiveTest.ADMIN_TOKEN, """
                {"key":"pg-%s","name":"Paging %s","services":["%s"],"repeat":0,
                 "levels":[{"targets":[{"schedule":"pg-%s"}],"after":"PT2S"},{"targets":[{"user":"%s"}]}]}"""
                .formatted(suffix, suffix, service, suffix, bob));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);

        String key = json.readTree(api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"nobody answers\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}").body())
                .get("key").asString();

        assertThat(paged(api, key)).as("level 1, in the transaction that declared it").singleElement()
                .satisfies(p -> assertThat(p.get("details").get("people").toString()).contains(alice));
        List<JsonNode> escalated = await(() -> {
            List<JsonNode> pages = paged(api, key);
            return pages.size() >= 2 ? pages : null;
        });
        assertThat(escalated).as("escalated to level 2 after two seconds without an acknowledgement").isNotNull();
        assertThat(escalated.get(1).get("details").get("level").asInt()).isEqualTo(2);
        assertThat(escalated.get(1).get("details").get("people").toString()).contains(bob);
        Instant stageEnd = Instant.parse(json.readTree(api.get("/api/v1/incidents/" + key, GoldenfiveTest.ADMIN_TOKEN).body())
                .get("nextDeadlineAt").asString());
        assertThat(nextAt(key)).as("level 2 moves on when the connectivity window ends").isEqualTo(stageEnd);

        api.post("/api/v1/incidents/" + key + "/actions/acknowledge", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{}");
        assertThat(jdbc.sql("select done_at is not null from incident_paging p join incident i on i.id = p.incident_id"
                + " where 'INC-' || i.number = :key").param("key", key).query(Boolean.class).single()).as("acknowledging stops it").isTrue();
        assertThat(paged(api, key)).hasSize(2);
    }

    @Test
    void aTeamWithoutARotaPagesEveryEnabledMemberOfIt() throws Exception {
        Api api = new Api(port);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String team = "Storage-" + suffix;
        String carol = person("carol-" + suffix);
        String dan = person("dan-" + suffix);
        String erin = person("erin-" + suffix);
        accounts.changeTeams(accounts.findByUsername(carol).orElseThrow().id(), Set.of(team));
        accounts.changeTeams(accounts.findByUsername(dan).orElseThrow().id(), Set.of(team.toLowerCase()));
        long erinId = accounts.findByUsername(erin).orElseThrow().id();
        accounts.changeTeams(erinId, Set.of(team));
        accounts.setEnabled(erinId, false);
        String service = "teamed-" + suffix;
        assertThat(api.put("/api/v1/escalation-policies/tm-" + suffix, GoldenfiveTest.ADMIN_TOKEN, """
                {"key":"tm-%s","name":"Team %s","services":["%s"],"levels":[{"targets":[{"team":"%s"}]}]}"""
                .formatted(suffix, suffix, service, team)).statusCode()).isEqualTo(200);

        String key = json.readTree(api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"disk full\",\"service\":\"" + service + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}").body())
                .get("key").asString();

        assertThat(paged(api, key)).singleElement().satisfies(p -> assertThat(p.get("details").get("people").toString())
                .contains(carol, dan).doesNotContain(erin));
    }

    @Test
    void aPolicyIsRefusedWhenATargetNamesNothingOrSomeoneUnknownOrItsServiceIsPagedByAnother() throws Exception {
        Api api = new Api(port);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        var refused = api.put("/api/v1/escalation-policies/bad-" + suffix, GoldenfiveTest.ADMIN_TOKEN, """
                {"key":"bad-%s","name":"Bad","services":["bad-%s"],"repeat":9,
                 "levels":[{"targets":[{"user":"admin","schedule":"x"},{"user":"nobody-%s"}],"after":"soon"}]}""".formatted(suffix, suffix, suffix));
        var first = api.put("/api/v1/escalation-policies/one-" + suffix, GoldenfiveTest.ADMIN_TOKEN, """
                {"key":"one-%s","name":"One","services":["shared-%s"],"levels":[{"targets":[{"user":"admin"}]}]}""".formatted(suffix, suffix));
        var second = api.put("/api/v1/escalation-policies/two-" + suffix, GoldenfiveTest.ADMIN_TOKEN, """
                {"key":"two-%s","name":"Two","services":["shared-%s"],"levels":[{"targets":[{"user":"admin"}]}]}""".formatted(suffix, suffix));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("repeat").contains("levels[0].after");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(second.body()).contains("is paged by the policy 'one-" + suffix + "' already");
        var unknown = api.put("/api/v1/escalation-policies/bad-" + suffix, GoldenfiveTest.ADMIN_TOKEN, """
                {"key":"bad-%s","name":"Bad","services":["bad-%s"],
                 "levels":[{"targets":[{"user":"admin","schedule":"x"},{"user":"nobody-%s"}]}]}""".formatted(suffix, suffix, suffix));
        assertThat(unknown.body()).contains("levels[0].targets[0]").contains("must name one of schedule, user or team")
                .contains("levels[0].targets[1].user");
    }

    private List<JsonNode> paged(Api api, String key) throws Exception {
        return json.readTree(api.get("/api/v1/incidents/" + key + "/timeline", GoldenfiveTest.ADMIN_TOKEN).body()).valueStream()
                .filter(e -> e.get("kind").asString().equals("paged")).toList();
    }

    private Instant nextAt(String key) {
        return jdbc.sql("select next_at from incident_paging p join incident i on i.id = p.incident_id where 'INC-' || i.number = :key")
                .param("key", key).query(java.sql.Timestamp.class).single().toInstant();
    }

    /** A responder reached by mail (one no channel reaches would be escalated past at once). */
    private String person(String username) throws Exception {
        long id = accounts.create(username, username, "correct horse battery staple " + username, Set.of(Role.RESPONDER)).id();
        new Api(port).put("/api/v1/me/notification-rules", tokens.issuePersonal(id, "rules", null).token(),
                "{\"channels\":[{\"kind\":\"email\",\"to\":\"" + username + "@example.test\"}]}");
        return username;
    }

    private static <T> T await(Answer<T> answer) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            T found = answer.get();
            if (found != null) {
                return found;
            }
            Thread.sleep(200);
        }
        return null;
    }

    private interface Answer<T> {
        T get() throws Exception;
    }
}
