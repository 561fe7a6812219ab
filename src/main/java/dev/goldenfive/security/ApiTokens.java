package dev.goldenfive.security;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.web.InvalidField;

/** Issuing, listing, revoking and checking bearer tokens. */
@Service
@Transactional
public class ApiTokens {

    static final String PROVISIONED_NAME = "GOLDENFIVE_ADMIN_TOKEN";
    private static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);
    private static final int MAX_NAME = 100;

    private final ApiTokenRepository tokens;
    private final AppUserRepository users;
    private final JdbcClient jdbc;
    private final Audit audit;
    private final ProviderChecks checks;
    private final Clock clock;

    ApiTokens(ApiTokenRepository tokens, AppUserRepository users, JdbcClient jdbc, Audit audit, ProviderChecks checks,
            Clock clock) {
        this.tokens = tokens;
        this.users = users;
        this.jdbc = jdbc;
        this.audit = audit;
        this.checks = checks;
        this.clock = clock;
    }

    /** A personal token of the user, carrying the user's roles for as long as they hold them. */
    public IssuedToken issuePersonal(long userId, String name, Integer expiresInDays) {
        AppUser owner = users.findById(userId).orElseThrow(() -> new SecurityProblems.UserNotFound(userId));
        return issue(TokenKind.PERSONAL, name, owner.id(), userId, expiresInDays, null, null);
    }

    /**
     * A personal token made with another one: it expires no later than the token that made it, so a
     * short-lived token cannot be turned into a lasting one, and it is revoked with it.
     */
    IssuedToken issuePersonalWith(TokenPrincipal caller, String name, Integer expiresInDays) {
        // the maker's row held until this commits: a revocation at the same moment either comes first (and
        // this one is refused) or waits, and then finds the new token to revoke as well
        List<Instant> maker = jdbc.sql("select expires_at from api_token where id = :id and revoked_at is null for share")
                .param("id", caller.tokenId())
                .query((rs, row) -> rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant())
                .list();
        if (maker.isEmpty()) {
            throw new SecurityProblems.TokenNotFound(caller.tokenId());
        }
        Instant callerExpiry = maker.getFirst();
        return issue(TokenKind.PERSONAL, name, caller.userId(), caller.userId(), expiresInDays, callerExpiry, caller.tokenId());
    }

    /** A token for a machine that may only post to the ingest endpoints. */
    public IssuedToken issueAgent(String name, long issuedBy) {
        return issue(TokenKind.AGENT, name, null, issuedBy, null, null, null);
    }

    private IssuedToken issue(TokenKind kind, String name, Long ownerId, long issuedBy, Integer expiresInDays,
            Instant notAfter, Long mintedBy) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME) {
            throw new InvalidField("name", "must be 1–" + MAX_NAME + " characters", "tokens.problem.name", MAX_NAME);
        }
        if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > 3650)) {
            throw new InvalidField("expiresInDays", "must be between 1 and 3650 days, or absent for no expiry", "tokens.problem.expiry");
        }
        // as PostgreSQL stores it, so what is shown now is what is listed later
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant expiresAt = expiresInDays == null ? null : now.plus(Duration.ofDays(expiresInDays));
        if (notAfter != null && (expiresAt == null || expiresAt.isAfter(notAfter))) {
            expiresAt = notAfter;
        }
        String secret = TokenSecret.generate(kind);
        ApiToken token = tokens.save(new ApiToken(kind, trimmed, secret, ownerId, issuedBy, now, expiresAt, mintedBy));
        TokenView issued = view(token, ownerNames(List.of(token)));
        recordTokenEvent("token.issued", issued, mintedBy);
        return new IssuedToken(issued, secret);
    }

    @Transactional(readOnly = true)
    public List<TokenView> listOwnedBy(long userId) {
        return views(tokens.findByOwnerIdOrderByCreatedAtDesc(userId));
    }

    @Transactional(readOnly = true)
    public List<TokenView> listAll() {
        return views(tokens.findAllByOrderByCreatedAtDesc());
    }

    /** The tokens with these ids (those that exist), without their secrets. */
    @Transactional(readOnly = true)
    public List<TokenView> find(Collection<Long> ids) {
        return views(tokens.findAllById(ids));
    }

    /** Revokes a token of the user's own. */
    public TokenView revokeOwn(long userId, long tokenId) {
        ApiToken token = tokens.findById(tokenId)
                .filter(t -> t.ownerId() != null && t.ownerId() == userId)
                .orElseThrow(() -> new SecurityProblems.TokenNotFound(tokenId));
        return revoked(token);
    }

    /** Revokes any token (administrators), and with it the tokens made with it. */
    public TokenView revoke(long tokenId) {
        return revoked(tokens.findById(tokenId).orElseThrow(() -> new SecurityProblems.TokenNotFound(tokenId)));
    }

    private TokenView revoked(ApiToken token) {
        token.revoke(clock.instant());
        revokeMintedWith(List.of(token.id()));
        TokenView revoked = view(token, ownerNames(List.of(token)));
        recordTokenEvent("token.revoked", revoked, null);
        return revoked;
    }

    /** The subject is the token's owner (or {@code agent:name}); the detail says which token. */
    private void recordTokenEvent(String action, TokenView token, Long mintedBy) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("token", token.id());
        detail.put("name", token.name());
        detail.put("kind", token.kind().name());
        detail.put("prefix", token.prefix());
        if (token.expiresAt() != null) {
            detail.put("expiresAt", token.expiresAt().toString());
        }
        if (mintedBy != null) {
            detail.put("madeWith", mintedBy);
        }
        audit.record(action, AuditEvent.Outcome.SUCCESS, token.owner() == null ? "agent:" + token.name() : token.owner(), detail);
    }

    /** Every token made with one of {@code roots}, and made with those, however deep: a leaked token takes its offspring along. */
    private void revokeMintedWith(List<Long> roots) {
        if (roots.isEmpty()) {
            return;
        }
        tokens.flush();
        List<Long> revoked = jdbc.sql("""
                with recursive minted as (
                    select id from api_token where minted_by = any(:roots)
                    union
                    select t.id from api_token t join minted m on t.minted_by = m.id)
                update api_token set revoked_at = :now where id in (select id from minted) and revoked_at is null
                returning id
                """)
                .param("roots", SqlArrays.of("int8", roots.toArray()))
                .param("now", Timestamp.from(clock.instant()))
                .query(Long.class).list();
        if (!revoked.isEmpty()) {
            audit.record("token.revoked", AuditEvent.Outcome.SUCCESS, null,
                    Map.of("tokens", revoked, "because", "made with a revoked token", "madeWith", roots));
        }
    }

    /**
     * The caller behind a presented token, if the token is known, matches, is neither revoked nor expired,
     * and (for a personal token) its owner is still enabled. The roles are the owner's current roles.
     */
    Optional<AuthenticatedToken> authenticate(String presented) {
        Instant now = clock.instant();
        Optional<AuthenticatedToken> caller = tokens.findByLookup(TokenSecret.lookupOf(presented))
                .filter(t -> TokenSecret.matches(presented, t.secretHash()))
                .flatMap(t -> callerOf(t, now));
        caller.ifPresent(c -> tokens.touch(c.principal().tokenId(), now, now.minus(LAST_USED_PRECISION)));
        return caller;
    }

    /** The caller behind a token already presented, as it stands now: empty once revoked, expired or its owner disabled. */
    @Transactional(readOnly = true)
    Optional<AuthenticatedToken> current(long tokenId) {
        return tokens.findById(tokenId).flatMap(t -> callerOf(t, clock.instant()));
    }

    private Optional<AuthenticatedToken> callerOf(ApiToken token, Instant now) {
        if (!token.isUsable(now)) {
            return Optional.empty();
        }
        if (token.kind() == TokenKind.AGENT) {
            return Optional.of(new AuthenticatedToken(
                    new TokenPrincipal(token.id(), TokenKind.AGENT, token.name(), null, null), List.of("ROLE_AGENT")));
        }
        return users.findById(token.ownerId()).filter(AppUser::enabled).filter(owner -> vouchedFor(owner, now))
                .map(owner -> new AuthenticatedToken(
                        new TokenPrincipal(token.id(), TokenKind.PERSONAL, token.name(), owner.id(), owner.username()),
                        owner.roles().stream().map(Role::authority).toList()));
    }

    /**
     * A person the periodic check cannot ask the provider about (it gave no refresh token, or one that can no
     * longer be read) uses their tokens only within two check intervals of their last sign-in, so they do not keep
     * working tokens after they leave. A person it can ask keeps them until the provider says otherwise, also
     * while the provider is away.
     */
    private boolean vouchedFor(AppUser owner, Instant now) {
        Duration window = checks.vouchWindow(owner.source());
        return window == null || owner.checkable()
                || (owner.providerVouchedAt() != null && owner.providerVouchedAt().isAfter(now.minus(window)));
    }

    record AuthenticatedToken(TokenPrincipal principal, List<String> authorities) {
    }

    /**
     * Makes {@code value} a working admin token owned by {@code adminUsername}, and revokes any earlier
     * provisioned token with another value; with no value, revokes them all. A value a person revoked stays
     * revoked (false is returned): a leaked token must not come back with a restart. Safe to run on many
     * replicas at once.
     */
    boolean provisionAdminToken(String value, String adminUsername) {
        Instant now = clock.instant();
        if (value == null || value.isBlank()) {
            revokeProvisioned(jdbc.sql("update api_token set revoked_at = :now where provisioned and revoked_at is null returning id")
                    .param("now", Timestamp.from(now)).query(Long.class).list());
            return false;
        }
        AppUser admin = users.findByUsername(adminUsername)
                .orElseThrow(() -> new IllegalStateException("No user " + adminUsername + " to own the admin token"));
        String lookup = TokenSecret.lookupOf(value);
        // one row inserted or restored: the value works; none: a person revoked it (or another token has it)
        boolean usable = jdbc.sql("""
                insert into api_token (kind, name, lookup, secret_hash, owner_id, created_by, provisioned, created_at)
                values ('PERSONAL', :name, :lookup, :hash, :owner, :owner, true, :now)
                on conflict (lookup) do update set revoked_at = null
                    where api_token.provisioned and api_token.secret_hash = excluded.secret_hash
                        and not api_token.revoked_by_person
                """)
                .param("name", PROVISIONED_NAME)
                .param("lookup", lookup)
                .param("hash", TokenSecret.hash(value))
                .param("owner", admin.id())
                .param("now", Timestamp.from(now))
                .update() == 1;
        revokeProvisioned(jdbc.sql("""
                        update api_token set revoked_at = :now where provisioned and revoked_at is null and lookup <> :lookup
                        returning id""")
                .param("now", Timestamp.from(now)).param("lookup", lookup).query(Long.class).list());
        return usable;
    }

    /** Earlier values of GOLDENFIVE_ADMIN_TOKEN, revoked at this start (said in the audit), and the tokens made with them. */
    private void revokeProvisioned(List<Long> revoked) {
        if (!revoked.isEmpty()) {
            audit.record("token.revoked", AuditEvent.Outcome.SUCCESS, "system", null, null, null,
                    Map.of("tokens", revoked, "because", PROVISIONED_NAME + " changed or was removed"));
        }
        revokeMintedWith(revoked);
    }

    private List<TokenView> views(List<ApiToken> list) {
        Map<Long, String> owners = ownerNames(list);
        return list.stream().map(t -> view(t, owners)).toList();
    }

    private Map<Long, String> ownerNames(List<ApiToken> list) {
        List<Long> ids = list.stream().map(ApiToken::ownerId).filter(Objects::nonNull).distinct().toList();
        return users.findAllById(ids).stream().collect(Collectors.toMap(AppUser::id, AppUser::username));
    }

    private TokenView view(ApiToken t, Map<Long, String> owners) {
        return new TokenView(t.id(), t.kind(), t.name(), t.lookup(), t.ownerId() == null ? null : owners.get(t.ownerId()),
                t.provisioned(), t.createdAt(), t.expiresAt(), t.lastUsedAt(), t.revokedAt(),
                t.isUsable(clock.instant()));
    }
}
