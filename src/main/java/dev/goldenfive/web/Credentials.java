package dev.goldenfive.web;

import java.util.regex.Pattern;

/**
 * Users and passwords in URLs masked before anything is stored or shown: {@code https://ci:t0ken@host} becomes
 * {@code https://***@host}. Go and curl also take a proxy without a scheme ({@code HTTPS_PROXY=user:pass@proxy:3128})
 * and quote it so in errors ({@code proxyconnect tcp: dial user:pass@proxy:3128}); those are masked too, at the
 * start of a value or after a space, quote, parenthesis or list separator. A password may hold '@'. An address
 * with a user but no password ({@code ops@example.com}), a {@code host:port} and a time of day stay as they are.
 */
public final class Credentials {

    private Credentials() {
    }

    /**
     * After a scheme, everything up to the last '@' before the path, query or fragment: a user alone may be a
     * token, so it goes too.
     */
    private static final Pattern AFTER_SCHEME = Pattern.compile("(?<=://)[^/?#\\s\"<>]*@");

    /**
     * Without a scheme: a user, ':' (not "://", which is a URL's), a password, '@', then a host that ends the
     * word, so that "u:p@ss@host" is masked up to its last '@' while "u:p@a,v:q@b" is two credentials.
     */
    private static final Pattern WITHOUT_SCHEME = Pattern.compile(
            "(?<![^\\s,;=|\"'`()\\[\\]{}<>])[^\\s:@/,;=|\"'`()\\[\\]{}<>]+:(?!//)[^\\s\"'`()<>]*?"
                    + "@(?=[\\w.\\[\\]:%-]++(?:$|[\\s,;|\"'`()<>/?#]))");

    /** The text with every user and password in it masked; null stays null. */
    public static String masked(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        String once = AFTER_SCHEME.matcher(text).replaceAll("***@");
        return WITHOUT_SCHEME.matcher(once).replaceAll("***@");
    }
}
