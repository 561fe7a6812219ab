package dev.goldenfive.security;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Groups from a provider or directory, turned into roles and paging teams by the configured rules. */
class GroupRulesTest {

    private static SecuritySettings.GroupRule rule(String group, String pattern, Set<Role> roles, List<String> teams) {
        return new SecuritySettings.GroupRule(group, pattern, roles, teams);
    }

    @Test
    void aPersonHoldsEveryRoleAndTeamOfEveryRuleTheirGroupsMatch() {
        var rules = new GroupRules(List.of(
                rule("SRE", null, Set.of(Role.RESPONDER), List.of()),
                rule(null, "team-(.+)", Set.of(), List.of("$1")),
                rule("platform-admins", null, Set.of(Role.ADMIN, Role.MANAGER), List.of("platform"))));

        var grant = rules.grant(List.of("sre", "team-Payments", "platform-admins", "marketing"));

        assertThat(grant.roles()).containsExactlyInAnyOrder(Role.RESPONDER, Role.ADMIN, Role.MANAGER);
        assertThat(grant.teams()).containsExactly("payments", "platform");
        assertThat(grant.matched()).containsExactly("platform-admins", "sre", "team-Payments");
        assertThat(rules.grant(List.of("marketing")).roles()).isEmpty();
    }

    @Test
    void aPatternMatchesTheWholeNameAndTeamsFromGroupsAreKeptAsAnAdministratorMaySetThem() {
        var rules = new GroupRules(List.of(rule(null, "team-(.+)", Set.of(), List.of("$1", "$2"))));

        assertThat(rules.grant(List.of("old-team-x")).teams()).as("not a match of part of the name").isEmpty();
        assertThat(rules.grant(List.of("team-" + "x".repeat(101), "team-a\u0007b")).teams()).as("too long, a control character").isEmpty();
        assertThat(rules.grant(IntStream.range(0, 80).mapToObj(i -> "team-t" + i).toList()).teams()).hasSize(GroupRules.MAX_TEAMS);
    }

    @Test
    void aDirectoryNameIsOnePersonWhateverItsCaseSpacingOrOrderOfValues() {
        assertThat(DirectorySignIn.normalised("uid=Carol, ou=People,DC=Example,dc=test"))
                .isEqualTo(DirectorySignIn.normalised("uid=carol,ou=people,dc=example,dc=test"))
                .isEqualTo("uid=carol,ou=people,dc=example,dc=test");
        assertThat(DirectorySignIn.normalised("cn=John Smith+uid=js1,ou=p"))
                .isEqualTo(DirectorySignIn.normalised("UID=js1+cn=john smith,ou=p"))
                .isNotEqualTo(DirectorySignIn.normalised("cn=John Smith+uid=js2,ou=p"));
        assertThat(DirectorySignIn.normalised("cn=Ops\\, EU,ou=groups")).isEqualTo("cn=ops\\, eu,ou=groups");
    }
}
