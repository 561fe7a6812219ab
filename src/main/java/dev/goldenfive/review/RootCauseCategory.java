package dev.goldenfive.review;

import java.util.Arrays;
import java.util.Optional;

/** Where the root cause lay: the fault boundaries the evidence can point at, and the causes behind them. */
public enum RootCauseCategory {
    LOCAL_NETWORK, DNS, TLS, REMOTE_SERVICE, PROXY_CONFIGURATION, DEPLOYMENT, CONFIGURATION, CAPACITY, DEPENDENCY,
    HARDWARE, PROCESS, UNKNOWN;

    public String label() {
        return name().toLowerCase().replace('_', '-');
    }

    /** A category's label, or empty for none. */
    public static boolean allowed(String label) {
        return label.isEmpty() || fromLabel(label).isPresent();
    }

    public static Optional<RootCauseCategory> fromLabel(String label) {
        return Arrays.stream(values()).filter(c -> c.label().equals(label)).findFirst();
    }
}
