package dev.goldenfive.security;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The port the actuator listens on when it has one of its own ({@code management.server.port}); known
 * once that server has started, so that 0 (any free port) works too.
 */
@Component
class ManagementPort {

    private volatile int port = -1;

    @EventListener
    void onStarted(WebServerInitializedEvent event) {
        if ("management".equals(event.getApplicationContext().getServerNamespace())) {
            port = event.getWebServer().getPort();
        }
    }

    boolean isPortOf(int localPort) {
        return port >= 0 && port == localPort;
    }
}
