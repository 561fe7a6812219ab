package dev.goldenfive.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface ApiTokenRepository extends JpaRepository<ApiToken, Long> {

    Optional<ApiToken> findByLookup(String lookup);

    List<ApiToken> findByOwnerIdOrderByCreatedAtDesc(Long ownerId);

    List<ApiToken> findAllByOrderByCreatedAtDesc();

    /** Keeps last-used to the minute so that a busy agent does not write on every request. */
    @Modifying
    @Query("update ApiToken t set t.lastUsedAt = ?2 where t.id = ?1 and (t.lastUsedAt is null or t.lastUsedAt < ?3)")
    int touch(Long id, Instant now, Instant unlessUsedSince);
}
