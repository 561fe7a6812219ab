package dev.goldenfive.oncall;

import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.security.ApiTokens;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;

/** Schedules over the API: written by administrators, read by responders, and who is on call at a time. */
@GoldenfiveTest
class ScheduleApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    UserAccounts accounts;

    @Autowired
    ApiTokens tokens;

    @Test
    void anAdministratorWritesAScheduleAndAnyoneOnCallAsksWhoIsOnCallAtATimeForItAndForItsTeam() throws Exception {
        Api api = new Api(port);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String alice = person("alice-" + suffix);
        String bob = person("bob-" + suffix);
        String team = "platform-" + suffix;
        String key = "platform-" + suffix;

        var saved = api.put("/api/v1/schedules/" + key, GoldenfiveTest.ADMIN_TOKEN, """
                {"key":"%s","name":"Platform primary","team":"%s","timeZone":"Europe/Berlin",
                 "layers":[{"name":"primary","handoff":"2026-03-27T09:00:00","shift":"P1D","members":["%s","%s"]}],
                 "overrides":[{"user":"%s","from":"2026-03-30T12:00:00Z","to":"2026-03-30T14:00:00Z"}]}"""
                .formatted(key, team, alice, bob, bob));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);

        JsonNode sunday = json.readTree(api.get("/api/v1/schedules/" + key + "/oncall?at=2026-03-29T06:59:59Z", GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(sunday.get("user").asString()).isEqualTo(bob);
        assertThat(sunday.get("to").asString()).as("09:00 CEST, the day the clocks went forward").isEqualTo("2026-03-29T07:00:00Z");
        JsonNode covered = json.readTree(api.get("/api/v1/teams/" + team + "/oncall?at=2026-03-30T13:00:00Z", GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(covered).singleElement().satisfies(s -> {
            assertThat(s.get("user").asString()).isEqualTo(bob);
            assertThat(s.get("by").asString()).isEqualTo("override");
        });
        String responder = tokens.issuePersonal(accounts.findByUsername(alice).orElseThrow().id(), "reads schedules", null).token();
        assertThat(api.get("/api/v1/schedules/" + key, responder).statusCode()).as("a responder reads").isEqualTo(200);
        assertThat(api.put("/api/v1/schedules/" + key, responder, saved.body()).statusCode()).as("but does not write").isEqualTo(403);
        String url = json.readTree(api.post("/api/v1/me/calendar", responder, "application/json", "").body()).get("url").asString();
        String path = url.substring(url.indexOf("/calendar/"));
        var calendar = api.get(path, null);
        assertThat(calendar.statusCode()).as("a calendar fetches it without signing in").isEqualTo(200);
        assertThat(calendar.headers().firstValue("Content-Type").orElse("")).startsWith("text/calendar");
        assertThat(calendar.body()).startsWith("BEGIN:VCALENDAR\r\n").contains("BEGIN:VEVENT\r\n")
                .contains("SUMMARY:On call: Platform primary (primary)").as("09:00 in Berlin's winter").contains("T080000Z\r\n")
                .endsWith("END:VCALENDAR\r\n");
        api.post("/api/v1/me/calendar", responder, "application/json", "");
        assertThat(api.get(path, null).statusCode()).as("a new link retires the old").isEqualTo(404);
        var before = json.readTree(api.get("/api/v1/schedules/" + key + "/oncall?at=2026-01-01T00:00:00Z", GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(before.get("user").isNull()).as("nobody before the first hand-off").isTrue();
        assertThat(api.delete("/api/v1/schedules/" + key, GoldenfiveTest.ADMIN_TOKEN).statusCode()).isEqualTo(204);
        assertThat(api.get("/api/v1/schedules/" + key, GoldenfiveTest.ADMIN_TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void aScheduleThatIsNotSoundIsRefusedWithEveryWrongFieldNamed() throws Exception {
        var refused = new Api(port).put("/api/v1/schedules/broken", GoldenfiveTest.ADMIN_TOKEN, """
                {"key":"broken","name":"Broken","team":"ops","timeZone":"Mars/Olympus",
                 "layers":[{"name":"primary","handoff":"2026-03-27T09:00:00","shift":"P1D","members":["nobody-at-all"]}],
                 "overrides":[{"user":"nobody-at-all","from":"2026-03-30T14:00:00Z","to":"2026-03-30T12:00:00Z"}]}""");
        var badShift = new Api(port).put("/api/v1/schedules/broken", GoldenfiveTest.ADMIN_TOKEN, """
                {"key":"broken","name":"Broken","team":"ops","timeZone":"Europe/Berlin",
                 "layers":[{"name":"primary","handoff":"2026-03-27T09:00:00","shift":"every day","members":["admin"]}]}""");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("timeZone").contains("layers[0].members[0]").contains("overrides[0].user")
                .contains("overrides[0].to");
        assertThat(badShift.statusCode()).isEqualTo(400);
        assertThat(badShift.body()).contains("layers[0].shift").contains("must be days (P1D, P7D) or hours (PT12H)");
    }

    private String person(String username) {
        accounts.create(username, username, "correct horse battery staple " + username, Set.of(Role.RESPONDER));
        return username;
    }
}
