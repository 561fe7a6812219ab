package dev.goldenfive.security;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.client.oidc.authentication.OidcAuthorizationCodeAuthenticationProvider;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.header.writers.ContentSecurityPolicyHeaderWriter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;

import dev.goldenfive.web.ProblemResponses;

/**
 * Two filter chains. Machines ({@code /api/**}, actuator, the OTLP and Loki ingest paths) use stateless bearer
 * tokens and get problem+json on 401/403. Browsers use a session with CSRF protection and a login page.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** Paths served to machines with bearer tokens: the API, and the ingest paths shippers expect (OTLP, Loki). */
    static final String[] TOKEN_PATHS = {"/api/**", "/actuator/**", "/v1/logs", "/loki/api/v1/push"};

    /** Self only: the pages' own script sets no inline styles and evaluates no strings. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            + "frame-ancestors 'none'";
    /** Swagger UI sets inline styles and bootstraps with an inline script of its own. */
    static final String SWAGGER_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
            + "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";

    @Bean
    PasswordEncoder passwordEncoder(SecuritySettings settings) {
        // Prefixed hashes ({bcrypt}…) so that a later, stronger scheme can upgrade stored hashes in place.
        return new DelegatingPasswordEncoder("bcrypt",
                Map.of("bcrypt", new BCryptPasswordEncoder(settings.bcryptStrength())));
    }

    /** URLs the firewall refuses ('//', ';', encoded slashes) get a 400 that says why. */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return (request, response, rejected) -> response.sendError(400, rejected.getMessage());
    }

    /**
     * A session's row is written when its id, principal or timeout changed, but its last access only when a minute
     * has passed: most requests then read the session without writing it (no WAL flush per page view or live
     * update). A session may so end up to a minute before its timeout.
     */
    @Bean
    SessionRepositoryCustomizer<JdbcIndexedSessionRepository> sessionWrittenWhenItChanged() {
        return repository -> repository.setUpdateSessionQuery("""
                UPDATE %TABLE_NAME% s
                SET SESSION_ID = v.session_id, LAST_ACCESS_TIME = v.last_access_time,
                    MAX_INACTIVE_INTERVAL = v.max_inactive_interval, EXPIRY_TIME = v.expiry_time, PRINCIPAL_NAME = v.principal_name
                FROM (SELECT ?::char(36) session_id, ?::bigint last_access_time, ?::int max_inactive_interval,
                             ?::bigint expiry_time, ?::varchar principal_name, ?::char(36) primary_id) v
                WHERE s.PRIMARY_ID = v.primary_id
                  AND (s.SESSION_ID <> v.session_id OR s.PRINCIPAL_NAME IS DISTINCT FROM v.principal_name
                       OR s.MAX_INACTIVE_INTERVAL <> v.max_inactive_interval
                       OR s.LAST_ACCESS_TIME < v.last_access_time - 60000)
                """);
    }

    /** Before the session filter: a request with a bearer token never touches a browser session. */
    @Bean
    FilterRegistrationBean<CredentialsOutsideSessions> credentialsOutsideSessions() {
        var registration = new FilterRegistrationBean<>(new CredentialsOutsideSessions());
        registration.setOrder(SessionRepositoryFilter.DEFAULT_ORDER - 1);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
        return registration;
    }

    @Bean
    @Order(1)
    SecurityFilterChain tokenChain(HttpSecurity http, ApiTokens tokens, ProblemResponses problems,
            ManagementPort managementPort, List<AccessRules> featureRules) throws Exception {
        var handlers = new ProblemSecurityHandlers(problems);
        var contextRepository = new RequestAttributeSecurityContextRepository();
        http.securityMatcher(TOKEN_PATHS)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .securityContext(c -> c.securityContextRepository(contextRepository))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.disable())
                .addFilterBefore(new BearerTokenFilter(tokens, handlers, contextRepository), BasicAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(handlers).accessDeniedHandler(handlers))
                .headers(h -> h
                        .contentSecurityPolicy(csp -> csp.policyDirectives(API_CSP))
                        .referrerPolicy(r -> r.policy(ReferrerPolicy.NO_REFERRER))
                        .frameOptions(f -> f.deny()))
                .authorizeHttpRequests(auth -> {
                    auth.requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                            .requestMatchers("/actuator/prometheus").access(onPortOrAdmin(managementPort))
                            .requestMatchers("/actuator/**").hasRole(Role.ADMIN.name());
                    featureRules.forEach(rules -> rules.apply(auth));
                    // Everything else on the API is for people (directly or through their tokens).
                    // Ingest endpoints for agents are opened explicitly by their feature's rules.
                    auth.anyRequest().hasAnyRole(Role.RESPONDER.name(), Role.MANAGER.name(), Role.ADMIN.name());
                });
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain browserChain(HttpSecurity http, UserAccounts accounts, PasswordEncoder encoder,
            LoginThrottle throttle, List<AccessRules> featureRules, SignInMethods methods, ProviderPeople people,
            Audit audit, SecuritySettings settings, MeterRegistry meters) throws Exception {
        var contextRepository = new HttpSessionSecurityContextRepository();
        var requestCache = new PathOnlyRequestCache();
        var signIns = new SignIns(accounts, audit, contextRepository, requestCache, methods.directory() != null, meters);
        RequestMatcher swagger = new OrRequestMatcher(path("/swagger-ui/**"), path("/swagger-ui.html"));
        var local = new DaoAuthenticationProvider(accounts);
        local.setPasswordEncoder(encoder);
        List<AuthenticationProvider> passwordChecks = methods.directory() == null ? List.of(local) : List.of(local, methods.directory());
        List<AuthenticationProvider> ways = new ArrayList<>(List.of(new ThrottledAuthenticationProvider(passwordChecks, throttle)));
        if (methods.oidc() != null) {
            // the provider's answer to the code flow; one manager for every way in, and no fallback behind it
            var tokenEndpoint = new RestClientAuthorizationCodeTokenResponseClient();
            tokenEndpoint.setRestClient(ProviderHttp.tokenEndpoint());
            var codeFlow = new OidcAuthorizationCodeAuthenticationProvider(tokenEndpoint, ProviderUser.service(people, settings.oidc()));
            codeFlow.setJwtDecoderFactory(ProviderHttp.idTokens());
            ways.add(codeFlow);
        }
        http.authenticationManager(new ProviderManager(ways))
                .securityContext(c -> c.securityContextRepository(contextRepository))
                .requestCache(cache -> cache.requestCache(requestCache))
                .csrf(csrf -> csrf.csrfTokenRepository(new SessionOrCookieCsrfTokens()))
                .formLogin(form -> form.loginPage("/login").successHandler(signIns.formSucceeded())
                        .failureHandler(signIns.formFailed()).permitAll())
                .logout(logout -> logout.addLogoutHandler(signIns.signedOut()).logoutSuccessUrl("/login?logout"))
                .exceptionHandling(e -> e.accessDeniedHandler(SecurityConfiguration::denied))
                .addFilterAfter(new SessionRefreshFilter(accounts, contextRepository), SecurityContextHolderFilter.class)
                .headers(h -> h
                        .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(swagger,
                                new ContentSecurityPolicyHeaderWriter(SWAGGER_CSP)))
                        .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(new NegatedRequestMatcher(swagger),
                                new ContentSecurityPolicyHeaderWriter(CSP)))
                        .referrerPolicy(r -> r.policy(ReferrerPolicy.SAME_ORIGIN))
                        .frameOptions(f -> f.deny())
                        .addHeaderWriter(new StaticHeadersWriter("Permissions-Policy",
                                "camera=(), microphone=(), geolocation=(), payment=()")))
                .authorizeHttpRequests(auth -> {
                    auth.requestMatchers("/login", "/login/oidc", "/error", "/assets/**", "/webjars/**", "/favicon.ico",
                                    "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html").permitAll()
                            .requestMatchers("/admin/**").hasRole(Role.ADMIN.name());
                    featureRules.forEach(rules -> rules.apply(auth));
                    auth.anyRequest().authenticated();
                });
        if (methods.oidc() != null) {
            // the code flow with PKCE (Spring Security adds the challenge to every authorization request)
            http.oauth2Login(oidc -> oidc.loginPage("/login")
                    .clientRegistrationRepository(methods.oidc())
                    .authorizedClientRepository(methods.checks())
                    .successHandler(signIns.providerSucceeded())
                    .failureHandler(signIns.providerFailed())
                    // a provider that cannot be reached when the flow starts: the login page says so, not a 500
                    .withObjectPostProcessor(new ObjectPostProcessor<OAuth2AuthorizationRequestRedirectFilter>() {
                        @Override
                        public <O extends OAuth2AuthorizationRequestRedirectFilter> O postProcess(O filter) {
                            filter.setAuthenticationFailureHandler((request, response, failure) ->
                                    response.sendRedirect(request.getContextPath() + "/login?refused=unavailable"));
                            return filter;
                        }
                    }));
        }
        return http.build();
    }

    /** A form whose CSRF token no longer holds has expired: the page says so, rather than blame the person's role. */
    private static void denied(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        response.sendError(HttpServletResponse.SC_FORBIDDEN,
                denied instanceof CsrfException ? "error.formExpired" : HttpStatus.FORBIDDEN.getReasonPhrase());
    }

    private static RequestMatcher path(String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(pattern);
    }

    /**
     * Prometheus may scrape without a token on the separate management port (not routed by the Service's
     * http port or an Ingress); on the application port it takes an admin's token.
     */
    private static AuthorizationManager<RequestAuthorizationContext> onPortOrAdmin(ManagementPort managementPort) {
        return (authentication, context) -> {
            if (managementPort.isPortOf(context.getRequest().getLocalPort())) {
                return new AuthorizationDecision(true);
            }
            var auth = authentication.get();
            boolean admin = auth != null && auth.getAuthorities().stream()
                    .anyMatch(a -> a.getAuthority().equals(Role.ADMIN.authority()));
            return new AuthorizationDecision(admin);
        };
    }
}
