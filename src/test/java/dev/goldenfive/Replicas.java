package dev.goldenfive;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A replica of goldenfive as a test starts it (several may share one database): on a free port, with an admin token. */
public final class Replicas {

    public static final String TOKEN = "kill-test-admin-token-0123456789abcdefghij";

    private Replicas() {
    }

    /** A replica with {@code args} on top of the test's own settings. */
    public static ConfigurableApplicationContext start(String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--management.server.port=", "--goldenfive.shutdown-drain=0s",
                "--goldenfive.security.bcrypt-strength=10", "--goldenfive.security.admin-password=",
                "--goldenfive.security.admin-token=" + TOKEN, "--logging.level.root=WARN"));
        all.addAll(List.of(args));
        return new SpringApplicationBuilder(GoldenfiveApplication.class).run(all.toArray(String[]::new));
    }

    /** The API of a replica started with {@link #start}. */
    public static Api api(ConfigurableApplicationContext replica) {
        return new Api(Integer.parseInt(replica.getEnvironment().getProperty("local.server.port")));
    }
}
