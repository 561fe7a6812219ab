package dev.goldenfive.security;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.json.JsonMapper;

/**
 * The ways to sign in besides a local password, as configured: the company's OpenID provider and its directory,
 * each null when off, and the periodic check of the people they vouched for.
 */
record SignInMethods(OidcRegistration oidc, DirectorySignIn directory, ProviderChecks checks) {

    @Configuration(proxyBeanMethods = false)
    static class Beans {

        @Bean
        SignInMethods signInMethods(SecuritySettings settings, ProviderPeople people, UserAccounts accounts, JsonMapper json,
                JdbcClient jdbc, Clock clock) {
            OidcRegistration oidc = settings.oidc().enabled() ? new OidcRegistration(settings.oidc(), json, clock) : null;
            DirectorySignIn directory = settings.ldap().enabled()
                    ? new DirectorySignIn(settings.ldap(), people, accounts::isLocal) : null;
            return new SignInMethods(oidc, directory, new ProviderChecks(jdbc, people, clock, settings, oidc, directory));
        }

        /** A bean of its own, so that its worker starts and stops with the application. */
        @Bean
        ProviderChecks providerChecks(SignInMethods methods) {
            return methods.checks();
        }
    }
}
