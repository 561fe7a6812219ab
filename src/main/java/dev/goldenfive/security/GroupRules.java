package dev.goldenfive.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The configured rules that turn a provider's or directory's groups into roles and paging teams. */
final class GroupRules {

    /** What the groups grant: every role and team of every rule that matched, and which groups matched one. */
    record Grant(Set<Role> roles, Set<String> teams, Set<String> matched) {
    }

    private record Rule(String group, Pattern pattern, Set<Role> roles, List<String> teams) {
    }

    static final int MAX_TEAMS = 50;

    private final List<Rule> rules;

    GroupRules(List<SecuritySettings.GroupRule> configured) {
        this.rules = configured.stream()
                .map(r -> new Rule(r.group() == null || r.group().isBlank() ? null : r.group().strip(),
                        r.pattern() == null || r.pattern().isBlank() ? null : Pattern.compile(r.pattern()),
                        r.roles().isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(r.roles()), r.teams()))
                .toList();
    }

    Grant grant(Collection<String> groups) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Set<String> teams = new TreeSet<>();
        Set<String> matched = new TreeSet<>();
        for (String group : groups) {
            for (Rule rule : rules) {
                if (rule.group() != null ? rule.group().equalsIgnoreCase(group) : rule.pattern().matcher(group).matches()) {
                    matched.add(group);
                    roles.addAll(rule.roles());
                    for (String team : rule.teams()) {
                        String named = rule.pattern() == null ? team : substitute(rule.pattern().matcher(group), team);
                        // as an administrator may set them, and no more than they may
                        UserAccounts.teamName(named).filter(name -> teams.size() < MAX_TEAMS).ifPresent(teams::add);
                    }
                }
            }
        }
        return new Grant(roles, teams, matched);
    }

    /** {@code $1} and the like in a team's name, from the pattern's groups; a missing group leaves nothing. */
    private static String substitute(Matcher matcher, String team) {
        matcher.matches();
        StringBuilder named = new StringBuilder();
        for (int i = 0; i < team.length(); i++) {
            char c = team.charAt(i);
            if (c == '$' && i + 1 < team.length() && Character.isDigit(team.charAt(i + 1))) {
                int group = team.charAt(++i) - '0';
                if (group <= matcher.groupCount() && matcher.group(group) != null) {
                    named.append(matcher.group(group));
                }
            }
            else {
                named.append(c);
            }
        }
        return named.toString();
    }
}
