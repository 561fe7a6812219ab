package dev.goldenfive;

import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.Cookie;

import org.springframework.test.web.servlet.MockMvc;

import dev.goldenfive.security.Role;
import dev.goldenfive.security.UserAccounts;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;

/** A browser session of a new person, signed in through the real login form. */
public final class SignedIn {

    static final String PASSWORD = "correct horse battery";
    /** Each sign-in from an address of its own, so the sign-in throttle never counts them together. */
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    private SignedIn() {
    }

    /** The session cookie of a new user holding {@code role}. */
    public static Cookie as(Role role, MockMvc mvc, UserAccounts accounts) throws Exception {
        String name = "s" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, null, PASSWORD, EnumSet.of(role));
        int address = ADDRESSES.incrementAndGet();
        return mvc.perform(post("/login").param("username", name).param("password", PASSWORD).with(csrf())
                        .with(request -> {
                            request.setRemoteAddr("10.6." + address / 250 + "." + address % 250);
                            return request;
                        }))
                .andExpect(redirectedUrl("/")).andReturn().getResponse().getCookie("SESSION");
    }
}
