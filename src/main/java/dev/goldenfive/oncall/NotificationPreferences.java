package dev.goldenfive.oncall;

import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;
import dev.goldenfive.web.OutboundAddresses;

/** Each person's notification rules, kept as a document; their secrets are never read back out. */
@Service
@Transactional
public class NotificationPreferences {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final OutboundAddresses outbound;
    private final Clock clock;

    NotificationPreferences(JdbcClient jdbc, JsonMapper json, OutboundAddresses outbound, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.outbound = outbound;
        this.clock = clock;
    }

    /** The rules as stored, secrets included: for sending only. */
    @Transactional(readOnly = true)
    Optional<NotificationRules> find(String username) {
        return jdbc.sql("select document from notification_rules where username = :user").param("user", username)
                .query((rs, n) -> json.readValue(rs.getString(1), NotificationRules.class)).optional();
    }

    /** The person's rules to show, each stored secret replaced by {@link NotificationRules#KEPT_SECRET}; none → email nowhere, browser on. */
    @Transactional(readOnly = true)
    public NotificationRules of(String username) {
        NotificationRules rules = find(username).orElse(NotificationRules.NONE);
        return new NotificationRules(rules.channels().stream()
                .map(c -> new NotificationRules.Channel(c.kind(), c.to(), c.secret() == null ? null : NotificationRules.KEPT_SECRET, c.after()))
                .toList(), rules.quiet(), rules.browser());
    }

    /**
     * Stores the person's rules; refused, each wrong field named, when an address is not one, a URL is not an http(s)
     * URL goldenfive may send to, or the quiet hours' zone is unknown. A secret given as {@link NotificationRules#KEPT_SECRET}
     * keeps the one stored for the same channel.
     */
    public NotificationRules save(String username, NotificationRules rules) {
        NotificationRules stored = find(username).orElse(NotificationRules.NONE);
        List<FieldProblem> problems = new ArrayList<>();
        List<NotificationRules.Channel> channels = new ArrayList<>();
        for (int i = 0; i < rules.channels().size(); i++) {
            NotificationRules.Channel channel = rules.channels().get(i);
            String field = "channels[" + i + "]";
            String to = channel.to().strip();
            problemWith(channel.kind(), to).ifPresent(why -> problems.add(new FieldProblem(field + ".to", why)));
            String secret = channel.secret() == null || channel.secret().isBlank() ? null : channel.secret().strip();
            if (NotificationRules.KEPT_SECRET.equals(secret)) {
                secret = stored.channels().stream().filter(c -> c.kind() == channel.kind() && c.to().equals(to))
                        .map(NotificationRules.Channel::secret).filter(s -> s != null).findFirst().orElse(null);
                if (secret == null) {
                    problems.add(new FieldProblem(field + ".secret", "no secret is stored for this channel: give it"));
                }
            }
            if (secret != null && channel.kind() != NotificationRules.Kind.DINGTALK && channel.kind() != NotificationRules.Kind.FEISHU) {
                problems.add(new FieldProblem(field + ".secret", "only DingTalk and Feishu robots sign their messages"));
            }
            channels.add(new NotificationRules.Channel(channel.kind(), to, secret, channel.after()));
        }
        if (rules.quiet() != null && !rules.quiet().zoneKnown()) {
            problems.add(new FieldProblem("quiet.timeZone", "'" + rules.quiet().timeZone() + "' is not a time zone (an IANA name such as Europe/Berlin)"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidFields(problems);
        }
        NotificationRules saved = new NotificationRules(channels, rules.quiet(), rules.browser());
        jdbc.sql("""
                insert into notification_rules (username, document, updated_at) values (:user, cast(:document as jsonb), :now)
                on conflict (username) do update set document = excluded.document, updated_at = excluded.updated_at
                """)
                .param("user", username).param("document", json.writeValueAsString(saved)).param("now", Timestamp.from(clock.instant()))
                .update();
        return of(username);
    }

    private Optional<String> problemWith(NotificationRules.Kind kind, String to) {
        if (kind == NotificationRules.Kind.EMAIL) {
            try {
                InternetAddress address = new InternetAddress(to, true);
                return address.getAddress().contains("@") && address.getPersonal() == null ? Optional.empty()
                        : Optional.of("must be an email address such as alice@example.com");
            }
            catch (AddressException ex) {
                return Optional.of("is not an email address: " + ex.getMessage());
            }
        }
        try {
            URI uri = new URI(to);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                return Optional.of("must be the http(s) URL of the " + kind.label() + " incoming webhook");
            }
            outbound.checkLiteral(uri);
            return Optional.empty();
        }
        catch (URISyntaxException ex) {
            return Optional.of("is not a URL: " + ex.getReason());
        }
        catch (OutboundAddresses.Refused ex) {
            return Optional.of("is " + ex.getMessage());
        }
    }
}
