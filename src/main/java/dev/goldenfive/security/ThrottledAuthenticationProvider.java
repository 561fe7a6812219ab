package dev.goldenfive.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/** Username and password sign-in, refused while the user name or the client address is throttled. */
class ThrottledAuthenticationProvider implements AuthenticationProvider {

    private final DaoAuthenticationProvider passwords;
    private final LoginThrottle throttle;

    ThrottledAuthenticationProvider(UserAccounts accounts, PasswordEncoder encoder, LoginThrottle throttle) {
        this.passwords = new DaoAuthenticationProvider(accounts);
        this.passwords.setPasswordEncoder(encoder);
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
