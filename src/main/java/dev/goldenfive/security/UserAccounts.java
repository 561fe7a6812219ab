package dev.goldenfive.security;

import java.time.Clock;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
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

    static final Pattern USERNAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{1,63}$");

    private final AppUserRepository users;
    private final PasswordEncoder passwords;
    private final LoginThrottle throttle;
    private final JdbcClient jdbc;
    private final Clock clock;

    UserAccounts(AppUserRepository users, PasswordEncoder passwords, LoginThrottle throttle, JdbcClient jdbc, Clock clock) {
        this.users = users;
        this.passwords = passwords;
        this.throttle = throttle;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public UserView create(String username, String displayName, String password, Set<Role> roles) {
        String name = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(name).matches()) {
            throw new InvalidField("username", "must be 2–64 characters: lower-case letters, digits, '.', '_' or '-'", "users.problem.username");
        }
        PasswordPolicy.check("password", password, name, displayName);
        if (roles == null || roles.isEmpty()) {
            throw new InvalidField("roles", "must hold at least one role", "users.problem.roles");
        }
        if (users.findByUsername(name).isPresent()) {
            throw new SecurityProblems.UsernameTaken(name);
        }
        String shownName = displayName == null || displayName.isBlank() ? name : displayName.trim();
        try {
            return UserView.of(users.saveAndFlush(new AppUser(name, shownName, passwords.encode(password), roles, clock.instant())));
        }
        catch (DataIntegrityViolationException raced) {
            throw new SecurityProblems.UsernameTaken(name);
        }
    }

    @Transactional(readOnly = true)
    public List<UserView> list() {
        return users.findAllByOrderByUsername().stream().map(UserView::of).toList();
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
        AppUser user = find(id);
        boolean wasAdmin = user.isActiveAdmin();
        user.changeRoles(roles);
        refuseIfNoAdminLeft(wasAdmin && !user.isActiveAdmin());
        return UserView.of(user);
    }

    public UserView setEnabled(long id, boolean enabled) {
        serializeAdminChanges();
        AppUser user = find(id);
        boolean wasAdmin = user.isActiveAdmin();
        if (enabled) {
            user.enable();
        }
        else {
            user.disable();
        }
        refuseIfNoAdminLeft(wasAdmin && !user.isActiveAdmin());
        return UserView.of(user);
    }

    /** Also lifts a sign-in block on the user name: the person now has a password nobody has been guessing. */
    public void resetPassword(long id, String newPassword) {
        AppUser user = find(id);
        checkNewPassword("password", newPassword, user);
        user.changePassword(passwords.encode(newPassword), clock.instant());
        throttle.forget(user.username());
    }

    /**
     * A wrong current password counts as a failed sign-in of the user name from {@code address}, so the
     * account page cannot be used to guess it; while that name or address is blocked, nothing is checked.
     */
    public void changeOwnPassword(long id, String currentPassword, String newPassword, String address) {
        AppUser user = find(id);
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
    }

    private void checkNewPassword(String field, String password, AppUser user) {
        PasswordPolicy.check(field, password, user.username(), user.displayName());
        if (passwords.matches(password, user.passwordHash())) {
            throw new InvalidField(field, "must differ from the current password", "password.problem.same");
        }
    }

    @Override
    @Transactional(readOnly = true)
    public SignedInUser loadUserByUsername(String username) {
        AppUser user = users.findByUsername(username).orElseThrow(() -> new UsernameNotFoundException(username));
        return new SignedInUser(user.id(), user.username(), user.displayName(), user.passwordHash(), user.enabled(),
                user.roles(), clock.instant());
    }

    @Transactional(readOnly = true)
    Optional<UserView> current(long id) {
        // asked on every browser request: one query, no entity
        return jdbc.sql("""
                select u.id, u.username, u.display_name, u.enabled, u.created_at, u.password_changed_at,
                       array_remove(array_agg(r.role), null) as roles
                from app_user u left join app_user_role r on r.user_id = u.id
                where u.id = :id group by u.id
                """)
                .param("id", id)
                .query((rs, row) -> {
                    Set<Role> roles = EnumSet.noneOf(Role.class);
                    for (String role : (String[]) rs.getArray("roles").getArray()) {
                        roles.add(Role.valueOf(role));
                    }
                    return new UserView(rs.getLong("id"), rs.getString("username"), rs.getString("display_name"),
                            rs.getBoolean("enabled"), Collections.unmodifiableSet(roles), rs.getTimestamp("created_at").toInstant(),
                            rs.getTimestamp("password_changed_at").toInstant());
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

    private AppUser find(long id) {
        return users.findById(id).orElseThrow(() -> new SecurityProblems.UserNotFound(id));
    }
}
