package dev.goldenfive.runbook;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** The wildcard patterns of check targets (and of alert routing rules): {@code *} is any run of characters, everything else is itself. */
public final class Glob {

    /**
     * Compiled once: the patterns are runbook and routing data, few and long-lived, and they are matched on
     * every probe result and alert.
     */
    private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

    private Glob() {
    }

    public static Pattern compile(String glob) {
        return COMPILED.computeIfAbsent(glob, Glob::translate);
    }

    /** The same pattern for SQL's {@code LIKE ... escape '\'}: its own % and _ escaped, * as %. */
    public static String like(String glob) {
        return glob.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace('*', '%');
    }

    private static Pattern translate(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
