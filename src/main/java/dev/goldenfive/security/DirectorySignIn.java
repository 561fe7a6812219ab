package dev.goldenfive.security;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import javax.naming.InvalidNameException;
import javax.naming.NamingException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import org.springframework.ldap.NameNotFoundException;
import org.springframework.ldap.core.DirContextAdapter;
import org.springframework.ldap.core.DirContextOperations;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.ldap.DefaultSpringSecurityContextSource;
import org.springframework.security.ldap.SpringSecurityLdapTemplate;
import org.springframework.security.ldap.authentication.AbstractLdapAuthenticationProvider;
import org.springframework.security.ldap.authentication.BindAuthenticator;
import org.springframework.security.ldap.authentication.LdapAuthenticationProvider;
import org.springframework.security.ldap.authentication.ad.ActiveDirectoryLdapAuthenticationProvider;
import org.springframework.security.ldap.search.FilterBasedLdapUserSearch;
import org.springframework.security.ldap.userdetails.DefaultLdapAuthoritiesPopulator;
import org.springframework.security.ldap.userdetails.UserDetailsContextMapper;

/**
 * Sign-in against the company's directory: a bind as the person (LDAP, or Active Directory), their groups looked
 * up, and the person signed in here through {@link ProviderPeople} with the same group rules as OpenID Connect.
 */
final class DirectorySignIn implements AuthenticationProvider {

    /** The entry as the bind found it: its DN, name and address. */
    private record Entry(String dn, String username, String displayName, String email,
            Collection<? extends GrantedAuthority> groups) {
    }

    private static final String PERMANENT_LOCK = "000001010000Z";

    private final SecuritySettings.Ldap settings;
    private final ProviderPeople people;
    /** Names of local accounts: their wrong passwords are not tried against the directory (nor counted there). */
    private final Predicate<String> localAccount;
    private final AbstractLdapAuthenticationProvider bind;
    /** As the manager, over the whole tree (DNs in full): for the periodic check; null without a manager. */
    private final SpringSecurityLdapTemplate lookups;
    /** Where the groups are, in full: the lookups run over the whole tree. */
    private final String groupBase;

    DirectorySignIn(SecuritySettings.Ldap settings, ProviderPeople people, Predicate<String> localAccount) {
        this.settings = settings;
        this.people = people;
        this.localAccount = localAccount;
        this.bind = settings.activeDirectoryDomain().isBlank() ? directory() : activeDirectory();
        this.bind.setUserDetailsContextMapper(new EntryMapper());
        this.lookups = settings.managerDn().isBlank() ? null : new SpringSecurityLdapTemplate(contextSource(root(settings.url())));
        String base = URI.create(settings.url()).getPath().replaceFirst("^/", "");
        this.groupBase = settings.groupSearchBase().isBlank() ? base
                : base.isBlank() ? settings.groupSearchBase() : settings.groupSearchBase() + "," + base;
    }

    private LdapAuthenticationProvider directory() {
        DefaultSpringSecurityContextSource source = contextSource(settings.url());
        BindAuthenticator authenticator = new BindAuthenticator(source);
        if (settings.userDnPatterns().isEmpty()) {
            authenticator.setUserSearch(new FilterBasedLdapUserSearch(settings.userSearchBase(), settings.userSearchFilter(), source));
        }
        else {
            authenticator.setUserDnPatterns(settings.userDnPatterns().toArray(String[]::new));
        }
        DefaultLdapAuthoritiesPopulator groups = new DefaultLdapAuthoritiesPopulator(source, settings.groupSearchBase());
        groups.setGroupSearchFilter(settings.groupSearchFilter());
        groups.setGroupRoleAttribute(settings.groupNameAttribute());
        groups.setRolePrefix("");
        groups.setConvertToUpperCase(false);
        groups.setSearchSubtree(true);
        groups.setIgnorePartialResultException(true);
        return new LdapAuthenticationProvider(authenticator, groups);
    }

    /** The groups are the names of the entries in {@code memberOf}. */
    private ActiveDirectoryLdapAuthenticationProvider activeDirectory() {
        var provider = new ActiveDirectoryLdapAuthenticationProvider(settings.activeDirectoryDomain(), settings.url());
        provider.setConvertSubErrorCodesToExceptions(true);
        return provider;
    }

    private DefaultSpringSecurityContextSource contextSource(String url) {
        DefaultSpringSecurityContextSource source = new DefaultSpringSecurityContextSource(url);
        if (!settings.managerDn().isBlank()) {
            source.setUserDn(settings.managerDn());
            source.setPassword(settings.managerPassword());
        }
        source.afterPropertiesSet();
        return source;
    }

    private static String root(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        if (localAccount.test(authentication.getName())) {
            return null;
        }
        Authentication bound = bind.authenticate(authentication);
        if (!(bound.getPrincipal() instanceof EntryDetails details)) {
            return null;
        }
        Entry entry = details.entry();
        SignedInUser person = ProviderPeople.signInRetrying(people, new ProviderPeople.Claims(Source.LDAP, entry.dn(), entry.username(),
                entry.displayName(), entry.email(), entry.groups().stream().map(GrantedAuthority::getAuthority).toList()));
        return UsernamePasswordAuthenticationToken.authenticated(person, null, person.getAuthorities());
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    /** Whether the periodic check can ask the directory (it needs the manager's bind). */
    boolean canCheck() {
        return lookups != null && settings.checkEvery().isPositive();
    }

    /**
     * The person's groups as the directory has them now; empty when their entry is gone or locked (Active
     * Directory's disabled flag, or a password policy's lock).
     */
    Optional<List<String>> groupsNow(String dn, String username) {
        DirContextOperations entry;
        try {
            entry = lookups.retrieveEntry(dn, new String[] {"userAccountControl", "pwdAccountLockedTime", "memberOf"});
        }
        catch (NameNotFoundException gone) {
            return Optional.empty();
        }
        String control = entry.getStringAttribute("userAccountControl");
        boolean adDisabled = control != null && control.matches("\\d+") && (Long.parseLong(control) & 2) != 0;
        // a password policy's permanent lock (an administrator's), not the passing lockout after failed binds,
        // which anyone could cause by guessing
        if (adDisabled || PERMANENT_LOCK.equals(entry.getStringAttribute("pwdAccountLockedTime"))) {
            return Optional.empty();
        }
        if (!settings.activeDirectoryDomain().isBlank()) {
            String[] memberOf = entry.getStringAttributes("memberOf");
            return Optional.of(memberOf == null ? List.of() : Arrays.stream(memberOf).map(DirectorySignIn::commonName)
                    .filter(Objects::nonNull).toList());
        }
        Set<String> groups = lookups.searchForSingleAttributeValues(groupBase, settings.groupSearchFilter(),
                new Object[] {dn, username}, settings.groupNameAttribute());
        return Optional.of(List.copyOf(groups));
    }

    /** A group's name from its DN as Active Directory's sign-in takes it: the value of its first (most specific) part. */
    private static String commonName(String dn) {
        try {
            LdapName name = new LdapName(dn);
            return name.isEmpty() ? null : String.valueOf(name.getRdn(name.size() - 1).getValue());
        }
        catch (InvalidNameException ex) {
            return null;
        }
    }

    /**
     * A DN as one person's key: parsed, attribute names and values in lower case, no spaces between parts, so that
     * {@code uid=Carol, ou=People} and {@code uid=carol,ou=people} are one person.
     */
    static String normalised(String dn) {
        try {
            List<Rdn> parts = new ArrayList<>(new LdapName(dn).getRdns());
            Collections.reverse(parts);
            return parts.stream().map(DirectorySignIn::normalised).collect(Collectors.joining(","));
        }
        catch (InvalidNameException ex) {
            return dn.toLowerCase(Locale.ROOT);
        }
    }

    /** Every type and value of a part (a part may hold several: {@code cn=John Smith+uid=js1}), sorted. */
    private static String normalised(Rdn rdn) {
        List<String> pairs = new ArrayList<>();
        try {
            var attributes = rdn.toAttributes().getAll();
            while (attributes.hasMore()) {
                var attribute = attributes.next();
                var values = attribute.getAll();
                while (values.hasMore()) {
                    Object value = values.next();
                    String text = value instanceof byte[] bytes ? "#" + HexFormat.of().formatHex(bytes)
                            : Rdn.escapeValue(String.valueOf(value).toLowerCase(Locale.ROOT));
                    pairs.add(attribute.getID().toLowerCase(Locale.ROOT) + "=" + text);
                }
            }
        }
        catch (NamingException ex) {
            return rdn.toString().toLowerCase(Locale.ROOT);
        }
        Collections.sort(pairs);
        return String.join("+", pairs);
    }

    /** Keeps what the bind found about the entry, for {@link #authenticate}. */
    private final class EntryMapper implements UserDetailsContextMapper {

        @Override
        public UserDetails mapUserFromContext(DirContextOperations context, String username,
                Collection<? extends GrantedAuthority> authorities) {
            return new EntryDetails(new Entry(normalised(context.getNameInNamespace()), username,
                    context.getStringAttribute(settings.displayNameAttribute()),
                    context.getStringAttribute(settings.emailAttribute()), authorities));
        }

        @Override
        public void mapUserToContext(UserDetails user, DirContextAdapter context) {
            throw new UnsupportedOperationException("goldenfive never writes to the directory");
        }
    }

    private static final class EntryDetails extends User {

        private final transient Entry entry;

        EntryDetails(Entry entry) {
            super(entry.username(), "", entry.groups());
            this.entry = entry;
        }

        Entry entry() {
            return entry;
        }
    }
}
