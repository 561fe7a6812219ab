package dev.goldenfive;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.WebDriver;

/** A browser test: each test gets a fresh Chromium in {@link #browser}, quit afterwards. */
public abstract class InChromium {

    protected WebDriver browser;

    @BeforeEach
    void startChromium() {
        browser = Chromium.start();
    }

    @AfterEach
    void stopChromium() {
        if (browser != null) {
            browser.quit();
        }
    }
}
