package dev.goldenfive.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one OpenID provider, as its discovery document describes it. The document is read at the first sign-in
 * (not at start: goldenfive starts while the provider is away) and kept; a failed read is tried again at the next.
 */
final class OidcRegistration implements ClientRegistrationRepository {

    static final String ID = "oidc";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RETRY = Duration.ofSeconds(30);
    private static final TypeReference<Map<String, Object>> DOCUMENT = new TypeReference<>() {
    };

    /** The provider's discovery document could not be read or does not describe the configured issuer. */
    static final class Unavailable extends Exception {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SecuritySettings.Oidc settings;
    private final JsonMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final ReentrantLock reading = new ReentrantLock();
    private final Clock clock;
    private volatile ClientRegistration registration;
    /** The last failed read and when: said again without asking for {@link #RETRY}, so an outage queues nobody. */
    private volatile Failure failure;

    private record Failure(Unavailable reason, Instant at) {
    }

    OidcRegistration(SecuritySettings.Oidc settings, JsonMapper json, Clock clock) {
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    /** As the sign-in button names it. */
    String name() {
        return settings.name();
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        if (!ID.equals(registrationId)) {
            return null;
        }
        try {
            return registration();
        }
        catch (Unavailable unavailable) {
            return null;
        }
    }

    ClientRegistration registration() throws Unavailable {
        ClientRegistration known = registration;
        if (known != null) {
            return known;
        }
        Failure failed = failure;
        if (failed != null && clock.instant().isBefore(failed.at().plus(RETRY))) {
            throw failed.reason();
        }
        try {
            // one reader at a time; the others wait no longer than a read may take
            if (!reading.tryLock(TIMEOUT.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS)) {
                throw new Unavailable("the provider's discovery document is still being read", null);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for the provider's discovery document", ex);
        }
        try {
            if (registration == null) {
                registration = discover();
                failure = null;
            }
            return registration;
        }
        catch (Unavailable unavailable) {
            failure = new Failure(unavailable, clock.instant());
            throw unavailable;
        }
        finally {
            reading.unlock();
        }
    }

    private ClientRegistration discover() throws Unavailable {
        String issuer = settings.issuer();
        URI location = URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
        Map<String, Object> document;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(location).timeout(TIMEOUT)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new Unavailable(location + " answered " + response.statusCode(), null);
            }
            document = json.readValue(response.body(), DOCUMENT);
        }
        catch (IOException | RuntimeException ex) {
            throw new Unavailable("cannot read " + location + ": " + ex.getMessage(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while reading " + location, ex);
        }
        if (!issuer.equals(document.get("issuer"))) {
            throw new Unavailable("the discovery document at " + location + " names the issuer " + document.get("issuer")
                    + ", not " + issuer, null);
        }
        try {
            ClientRegistration.Builder builder = ClientRegistrations.fromOidcConfiguration(document)
                    .registrationId(ID)
                    .clientName(settings.name())
                    .clientId(settings.clientId())
                    .scope(settings.scopes())
                    .userNameAttributeName("sub")
                    .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}");
            if (settings.clientSecret().isEmpty()) {
                builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
            }
            else {
                builder.clientSecret(settings.clientSecret());
            }
            return builder.build();
        }
        catch (RuntimeException ex) {
            throw new Unavailable("the discovery document at " + location + " is not usable: " + ex.getMessage(), ex);
        }
    }
}
