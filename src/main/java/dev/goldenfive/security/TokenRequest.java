package dev.goldenfive.security;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.goldenfive.web.StrictStrings;

/** What a person asks for when making a token, on a page or over the API; no expiry when {@code expiresInDays} is absent. */
record TokenRequest(
        @NotBlank @Size(max = 100, message = "must be at most 100 characters")
        @Pattern(regexp = StrictStrings.PRINTABLE, message = StrictStrings.PRINTABLE_MESSAGE) String name,
        @Min(1) @Max(3650) Integer expiresInDays) {
}
