package dev.goldenfive.incident;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.SignedIn;
import dev.goldenfive.security.ApiTokens;
import dev.goldenfive.security.Role;
import dev.goldenfive.security.StreamAccess;
import dev.goldenfive.security.TokenKind;
import dev.goldenfive.security.TokenPrincipal;
import dev.goldenfive.security.UserAccounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** An event stream lasts only as long as its reader's access: the test profile checks it every second. */
@GoldenfiveTest
@ExtendWith(OutputCaptureExtension.class)
class StreamAccessTest {

    /** Two heartbeats and then some. */
    private static final Duration ENDS_WITHIN = Duration.ofSeconds(4);

    @LocalServerPort
    int port;

    @Autowired
    UserAccounts accounts;

    @Autowired
    ApiTokens tokens;

    @Autowired
    JsonMapper json;

    @Autowired
    MockMvc mvc;

    @Autowired
    StreamAccess streamAccess;

    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Stream> opened = new ArrayList<>();
    private Api api;
    private String key;

    @BeforeEach
    void declareAnIncident() throws Exception {
        api = new Api(port);
        var declared = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"Streams\",\"service\":\"build\",\"environment\":\"prod\",\"severity\":\"SEV3\"}");
        assertThat(declared.statusCode()).as(declared.body()).isEqualTo(201);
        key = json.readTree(declared.body()).get("key").asString();
    }

    @Test
    void anApiStreamEndsWhenItsTokenIsRevoked() throws Exception {
        var person = responder();
        var stream = open("/api/v1/incidents/" + key + "/events", "Authorization", "Bearer " + person.token());
        assertThat(stream.nextEvent()).isEqualTo("ready");

        tokens.revoke(person.tokenId());

        assertThat(stream.endsWithin(ENDS_WITHIN)).containsSubsequence("event:ended");
    }

    @Test
    void anApiStreamEndsWhenItsTokenExpires() throws Exception {
        var person = responder();
        var stream = open("/api/v1/incidents/" + key + "/events", "Authorization", "Bearer " + person.token());
        assertThat(stream.nextEvent()).isEqualTo("ready");

        jdbc.sql("update api_token set expires_at = now() - interval '1 second' where id = :id").param("id", person.tokenId()).update();

        assertThat(stream.endsWithin(ENDS_WITHIN)).containsSubsequence("event:ended");
    }

    @Test
    void anApiStreamEndsWhenItsOwnerIsDisabled() throws Exception {
        var person = responder();
        var stream = open("/api/v1/incidents/" + key + "/events", "Authorization", "Bearer " + person.token());
        assertThat(stream.nextEvent()).isEqualTo("ready");

        accounts.setEnabled(person.userId(), false);

        assertThat(stream.endsWithin(ENDS_WITHIN)).containsSubsequence("event:ended");
    }

    @Test
    void aStreamOfAPersonWhoKeepsAccessGoesOnAndHearsOfChanges() throws Exception {
        var person = responder();
        var stream = open("/api/v1/incidents/" + key + "/events", "Authorization", "Bearer " + person.token());
        assertThat(stream.nextEvent()).isEqualTo("ready");
        Thread.sleep(2500);

        api.post("/api/v1/incidents/" + key + "/notes", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"text\":\"still here\"}");

        assertThat(stream.nextEvent()).isEqualTo("changed");
        stream.close();
    }

    @Test
    void aBrowsersStreamEndsWhenItsSessionIsSignedOut() throws Exception {
        Cookie session = SignedIn.as(Role.RESPONDER, mvc, accounts);
        var stream = open("/incidents/" + key + "/events", "Cookie", "SESSION=" + session.getValue());
        assertThat(stream.nextEvent()).isEqualTo("ready");

        mvc.perform(post("/logout").cookie(session).with(csrf()));

        assertThat(stream.endsWithin(ENDS_WITHIN)).containsSubsequence("event:ended");
    }

    @Test
    void aBrowsersDashboardStreamEndsWhenThePersonIsDisabled() throws Exception {
        String name = "d" + UUID.randomUUID().toString().substring(0, 8);
        long id = accounts.create(name, null, "violet kettle harbour 42", EnumSet.of(Role.MANAGER)).id();
        Cookie session = mvc.perform(post("/login").param("username", name).param("password", "violet kettle harbour 42")
                .with(csrf()).with(r -> { r.setRemoteAddr("10.9.0.1"); return r; })).andReturn().getResponse().getCookie("SESSION");
        var stream = open("/events", "Cookie", "SESSION=" + session.getValue());
        assertThat(stream.nextEvent()).isEqualTo("ready");

        accounts.setEnabled(id, false);

        assertThat(stream.endsWithin(ENDS_WITHIN)).containsSubsequence("event:ended");
    }

    @Test
    void accessEndsWhenTheReaderLosesTheRoleThePathNeeds() {
        var admin = accounts.create("a" + UUID.randomUUID().toString().substring(0, 8), null, "violet kettle harbour 42",
                EnumSet.of(Role.ADMIN, Role.RESPONDER));
        var issued = tokens.issuePersonal(admin.id(), "admin stream", null);
        var caller = new TokenPrincipal(issued.details().id(), TokenKind.PERSONAL, "admin stream", admin.id(), admin.username());
        SecurityContextHolder.getContext().setAuthentication(
                UsernamePasswordAuthenticationToken.authenticated(caller, null, AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        try {
            BooleanSupplier allowed = streamAccess.whileAllowed(new MockHttpServletRequest("GET", "/api/v1/agents"));
            assertThat(allowed.getAsBoolean()).isTrue();

            accounts.changeRoles(admin.id(), EnumSet.of(Role.RESPONDER));

            assertThat(allowed.getAsBoolean()).as("an administrators' path, read by a responder now").isFalse();
        }
        finally {
            SecurityContextHolder.clearContext();
        }
    }

    @Test
    void streamsThatTheirClientsClosedEndWithoutErrorsInTheLog(CapturedOutput output) throws Exception {
        List<Stream> streams = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            streams.add(open("/api/v1/incidents/" + key + "/events", "Authorization", "Bearer " + GoldenfiveTest.ADMIN_TOKEN));
        }
        for (Stream stream : streams) {
            assertThat(stream.nextEvent()).isEqualTo("ready");
            stream.close();
        }
        int before = output.getOut().length();

        for (int i = 0; i < 3; i++) {
            api.post("/api/v1/incidents/" + key + "/notes", GoldenfiveTest.ADMIN_TOKEN, "application/json", "{\"text\":\"gone?\"}");
            Thread.sleep(1200);
        }

        String logged = output.getOut().substring(before);
        assertThat(logged).doesNotContain(" ERROR ").doesNotContain("Exception");
    }

    private record Person(long userId, long tokenId, String token) {
    }

    private Person responder() {
        var user = accounts.create("s" + UUID.randomUUID().toString().substring(0, 8), null, "violet kettle harbour 42",
                EnumSet.of(Role.RESPONDER));
        var issued = tokens.issuePersonal(user.id(), "stream", null);
        return new Person(user.id(), issued.details().id(), issued.token());
    }

    private Stream open(String path, String header, String value) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        AtomicReference<java.util.stream.Stream<String>> body = new AtomicReference<>();
        CompletableFuture<Void> done = http.sendAsync(HttpRequest.newBuilder(api.uri(path)).header(header, value).build(),
                        HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> {
                    body.set(response.body());
                    response.body().forEach(lines::add);
                });
        Stream stream = new Stream(lines, done, body);
        opened.add(stream);
        return stream;
    }

    @AfterEach
    void closeStreams() {
        opened.forEach(Stream::close);
    }

    /** An open event stream read line by line. */
    private record Stream(BlockingQueue<String> lines, CompletableFuture<Void> done,
            AtomicReference<java.util.stream.Stream<String>> body) {

        String nextEvent() throws InterruptedException {
            Instant until = Instant.now().plusSeconds(3);
            while (Instant.now().isBefore(until)) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith("event:")) {
                    return line.substring("event:".length());
                }
            }
            return null;
        }

        /** Every line until the server ended the stream; fails if it is still open after {@code within}. */
        List<String> endsWithin(Duration within) throws Exception {
            done.get(within.toMillis(), TimeUnit.MILLISECONDS);
            List<String> rest = new ArrayList<>();
            lines.drainTo(rest);
            return rest;
        }

        /** As a client that goes away: the connection is closed. */
        void close() {
            var lines = body.get();
            if (lines != null) {
                lines.close();
            }
        }
    }
}
