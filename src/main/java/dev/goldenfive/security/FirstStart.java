package dev.goldenfive.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

import dev.goldenfive.web.LogMarkers;

/**
 * Makes sure someone can sign in: creates {@code admin} on first start (password from
 * {@code GOLDENFIVE_ADMIN_PASSWORD}, else generated and logged once) and registers
 * {@code GOLDENFIVE_ADMIN_TOKEN}. Runs before the application reports ready.
 */
@Component
class FirstStart implements ApplicationRunner {

    static final String ADMIN = "admin";
    private static final Logger log = LoggerFactory.getLogger(FirstStart.class);

    private final UserAccounts accounts;
    private final ApiTokens tokens;
    private final SecuritySettings settings;

    FirstStart(UserAccounts accounts, ApiTokens tokens, SecuritySettings settings) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.settings = settings;
    }

    @Override
    public void run(ApplicationArguments args) {
        boolean configured = !settings.adminPassword().isBlank();
        String password = configured ? settings.adminPassword() : TokenSecret.randomPassword();
        try {
            if (accounts.createAdminIfMissing(ADMIN, password)) {
                if (configured) {
                    log.info("Created the user '{}' with the password from GOLDENFIVE_ADMIN_PASSWORD.", ADMIN);
                }
                else {
                    log.warn(LogMarkers.CONFIDENTIAL, """

                            ==================================================================
                             Created the user '{}' with a generated password, shown only this once:

                                 password: {}

                             Sign in and change it under Account.
                            ==================================================================""", ADMIN, password);
                }
            }
            else if (configured) {
                log.info("The user '{}' exists already: GOLDENFIVE_ADMIN_PASSWORD is used only when it is first created.",
                        ADMIN);
            }
        }
        catch (DataIntegrityViolationException raced) {
            log.info("Another replica created the user '{}' at the same time.", ADMIN);
        }
        boolean usable = tokens.provisionAdminToken(settings.adminToken(), ADMIN);
        if (usable) {
            log.info("GOLDENFIVE_ADMIN_TOKEN is registered as an API token of '{}'.", ADMIN);
        }
        else if (!settings.adminToken().isBlank()) {
            log.warn("GOLDENFIVE_ADMIN_TOKEN holds a value an administrator revoked (or one in use by another "
                    + "token); it stays unusable. Set a new value to provision an admin token.");
        }
    }
}
