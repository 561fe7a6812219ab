package dev.goldenfive.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.goldenfive.security.AccessRules;

/** The reference agent: a POSIX shell script that runs the golden-five probes and posts them. Served to anyone. */
@RestController
class AgentScript {

    static final String PATH = "/agent/goldenfive-probe.sh";
    private static final MediaType SHELL = MediaType.parseMediaType("text/x-shellscript;charset=UTF-8");

    private final byte[] script;

    AgentScript() {
        try (InputStream in = new ClassPathResource("agent/goldenfive-probe.sh").getInputStream()) {
            this.script = in.readAllBytes();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("The agent script is part of the application", ex);
        }
    }

    /** The script holds nothing secret: machines fetch it without signing in. */
    @Bean
    static AccessRules agentScriptAccess() {
        return paths -> paths.requestMatchers(PATH).permitAll();
    }

    @GetMapping(PATH)
    ResponseEntity<byte[]> script() {
        return ResponseEntity.ok().contentType(SHELL).cacheControl(CacheControl.noCache()).body(script);
    }

    /** The command that runs the probes for one incident, with GOLDENFIVE_TOKEN set to an agent token. */
    static String command(String baseUrl, String incidentKey) {
        return "curl -fsSLO " + baseUrl + PATH + "\n"
                + "GOLDENFIVE_URL=" + baseUrl + " GOLDENFIVE_INCIDENT=" + incidentKey + " sh goldenfive-probe.sh";
    }
}
