package dev.goldenfive.security;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface AppUserRepository extends JpaRepository<AppUser, Long> {

    @Query("select u from AppUser u where lower(u.username) = lower(?1)")
    Optional<AppUser> findByUsername(String username);

    List<AppUser> findAllByOrderByUsername();

    @Query("select u from AppUser u join u.teams t where u.enabled = true and t = ?1 order by u.username")
    List<AppUser> findEnabledInTeam(String team);

    Optional<AppUser> findBySourceAndExternalId(Source source, String externalId);

    @Query("select count(u) from AppUser u join u.roles r where u.enabled = true and r = dev.goldenfive.security.Role.ADMIN")
    long countActiveAdmins();
}
