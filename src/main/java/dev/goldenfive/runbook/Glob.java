package dev.goldenfive.runbook;

import java.util.regex.Pattern;

/** The wildcard patterns of check targets (and of alert routing rules): {@code *} is any run of characters, everything else is itself. */
public final class Glob {

    private Glob() {
    }

    public static Pattern compile(String glob) {
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
