package testidp;


import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.Filter;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * A real OpenID provider for the tests (in a package of its own, outside the application's component scan): Spring Authorization Server in a small application of its own, on a loopback
 * port, with its own login form, people (who can be disabled, and whose groups go into the ID token), and the one
 * client goldenfive is, which must use PKCE. Disabling a person also drops their grants, as Keycloak and Entra ID do.
 */
public final class TestIdentityProvider implements AutoCloseable {

    public static final String CLIENT_ID = "goldenfive-test";
    public static final String CLIENT_SECRET = "test-provider-client-secret-0123456789";

    private final ConfigurableApplicationContext context;
    private final State state;

    public TestIdentityProvider() {
        this.context = new SpringApplicationBuilder(Server.class)
                .properties("spring.config.name=test-identity-provider", "server.port=0", "server.address=127.0.0.1",
                        "spring.main.banner-mode=off", "logging.level.org.springframework.security=warn")
                .run();
        this.state = context.getBean(State.class);
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** As goldenfive is configured with it (not 127.0.0.1: the browser keeps goldenfive's and the provider's cookies apart). */
    public String issuer() {
        return "http://localhost:" + port();
    }

    /** Where the provider may send a person back to, once goldenfive's port is known. */
    public void allowRedirectTo(String uri) {
        state.clients.put(CLIENT_ID, RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(CLIENT_ID)
                .clientSecret("{noop}" + CLIENT_SECRET)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri(uri)
                .scope(OidcScopes.OPENID).scope(OidcScopes.PROFILE).scope(OidcScopes.EMAIL)
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
                .build());
    }

    public void person(String username, String password, List<String> groups) {
        state.users.createUser(User.withUsername(username).password("{noop}" + password).roles("USER").build());
        state.groups.put(username, List.copyOf(groups));
    }

    public void groups(String username, List<String> groups) {
        state.groups.put(username, List.copyOf(groups));
    }

    /** Disabled at the provider: they cannot sign in there, and their grants (refresh tokens) are gone. */
    public void disable(String username) {
        UserDetails user = state.users.loadUserByUsername(username);
        state.users.updateUser(User.withUserDetails(user).disabled(true).build());
        state.authorizations.dropAllOf(username);
    }

    /** The query of every authorization request the provider received, in order. */
    public List<Map<String, String[]>> authorizationRequests() {
        return List.copyOf(state.authorizationRequests);
    }

    @Override
    public void close() {
        context.close();
    }

    /** What the tests change while the provider runs. */
    static final class State {
        final Map<String, RegisteredClient> clients = new ConcurrentHashMap<>();
        final InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
        final Map<String, List<String>> groups = new ConcurrentHashMap<>();
        final Authorizations authorizations = new Authorizations();
        final List<Map<String, String[]>> authorizationRequests = new CopyOnWriteArrayList<>();
    }

    /** Grants kept in memory, findable by person so that disabling one drops theirs. */
    static final class Authorizations implements OAuth2AuthorizationService {
        private final InMemoryOAuth2AuthorizationService grants = new InMemoryOAuth2AuthorizationService();
        private final Map<String, Set<String>> byPerson = new ConcurrentHashMap<>();

        @Override
        public void save(OAuth2Authorization authorization) {
            grants.save(authorization);
            byPerson.computeIfAbsent(authorization.getPrincipalName(), p -> ConcurrentHashMap.newKeySet()).add(authorization.getId());
        }

        @Override
        public void remove(OAuth2Authorization authorization) {
            grants.remove(authorization);
        }

        @Override
        public OAuth2Authorization findById(String id) {
            return grants.findById(id);
        }

        @Override
        public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
            return grants.findByToken(token, tokenType);
        }

        void dropAllOf(String person) {
            for (String id : byPerson.getOrDefault(person, Set.of())) {
                OAuth2Authorization grant = grants.findById(id);
                if (grant != null) {
                    grants.remove(grant);
                }
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
            WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class, JacksonAutoConfiguration.class})
    @EnableWebSecurity
    static class Server {

        @Bean
        State state() {
            return new State();
        }

        @Bean
        @Order(1)
        SecurityFilterChain protocol(HttpSecurity http, State state) throws Exception {
            http.oauth2AuthorizationServer(server -> {
                http.securityMatcher(server.getEndpointsMatcher());
                server.registeredClientRepository(new RegisteredClientRepository() {
                    @Override
                    public void save(RegisteredClient client) {
                        state.clients.put(client.getClientId(), client);
                    }

                    @Override
                    public RegisteredClient findById(String id) {
                        return state.clients.values().stream().filter(c -> c.getId().equals(id)).findFirst().orElse(null);
                    }

                    @Override
                    public RegisteredClient findByClientId(String clientId) {
                        return state.clients.get(clientId);
                    }
                });
                server.authorizationService(state.authorizations);
                server.oidc(Customizer.withDefaults());
            })
                    .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"),
                            new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
            return http.build();
        }

        @Bean
        @Order(2)
        SecurityFilterChain signIn(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated()).formLogin(Customizer.withDefaults());
            return http.build();
        }

        /** Records what goldenfive asked for (PKCE's challenge among it). */
        @Bean
        Filter authorizationRequests(State state) {
            return (request, response, chain) -> {
                var http = (jakarta.servlet.http.HttpServletRequest) request;
                if (http.getRequestURI().equals("/oauth2/authorize") && http.getParameter("client_id") != null) {
                    state.authorizationRequests.add(Map.copyOf(http.getParameterMap()));
                }
                chain.doFilter(request, response);
            };
        }

        @Bean
        InMemoryUserDetailsManager users(State state) {
            return state.users;
        }

        @Bean
        PasswordEncoder passwordEncoder() {
            return PasswordEncoderFactories.createDelegatingPasswordEncoder();
        }

        /** The person's groups and names in every ID token, at sign-in and at each refresh. */
        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> idTokenClaims(State state) {
            return context -> {
                if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                    String person = context.getPrincipal().getName();
                    context.getClaims().claim("groups", state.groups.getOrDefault(person, List.of()))
                            .claim("preferred_username", person)
                            .claim("name", person.substring(0, 1).toUpperCase() + person.substring(1) + " Example")
                            .claim("email", person + "@example.test");
                }
            };
        }

        @Bean
        KeyPair signingKey() throws NoSuchAlgorithmException {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        }

        /** For the user-info endpoint, which takes the access tokens the provider signed. */
        @Bean
        JwtDecoder jwtDecoder(KeyPair pair) {
            return NimbusJwtDecoder.withPublicKey((RSAPublicKey) pair.getPublic()).build();
        }

        @Bean
        JWKSource<SecurityContext> keys(KeyPair pair) {
            RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                    .keyID(UUID.randomUUID().toString()).build();
            return new ImmutableJWKSet<>(new JWKSet(key));
        }

        @Bean
        AuthorizationServerSettings authorizationServerSettings() {
            return AuthorizationServerSettings.builder().build();
        }
    }

}
