package dev.goldenfive.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.TextEncryptor;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;

import dev.goldenfive.web.Worker;

/**
 * Asks the provider, every {@code check-every}, whether each person it vouched for may still sign in: the OpenID
 * provider by using the person's refresh token (a disabled or removed person's grant is refused), the directory by
 * looking up their entry. A person the provider no longer lets in is disabled here, which ends their sessions and
 * stops their personal tokens; a person still let in gets the roles and teams of their groups as they are now.
 * Only the refresh token of a sign-in is kept (encrypted with a key made from the client secret), never the access
 * token, and nothing in the session.
 */
final class ProviderChecks implements OAuth2AuthorizedClientRepository, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProviderChecks.class);
    private static final int BATCH = 50;

    private final JdbcClient jdbc;
    private final ProviderPeople people;
    private final Clock clock;
    private final SecuritySettings.Oidc oidc;
    private final OidcRegistration registration;
    private final DirectorySignIn directory;
    private final Duration directoryEvery;
    private final TextEncryptor refreshTokens;
    private final RestClientRefreshTokenTokenResponseClient tokenEndpoint = new RestClientRefreshTokenTokenResponseClient();
    private final JwtDecoderFactory<ClientRegistration> idTokens = ProviderHttp.idTokens();
    private final Worker worker;
    private final AtomicBoolean saidNoRefreshToken = new AtomicBoolean();

    /** {@code registration} or {@code directory} is null when that provider is not configured. */
    ProviderChecks(JdbcClient jdbc, ProviderPeople people, Clock clock, SecuritySettings settings,
            OidcRegistration registration, DirectorySignIn directory) {
        this.jdbc = jdbc;
        this.people = people;
        this.clock = clock;
        this.oidc = settings.oidc();
        this.registration = registration;
        this.directory = directory != null && directory.canCheck() ? directory : null;
        this.directoryEvery = settings.ldap().checkEvery();
        this.tokenEndpoint.setRestClient(ProviderHttp.tokenEndpoint());
        this.refreshTokens = registration == null || oidc.clientSecret().isEmpty() || !oidc.checkEvery().isPositive() ? null
                : Encryptors.delux(oidc.clientSecret(), salt(oidc.issuer() + "|" + oidc.clientId()));
        Duration interval = interval();
        this.worker = interval == null ? null
                : Worker.every(interval, "identity-checks", "asking the identity provider about its people", log, this::round);
    }

    /** A tenth of the shortest check interval, between a second and a minute: people are checked close to their time. */
    private Duration interval() {
        Duration shortest = null;
        if (refreshTokens != null) {
            shortest = oidc.checkEvery();
        }
        if (directory != null && (shortest == null || directoryEvery.compareTo(shortest) < 0)) {
            shortest = directoryEvery;
        }
        if (shortest == null) {
            return null;
        }
        Duration tenth = shortest.dividedBy(10);
        return tenth.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : tenth.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : tenth;
    }

    @Override
    public void start() {
        if (worker != null) {
            worker.start();
        }
    }

    @Override
    public void stop() {
        if (worker != null) {
            worker.stop();
        }
    }

    @Override
    public boolean isRunning() {
        return worker != null && worker.running();
    }

    @Override
    public void saveAuthorizedClient(OAuth2AuthorizedClient client, Authentication principal, HttpServletRequest request,
            HttpServletResponse response) {
        if (refreshTokens != null && principal.getPrincipal() instanceof ProviderUser user) {
            if (client.getRefreshToken() == null && !saidNoRefreshToken.getAndSet(true)) {
                log.warn("The identity provider gave no refresh token at {}'s sign-in, so goldenfive cannot ask it later "
                        + "whether they may still sign in; their personal tokens work for two check intervals after each "
                        + "sign-in. Ask for offline_access (goldenfive.security.oidc.scopes) where the provider needs it.",
                        user.person().getUsername());
            }
            jdbc.sql("update app_user set refresh_token = :token, provider_checked_at = :now where id = :id")
                    .param("token", client.getRefreshToken() == null ? null
                            : refreshTokens.encrypt(client.getRefreshToken().getTokenValue()))
                    .param("now", Timestamp.from(clock.instant()))
                    .param("id", user.person().id())
                    .update();
        }
    }

    /** Nothing is kept for requests: goldenfive calls no API of the provider on a person's behalf. */
    @Override
    public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId, Authentication principal,
            HttpServletRequest request) {
        return null;
    }

    @Override
    public void removeAuthorizedClient(String clientRegistrationId, Authentication principal, HttpServletRequest request,
            HttpServletResponse response) {
    }

    private record Due(long id, String username, String externalId, String refreshToken) {
    }

    /**
     * Everyone due, a batch after another while batches come back full (for at most a minute, so a large
     * organisation is checked on time and the worker still rests); one person's failure is logged and the
     * others are checked.
     */
    void round() {
        Instant until = clock.instant().plus(Duration.ofMinutes(1));
        boolean more = true;
        while (more && clock.instant().isBefore(until)) {
            more = false;
            if (refreshTokens != null) {
                more |= checkEach(due(Source.OIDC, oidc.checkEvery()), this::checkOidc);
            }
            if (directory != null) {
                more |= checkEach(due(Source.LDAP, directoryEvery), this::checkDirectory);
            }
        }
    }

    /** True when the batch was full: more may be due. */
    private boolean checkEach(List<Due> batch, Consumer<Due> check) {
        for (Due person : batch) {
            try {
                check.accept(person);
            }
            catch (RuntimeException ex) {
                log.warn("Could not check {} with the identity provider; again in one interval: {}", person.username(),
                        ex.getMessage());
            }
        }
        return batch.size() == BATCH;
    }

    /**
     * How recently the OpenID provider must have let in a person it cannot be asked about for their personal tokens
     * to work: two check intervals while the check runs; else (and for the directory, which can always be asked
     * while its check runs) no limit, null.
     */
    Duration vouchWindow(Source source) {
        return source == Source.OIDC && refreshTokens != null ? oidc.checkEvery().multipliedBy(2) : null;
    }

    /** Claims people whose check is due (on one replica: the claim moves their time on), oldest check first. */
    private List<Due> due(Source source, Duration interval) {
        Instant now = clock.instant();
        return jdbc.sql("""
                update app_user u set provider_checked_at = :now
                where u.id in (select id from app_user
                               where source = :source and enabled and (:oidc = false or refresh_token is not null)
                                 and (provider_checked_at is null or provider_checked_at <= :due)
                               order by provider_checked_at nulls first limit :batch for update skip locked)
                returning u.id, u.username, u.external_id, u.refresh_token
                """)
                .param("now", Timestamp.from(now))
                .param("source", source.name())
                .param("oidc", source == Source.OIDC)
                .param("due", Timestamp.from(now.minus(interval)))
                .param("batch", BATCH)
                .query((rs, row) -> new Due(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .list();
    }

    private void checkOidc(Due person) {
        String value;
        try {
            value = refreshTokens.decrypt(person.refreshToken());
        }
        catch (IllegalStateException | IllegalArgumentException unreadable) {
            // kept under another client secret: unusable; their tokens stop at the end of the window, and their
            // next sign-in keeps a new one
            log.warn("The refresh token of {} cannot be read (was the client secret changed?); they are checked again "
                    + "after their next sign-in", person.username());
            forgetRefreshToken(person);
            return;
        }
        ClientRegistration client;
        try {
            client = registration.registration();
        }
        catch (OidcRegistration.Unavailable unavailable) {
            log.warn("Cannot check {} with the identity provider: {}", person.username(), unavailable.getMessage());
            return;
        }
        Instant now = clock.instant();
        // the grant request wants the access token it replaces; only its scopes would be read, and none are
        OAuth2AccessToken placeholder = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "-", now.minusSeconds(2),
                now.minusSeconds(1));
        OAuth2AccessTokenResponse answer;
        try {
            answer = tokenEndpoint.getTokenResponse(new OAuth2RefreshTokenGrantRequest(client, placeholder,
                    new OAuth2RefreshToken(value, null), Set.copyOf(client.getScopes())));
        }
        catch (OAuth2AuthorizationException refused) {
            if (OAuth2ErrorCodes.INVALID_GRANT.equals(refused.getError().getErrorCode()) && forgetRefreshToken(person)) {
                people.disabledByProvider(person.id(), Source.OIDC.method(),
                        "the provider refused their refresh token (" + refused.getError() + ")");
            }
            else {
                log.warn("The identity provider did not answer the check of {}: {}", person.username(), refused.getMessage());
            }
            return;
        }
        if (answer.getRefreshToken() != null && !value.equals(answer.getRefreshToken().getTokenValue())) {
            // only over the token this check read: a sign-in at the same moment keeps the one it brought
            jdbc.sql("update app_user set refresh_token = :token where id = :id and refresh_token = :read")
                    .param("token", refreshTokens.encrypt(answer.getRefreshToken().getTokenValue()))
                    .param("read", person.refreshToken())
                    .param("id", person.id()).update();
        }
        List<String> groups = null;
        if (answer.getAdditionalParameters().get(OidcParameterNames.ID_TOKEN) instanceof String idToken) {
            var claims = idTokens.createDecoder(client).decode(idToken).getClaims();
            if (claims.containsKey(oidc.groupsClaim())) {
                groups = ProviderUser.groups(claims.get(oidc.groupsClaim()));
            }
        }
        people.vouchedFor(person.id(), groups, Source.OIDC.method());
    }

    /** True when the token this check read was still the person's (a sign-in meanwhile brought a new one: that one stays). */
    private boolean forgetRefreshToken(Due person) {
        return jdbc.sql("update app_user set refresh_token = null where id = :id and refresh_token = :read")
                .param("id", person.id()).param("read", person.refreshToken()).update() == 1;
    }

    private void checkDirectory(Due person) {
        directory.groupsNow(person.externalId(), person.username()).ifPresentOrElse(
                groups -> people.vouchedFor(person.id(), groups, Source.LDAP.method()),
                () -> people.disabledByProvider(person.id(), Source.LDAP.method(), "their entry is gone or locked"));
    }

    private static String salt(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
