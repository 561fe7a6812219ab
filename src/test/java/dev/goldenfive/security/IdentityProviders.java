package dev.goldenfive.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

import dev.goldenfive.TestMail;
import testidp.TestIdentityProvider;

/**
 * The application signing people in through a real OpenID provider and a real LDAP directory, both running in the
 * test JVM on loopback ports, with password sign-in of local accounts turned off. One application context for every
 * test class with the annotation, and one provider and directory for all of them.
 */
final class IdentityProviders implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    static final TestIdentityProvider PROVIDER = new TestIdentityProvider();
    static final TestDirectory DIRECTORY = new TestDirectory();

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @AutoConfigureMockMvc
    @ActiveProfiles("test")
    @ContextConfiguration(initializers = {TestMail.class, IdentityProviders.class})
    @interface Test {
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("identity-providers", Map.ofEntries(
                Map.entry("goldenfive.security.password-sign-in", "false"),
                Map.entry("goldenfive.security.oidc.issuer", PROVIDER.issuer()),
                Map.entry("goldenfive.security.oidc.client-id", TestIdentityProvider.CLIENT_ID),
                Map.entry("goldenfive.security.oidc.client-secret", TestIdentityProvider.CLIENT_SECRET),
                Map.entry("goldenfive.security.oidc.name", "Example SSO"),
                Map.entry("goldenfive.security.oidc.check-every", "2s"),
                Map.entry("goldenfive.security.ldap.url", DIRECTORY.url()),
                Map.entry("goldenfive.security.ldap.user-dn-patterns[0]", "uid={0},ou=people"),
                Map.entry("goldenfive.security.ldap.group-search-base", "ou=groups"),
                Map.entry("goldenfive.security.ldap.manager-dn", TestDirectory.MANAGER),
                Map.entry("goldenfive.security.ldap.manager-password", TestDirectory.MANAGER_PASSWORD),
                Map.entry("goldenfive.security.ldap.check-every", "2s"),
                Map.entry("goldenfive.security.group-rules[0].group", "sre"),
                Map.entry("goldenfive.security.group-rules[0].roles[0]", "RESPONDER"),
                Map.entry("goldenfive.security.group-rules[1].pattern", "team-(.+)"),
                Map.entry("goldenfive.security.group-rules[1].teams[0]", "$1"),
                Map.entry("goldenfive.security.group-rules[2].group", "gf-admins"),
                Map.entry("goldenfive.security.group-rules[2].roles[0]", "ADMIN"),
                Map.entry("goldenfive.security.group-rules[2].roles[1]", "MANAGER"))));
    }
}
