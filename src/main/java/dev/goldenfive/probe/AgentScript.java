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
import dev.goldenfive.web.WebSettings;

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

    /**
     * The command that fetches the script from this goldenfive (at its configured {@code goldenfive.base-url},
     * never the address a request happened to use) and runs it with one more setting: an agent's
     * {@code GOLDENFIVE_TOKEN=…}, or an incident's {@code GOLDENFIVE_INCIDENT=…} (the token then set already).
     */
    static String command(WebSettings site, String setting) {
        String baseUrl = site.base();
        return "curl -fsSLO " + baseUrl + PATH + "\n" + "GOLDENFIVE_URL=" + baseUrl + " " + setting + " sh goldenfive-probe.sh";
    }
}
