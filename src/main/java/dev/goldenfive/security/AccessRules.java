package dev.goldenfive.security;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;

/**
 * A feature's own rules for who may call its paths (API and pages alike), as a bean. They are checked before
 * the request is read, so a caller without the role gets 403 whatever the body says; paths no rule names are
 * open to every signed-in person (never to agents).
 */
@FunctionalInterface
public interface AccessRules {

    void apply(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry paths);
}
