package dev.goldenfive.security;

import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.web.InvalidField;

/** Creating and administering the people who sign in. */
@Service
@Transactional
public class UserAccounts implements UserDetailsService {

    static final Pattern USERNAME = Pattern.compile("^[a-z0-9][a-z0-9._@-]{1,63}$");

    private final AppUserRepository users;
    private final PasswordEncoder passwords;
    private final LoginThrottle throttle;
    private final JdbcClient jdbc;
    private final Audit audit;
    private final Clock clock;
    private final boolean passwordSignIn;

    UserAccounts(AppUserRepository users, PasswordEncoder passwords, LoginThrottle throttle, JdbcClient jdbc, Audit audit,
            SecuritySettings settings, Clock clock) {
        this.users = users;
        this.passwords = passwords;
        this.throttle = throttle;
        this.jdbc = jdbc;
        this.audit = audit;
        this.passwordSignIn = settings.passwordSignIn();
        this.clock = clock;
    }

    public UserView create(String username, String displayName, String password, Set<Role> roles) {
        return create(username, displayName, password, roles, Set.of());
    }

    /** A local account, which signs in with its password here. */
    public UserView create(String username, String displayName, String password, Set<Role> roles, Set<String> teams) {
        String name = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(name).matches()) {
            throw new InvalidField("username", "must be 2–64 characters: lower-case letters, digits, '.', '_', '@' or '-'", "users.problem.username");
        }
        PasswordPolicy.check("password", password, name, displayName);
        if (roles == null || roles.isEmpty()) {
            throw new InvalidField("roles", "must hold at least one role", "users.problem.roles");
        }
        if (users.findByUsername(name).isPresent()) {
            throw new SecurityProblems.UsernameTaken(name);
        }
        String shownName = displayName == null || displayName.isBlank() ? name : displayName.trim();
        Set<String> teamNames = teams(teams);
        try {
            AppUser user = new AppUser(name, shownName, passwords.encode(password), roles, clock.instant());
            user.changeTeams(teamNames);
            UserView created = UserView.of(users.saveAndFlush(user));
            audit.record("person.created", AuditEvent.Outcome.SUCCESS, name, Map.of("roles", created.roles(), "teams", teamNames));
            return created;
        }
        catch (DataIntegrityViolationException raced) {
            throw new SecurityProblems.UsernameTaken(name);
        }
    }

    @Transactional(readOnly = true)
    public List<UserView> list() {
        return users.findAllByOrderByUsername().stream().map(UserView::of).toList();
    }

    /** The enabled members of a paging team (any case), by user name. */
    @Transactional(readOnly = true)
    public List<UserView> inTeam(String team) {
        String name = team == null ? "" : team.strip().toLowerCase(Locale.ROOT);
        return users.findEnabledInTeam(name).stream().map(UserView::of).toList();
    }

    @Transactional(readOnly = true)
    public UserView get(long id) {
        return UserView.of(find(id));
    }

    @Transactional(readOnly = true)
    public Optional<UserView> findByUsername(String username) {
        return users.findByUsername(username).map(UserView::of);
    }

    public UserView changeRoles(long id, Set<Role> roles) {
        if (roles == null || roles.isEmpty()) {
            throw new InvalidField("roles", "must hold at least one role", "users.problem.roles");
        }
        serializeAdminChanges();
        AppUser user = local(find(id), "roles");
        Set<Role> before = user.roles();
        boolean wasAdmin = user.isActiveAdmin();
        user.changeRoles(roles);
        refuseIfNoAdminLeft(wasAdmin && !user.isActiveAdmin());
        if (!before.equals(user.roles())) {
            audit.record("person.roles", AuditEvent.Outcome.SUCCESS, user.username(), Audit.change(before, user.roles()));
        }
        return UserView.of(user);
    }

    /** Several changes of one person at once: all of them, or (when one is refused) none. Null leaves a field as it is. */
    public UserView change(long id, String displayName, Set<Role> roles, Set<String> teams, Boolean enabled) {
        if (displayName != null) {
            changeDisplayName(id, displayName);
        }
        if (roles != null) {
            changeRoles(id, roles);
        }
        if (teams != null) {
            changeTeams(id, teams);
        }
        if (enabled != null) {
            setEnabled(id, enabled);
        }
        return get(id);
    }

    /** The paging teams of a local account (a person from a provider has the teams of their groups). */
    public UserView changeTeams(long id, Set<String> teams) {
        AppUser user = local(find(id), "teams");
        Set<String> before = user.teams();
        user.changeTeams(teams(teams));
        if (!before.equals(user.teams())) {
            audit.record("person.teams", AuditEvent.Outcome.SUCCESS, user.username(), Audit.change(before, user.teams()));
        }
        return UserView.of(user);
    }

    public UserView changeDisplayName(long id, String displayName) {
        AppUser user = local(find(id), "displayName");
        String name = displayName == null ? "" : displayName.strip();
        if (name.isEmpty() || name.length() > 128 || name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidField("displayName", "must be 1–128 printable characters", "users.problem.displayName");
        }
        if (!name.equals(user.displayName())) {
            audit.record("person.display-name", AuditEvent.Outcome.SUCCESS, user.username(),
                    Audit.change(user.displayName(), name));
            user.changeDisplayName(name);
        }
        return UserView.of(user);
    }

    public UserView setEnabled(long id, boolean enabled) {
        serializeAdminChanges();
        AppUser user = find(id);
        boolean wasAdmin = user.isActiveAdmin();
        boolean was = user.enabled();
        if (enabled) {
            user.enable();
        }
        else {
            user.disable(AppUser.DisabledBy.ADMIN, clock.instant());
        }
        refuseIfNoAdminLeft(wasAdmin && !user.isActiveAdmin());
        if (was != enabled) {
            audit.record(enabled ? "person.enabled" : "person.disabled", AuditEvent.Outcome.SUCCESS, user.username(),
                    Map.of("by", "admin"));
        }
        return UserView.of(user);
    }

    /** Also lifts a sign-in block on the user name: the person now has a password nobody has been guessing. */
    public void resetPassword(long id, String newPassword) {
        AppUser user = local(find(id), "password");
        checkNewPassword("password", newPassword, user);
        user.changePassword(passwords.encode(newPassword), clock.instant());
        throttle.forget(user.username());
        audit.record("person.password-reset", AuditEvent.Outcome.SUCCESS, user.username(), Map.of());
    }

    /**
     * A wrong current password counts as a failed sign-in of the user name from {@code address}, so the
     * account page cannot be used to guess it; while that name or address is blocked, nothing is checked.
     */
    public void changeOwnPassword(long id, String currentPassword, String newPassword, String address) {
        AppUser user = local(find(id), "currentPassword");
        var blocked = throttle.admit(user.username(), address);
        if (blocked.isPresent()) {
            long seconds = LoginThrottled.secondsOf(blocked.get());
            throw new InvalidField("currentPassword", "was tried wrongly too often; try again in " + seconds + " seconds",
                    "account.problem.throttled", seconds);
        }
        boolean matches = false;
        try {
            matches = currentPassword != null && passwords.matches(currentPassword, user.passwordHash());
        }
        finally {
            throttle.settle(user.username(), address, matches ? LoginThrottle.Outcome.SUCCESS : LoginThrottle.Outcome.FAILURE);
        }
        if (!matches) {
            throw new InvalidField("currentPassword", "is not your current password", "account.problem.wrong");
        }
        checkNewPassword("newPassword", newPassword, user);
        user.changePassword(passwords.encode(newPassword), clock.instant());
        audit.record("person.password-changed", AuditEvent.Outcome.SUCCESS, user.username(), Map.of());
    }

    private void checkNewPassword(String field, String password, AppUser user) {
        PasswordPolicy.check(field, password, user.username(), user.displayName());
        if (passwords.matches(password, user.passwordHash())) {
            throw new InvalidField(field, "must differ from the current password", "password.problem.same");
        }
    }

    /**
     * The local account of that name, for the password form; a person from a provider signs in there, and no
     * local account signs in with a password while {@code password-sign-in} is off.
     */
    @Override
    @Transactional(readOnly = true)
    public SignedInUser loadUserByUsername(String username) {
        AppUser user = users.findByUsername(username)
                .filter(u -> u.source() == Source.LOCAL && passwordSignIn)
                .orElseThrow(() -> new UsernameNotFoundException(username));
        return new SignedInUser(user.id(), user.username(), user.displayName(), user.passwordHash(), user.enabled(),
                user.roles(), clock.instant());
    }

    /** The person as a session holds them, loaded now, without a password: for a session that goes on after a change. */
    @Transactional(readOnly = true)
    SignedInUser signedInNow(long id) {
        AppUser user = find(id);
        return new SignedInUser(user.id(), user.username(), user.displayName(), null, user.enabled(), user.roles(),
                clock.instant());
    }

    /** Whether a person of that name signs in with a password kept here. */
    @Transactional(readOnly = true)
    boolean isLocal(String username) {
        return username != null && users.findByUsername(username).filter(u -> u.source() == Source.LOCAL).isPresent();
    }

    /**
     * The person just signed in, as they are now; a local account's sign-in is noted here (a provider's sign-in
     * noted it already, in the transaction that brought the person up to date).
     */
    UserView signedIn(long id) {
        AppUser user = find(id);
        if (user.source() == Source.LOCAL) {
            user.signedIn(clock.instant());
        }
        return UserView.of(user);
    }

    /** What a browser session is checked against: whether the person may still sign in, since when, with which roles. */
    record Standing(boolean enabled, Instant signedOutAt, Set<Role> roles) {
    }

    @Transactional(readOnly = true)
    Optional<Standing> current(long id) {
        // asked on every browser request and stream heartbeat: one small query, no entity
        return jdbc.sql("""
                select u.enabled, u.signed_out_at, array(select r.role from app_user_role r where r.user_id = u.id) as roles
                from app_user u where u.id = :id
                """)
                .param("id", id)
                .query((rs, row) -> {
                    Set<Role> roles = EnumSet.noneOf(Role.class);
                    for (String role : (String[]) rs.getArray("roles").getArray()) {
                        roles.add(Role.valueOf(role));
                    }
                    return new Standing(rs.getBoolean("enabled"), rs.getTimestamp("signed_out_at").toInstant(),
                            Collections.unmodifiableSet(roles));
                })
                .optional();
    }

    /** Creates the first administrator unless a user of that name exists; true when it was created. */
    boolean createAdminIfMissing(String username, String password) {
        if (users.findByUsername(username).isPresent()) {
            return false;
        }
        PasswordPolicy.check("GOLDENFIVE_ADMIN_PASSWORD", password, username, null);
        users.saveAndFlush(new AppUser(username, "Administrator", passwords.encode(password),
                Set.of(Role.ADMIN, Role.MANAGER, Role.RESPONDER), clock.instant()));
        return true;
    }

    /**
     * Two administrators demoting each other at the same moment would each still see the other one; changes
     * that can remove an administrator therefore take turns (until the transaction ends, on every replica).
     */
    private void serializeAdminChanges() {
        jdbc.sql("select 1 from pg_advisory_xact_lock(hashtext('goldenfive.admins'))").query(Integer.class).single();
    }

    private void refuseIfNoAdminLeft(boolean removedAnAdmin) {
        if (removedAnAdmin) {
            users.flush();
            if (users.countActiveAdmins() == 0) {
                throw new SecurityProblems.LastAdmin();
            }
        }
    }

    /** Teams as stored: trimmed, in lower case (schedules name them in any case), each 1–100 characters, at most 50. */
    static Set<String> teams(Set<String> teams) {
        if (teams == null) {
            return Set.of();
        }
        Set<String> names = new TreeSet<>();
        for (String team : teams) {
            names.add(teamName(team).orElseThrow(() -> new InvalidField("teams", "each team must be 1–100 printable characters",
                    "users.problem.team")));
        }
        if (names.size() > GroupRules.MAX_TEAMS) {
            throw new InvalidField("teams", "must be at most 50 teams", "users.problem.teams");
        }
        return names;
    }

    /** A team's name as stored, or empty when it is no usable name (blank, longer than 100, a control character). */
    static Optional<String> teamName(String team) {
        String name = team == null ? "" : team.strip().toLowerCase(Locale.ROOT);
        return name.isEmpty() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl)
                ? Optional.empty() : Optional.of(name);
    }

    /** Roles, teams, name and password of a person from a provider are the provider's to say. */
    private static AppUser local(AppUser user, String field) {
        if (user.source() != Source.LOCAL) {
            throw new InvalidField(field, "follows the identity provider for this person (signs in with "
                    + user.source().method() + "); change it there", "users.problem.provider");
        }
        return user;
    }

    private AppUser find(long id) {
        return users.findById(id).orElseThrow(() -> new SecurityProblems.UserNotFound(id));
    }
}
