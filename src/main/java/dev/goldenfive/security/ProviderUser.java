package dev.goldenfive.security;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.DefaultOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/** A person the OpenID provider vouched for at this sign-in, with who they are here. */
final class ProviderUser extends DefaultOidcUser {

    private final transient SignedInUser person;

    private ProviderUser(OidcUser user, SignedInUser person) {
        super(person.getAuthorities(), user.getIdToken(), user.getUserInfo(), "sub");
        this.person = person;
    }

    SignedInUser person() {
        return person;
    }

    /** Reads the provider's claims (ID token and user info) and signs the person in here through {@link ProviderPeople}. */
    static OAuth2UserService<OidcUserRequest, OidcUser> service(ProviderPeople people, SecuritySettings.Oidc settings) {
        DefaultOAuth2UserService userInfo = new DefaultOAuth2UserService();
        userInfo.setRestOperations(ProviderHttp.restTemplate());
        OidcUserService standard = new OidcUserService();
        standard.setOauth2UserService(userInfo);
        return request -> {
            OidcUser user = standard.loadUser(request);
            Map<String, Object> claims = user.getClaims();
            String username = firstOf(claims, settings.usernameClaim(), "email", "sub");
            String issuer = String.valueOf(request.getClientRegistration().getProviderDetails().getIssuerUri());
            SignedInUser person = ProviderPeople.signInRetrying(people, new ProviderPeople.Claims(Source.OIDC, issuer + "|" + user.getSubject(),
                    username, firstOf(claims, "name", settings.usernameClaim()), user.getEmail(),
                    groups(claims.get(settings.groupsClaim()))));
            return new ProviderUser(user, person);
        };
    }

    /** A claim of groups as providers send it: a list, or one string. */
    static List<String> groups(Object claim) {
        return switch (claim) {
            case null -> List.of();
            case Collection<?> values -> values.stream().filter(v -> v != null).map(String::valueOf).toList();
            case Object[] values -> Arrays.stream(values).filter(v -> v != null).map(String::valueOf).toList();
            default -> List.of(String.valueOf(claim));
        };
    }

    private static String firstOf(Map<String, Object> claims, String... names) {
        for (String name : names) {
            if (claims.get(name) instanceof String value && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
