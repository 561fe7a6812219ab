package dev.goldenfive.security;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What the Users page does, for automation: administrators list, create, change and disable people. */
@RestController
@RequestMapping("/api/v1/people")
@Tag(name = "People", description = "The people who sign in, their roles, teams and tokens (administrators)")
class PeopleApi {

    private final UserAccounts accounts;
    private final ApiTokens tokens;

    PeopleApi(UserAccounts accounts, ApiTokens tokens) {
        this.accounts = accounts;
        this.tokens = tokens;
    }

    @Bean
    static AccessRules peopleAccess() {
        return paths -> paths.requestMatchers("/api/v1/people", "/api/v1/people/**").hasRole(Role.ADMIN.name());
    }

    record NewPerson(
            @NotNull String username,
            @Size(max = 128) String displayName,
            @NotNull String password,
            @NotEmpty Set<@NotNull Role> roles,
            @Size(max = 50) Set<@NotNull String> teams) {
    }

    /** Only what is given changes; roles, teams and name of a person from a provider are the provider's. */
    record Change(
            @Size(max = 128) String displayName,
            Set<@NotNull Role> roles,
            @Size(max = 50) Set<@NotNull String> teams,
            Boolean enabled) {
    }

    record PasswordReset(@NotNull String password) {
    }

    @GetMapping
    @Operation(summary = "Everyone who can sign in, by user name",
            description = "Filtered by team, role, source (LOCAL, OIDC, LDAP) and enabled, when given.")
    List<UserView> list(@RequestParam(required = false) String team, @RequestParam(required = false) Role role,
            @RequestParam(required = false) Source source, @RequestParam(required = false) Boolean enabled) {
        String teamName = team == null ? null : team.strip().toLowerCase(Locale.ROOT);
        return accounts.list().stream()
                .filter(p -> teamName == null || p.teams().contains(teamName))
                .filter(p -> role == null || p.roles().contains(role))
                .filter(p -> source == null || p.source() == source)
                .filter(p -> enabled == null || p.enabled() == enabled)
                .toList();
    }

    @PostMapping
    @Operation(summary = "Create a local account (people from the identity provider are created at their first sign-in)")
    ResponseEntity<UserView> create(@Valid @RequestBody NewPerson person) {
        UserView created = accounts.create(person.username(), person.displayName(), person.password(), person.roles(),
                person.teams());
        return ResponseEntity.created(URI.create("/api/v1/people/" + created.username())).body(created);
    }

    @GetMapping("/{username}")
    @Operation(summary = "One person")
    UserView get(@PathVariable String username) {
        return find(username);
    }

    @PatchMapping("/{username}")
    @Operation(summary = "Change a person's name, roles, teams, or whether they may sign in",
            description = "All given fields change together, or none does. Disabling ends their sessions and stops their "
                    + "tokens. The last enabled administrator cannot be demoted or disabled (409).")
    UserView change(@PathVariable String username, @Valid @RequestBody Change change) {
        return accounts.change(find(username).id(), change.displayName(), change.roles(), change.teams(), change.enabled());
    }

    @PostMapping("/{username}/password")
    @Operation(summary = "Reset a local account's password; their sessions end")
    ResponseEntity<Void> resetPassword(@PathVariable String username, @Valid @RequestBody PasswordReset reset) {
        accounts.resetPassword(find(username).id(), reset.password());
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{username}/tokens")
    @Operation(summary = "The person's personal API tokens, without their secrets")
    List<TokenView> tokens(@Parameter(description = "user name") @PathVariable String username) {
        return tokens.listOwnedBy(find(username).id());
    }

    private UserView find(String username) {
        return accounts.findByUsername(username).orElseThrow(() -> new SecurityProblems.UserNotFound(username));
    }
}
