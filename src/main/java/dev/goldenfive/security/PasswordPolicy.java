package dev.goldenfive.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;

import dev.goldenfive.web.InvalidField;

/**
 * What a password must be (ASVS 6.2): 12 characters to 72 bytes, not only white space, not made of the user
 * name or the product's name, and not easy to guess: zxcvbn's estimate, with its bundled lists of common
 * and breached passwords, words and names, and the person's own names, must reach {@link #MIN_SCORE}. Nothing
 * is sent anywhere.
 */
final class PasswordPolicy {

    static final int MIN_LENGTH = 12;
    /** bcrypt reads at most 72 bytes; a longer password would be silently cut. */
    static final int MAX_BYTES = 72;
    /** zxcvbn's 3: "safely unguessable", about 10^8 guesses and more. */
    static final int MIN_SCORE = 3;
    /** What must be left when the user name and "goldenfive" are taken out. */
    private static final int MIN_OWN_CHARACTERS = 6;
    private static final String PRODUCT = "goldenfive";
    private static final Pattern NOT_LETTER_OR_DIGIT = Pattern.compile("[^\\p{L}\\p{N}]");

    /** Loading the dictionaries takes a moment: once per application. */
    private static final Zxcvbn ESTIMATOR = new Zxcvbn();

    private PasswordPolicy() {
    }

    /** Refuses {@code password} for the person {@code username} (display name {@code displayName}, may be null). */
    static void check(String field, String password, String username, String displayName) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw new InvalidField(field, "must be at least " + MIN_LENGTH + " characters", "password.problem.short", MIN_LENGTH);
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new InvalidField(field, "must be at most " + MAX_BYTES + " bytes", "password.problem.long", MAX_BYTES);
        }
        if (password.isBlank()) {
            throw new InvalidField(field, "must not be only spaces", "password.problem.spaces");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        String rest = lower.replace(PRODUCT, "");
        if (username != null && !username.isBlank()) {
            rest = rest.replace(username.toLowerCase(Locale.ROOT), "");
        }
        if (!rest.equals(lower) && NOT_LETTER_OR_DIGIT.matcher(rest).replaceAll("").length() < MIN_OWN_CHARACTERS) {
            throw new InvalidField(field, "must not be made of the user name or '" + PRODUCT + "'", "password.problem.ownName", PRODUCT);
        }
        List<String> own = new ArrayList<>(List.of(PRODUCT));
        if (username != null) {
            own.add(username);
        }
        if (displayName != null) {
            own.addAll(List.of(displayName.strip().split("\\s+")));
        }
        Strength strength = ESTIMATOR.measure(password, own);
        if (strength.getScore() < MIN_SCORE) {
            String warning = strength.getFeedback().getWarning(Locale.ENGLISH);
            // zxcvbn's hint is in English only: other languages say what makes a password strong
            String hint = warning == null || warning.isBlank() ? "" : " (" + warning.strip().replaceAll("\\.$", "").toLowerCase(Locale.ROOT) + ")";
            throw new InvalidField(field, "is too easy to guess" + hint + "; a phrase of four or more unrelated words is strong and easy to remember",
                    "password.problem.guessable", hint);
        }
    }
}
