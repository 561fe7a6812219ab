package dev.goldenfive.security;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Users manage their own personal API tokens with a token. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Tokens", description = "Who am I, and my personal API tokens")
class TokenApi {

    private final ApiTokens tokens;

    TokenApi(ApiTokens tokens) {
        this.tokens = tokens;
    }

    record Me(String username, TokenKind tokenKind, String tokenName, Set<String> roles) {
    }

    @GetMapping("/me")
    @Operation(summary = "The caller behind this token and its roles")
    Me me(@AuthenticationPrincipal TokenPrincipal caller, Authentication authentication) {
        return new Me(caller.username(), caller.kind(), caller.tokenName(), authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .map(a -> a.replaceFirst("^ROLE_", ""))
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    @PostMapping("/tokens")
    @Operation(summary = "Create a personal API token; the response is the only time its secret is shown",
            description = "The new token expires no later than the token that creates it.")
    ResponseEntity<IssuedToken> create(@AuthenticationPrincipal TokenPrincipal caller,
            @Valid @RequestBody TokenRequest request) {
        IssuedToken issued = tokens.issuePersonalWith(caller, request.name(), request.expiresInDays());
        return ResponseEntity.created(URI.create("/api/v1/tokens/" + issued.details().id())).body(issued);
    }

    @GetMapping("/tokens")
    @Operation(summary = "My personal API tokens, without their secrets")
    List<TokenView> list(@AuthenticationPrincipal TokenPrincipal caller) {
        return tokens.listOwnedBy(caller.userId());
    }

    @DeleteMapping("/tokens/{id}")
    @Operation(summary = "Revoke one of my personal API tokens")
    ResponseEntity<Void> revoke(@AuthenticationPrincipal TokenPrincipal caller, @PathVariable long id) {
        tokens.revokeOwn(caller.userId(), id);
        return ResponseEntity.noContent().build();
    }
}
