package dev.goldenfive.security;

import java.util.List;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * The password form: a local account's password, then (when configured) the directory's bind; refused while the
 * user name or the client address is throttled, and every failure counts.
 */
class ThrottledAuthenticationProvider implements AuthenticationProvider {

    private final ProviderManager passwords;
    private final LoginThrottle throttle;

    ThrottledAuthenticationProvider(List<AuthenticationProvider> checks, LoginThrottle throttle) {
        this.passwords = new ProviderManager(checks);
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String username = authentication.getName();
        String address = authentication.getDetails() instanceof WebAuthenticationDetails details
                ? details.getRemoteAddress() : "unknown";
        var refused = throttle.admit(username, address);
        if (refused.isPresent()) {
            throw new LoginThrottled(refused.get());
        }
        LoginThrottle.Outcome outcome = LoginThrottle.Outcome.UNDECIDED;
        try {
            Authentication result = passwords.authenticate(authentication);
            outcome = LoginThrottle.Outcome.SUCCESS;
            return result;
        }
        catch (InternalAuthenticationServiceException | SignInRefused notAGuess) {
            // the directory away, or a right password goldenfive refuses (no role, disabled): no guess to count
            throw notAGuess;
        }
        catch (AuthenticationException ex) {
            outcome = LoginThrottle.Outcome.FAILURE;
            throw ex;
        }
        finally {
            throttle.settle(username, address, outcome);
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
