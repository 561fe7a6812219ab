package dev.goldenfive.runbook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Installs the runbooks goldenfive ships ({@code classpath:runbooks/*.yaml}) at start: a runbook that does
 * not exist yet is created, and one that only goldenfive has written gets a new version when a release
 * changes it. Once an administrator has published a version of their own, it is theirs and left alone.
 */
@Component
class DefaultRunbooks implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DefaultRunbooks.class);

    private final Runbooks runbooks;

    DefaultRunbooks(Runbooks runbooks) {
        this.runbooks = runbooks;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath:runbooks/*.yaml")) {
            install(resource.getContentAsString(StandardCharsets.UTF_8), resource.getFilename());
        }
    }

    void install(String source, String name) {
        String key = name.replaceFirst("\\.yaml$", "");
        var latest = runbooks.latest(key);
        if (latest.isPresent() && !Runbooks.SYSTEM.equals(latest.get().createdBy())) {
            return;
        }
        var published = runbooks.publish(source, RunbookFormat.YAML, Runbooks.SYSTEM);
        if (published.created()) {
            log.info("Installed runbook '{}' version {}", key, published.version().version());
        }
    }
}
