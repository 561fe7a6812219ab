package dev.goldenfive.security;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenDecoderFactory;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenValidator;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * Every call goldenfive makes to the OpenID provider after discovery (token endpoint, signing keys, user info)
 * gives up after 5 s without a connection and 10 s without an answer: a provider that stops answering holds
 * neither a person's sign-in nor the periodic check for longer.
 */
final class ProviderHttp {

    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final Duration READ = Duration.ofSeconds(10);

    private ProviderHttp() {
    }

    private static JdkClientHttpRequestFactory requests() {
        var factory = new JdkClientHttpRequestFactory(HttpClient.newBuilder().connectTimeout(CONNECT).build());
        factory.setReadTimeout(READ);
        return factory;
    }

    /** For the token endpoint's clients: form in, token response or OAuth2 error out, as Spring Security's own. */
    static RestClient tokenEndpoint() {
        return RestClient.builder()
                .requestFactory(requests())
                .messageConverters(List.of(new FormHttpMessageConverter(), new OAuth2AccessTokenResponseHttpMessageConverter()))
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .build();
    }

    /** For the user-info endpoint and the signing keys. */
    static RestTemplate restTemplate() {
        RestTemplate rest = new RestTemplate(requests());
        rest.setErrorHandler(new OAuth2ErrorResponseErrorHandler());
        return rest;
    }

    /** ID tokens checked as Spring Security checks them (signature, issuer, audience, times), one decoder per provider. */
    static JwtDecoderFactory<ClientRegistration> idTokens() {
        Map<String, JwtDecoder> decoders = new ConcurrentHashMap<>();
        RestTemplate rest = restTemplate();
        return registration -> decoders.computeIfAbsent(registration.getRegistrationId(), id -> {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(registration.getProviderDetails().getJwkSetUri())
                    .restOperations(rest).build();
            decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(),
                    new OidcIdTokenValidator(registration)));
            decoder.setClaimSetConverter(OidcIdTokenDecoderFactory.createDefaultClaimTypeConverter());
            return decoder;
        });
    }
}
