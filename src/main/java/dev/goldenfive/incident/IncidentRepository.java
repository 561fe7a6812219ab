package dev.goldenfive.incident;

import java.util.Optional;

import jakarta.persistence.LockModeType;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface IncidentRepository extends JpaRepository<Incident, Long> {

    Optional<Incident> findByNumber(long number);

    /** For a change: waits for (and then excludes) the timers and other people acting on it. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select i from Incident i where i.number = :number")
    Optional<Incident> lockByNumber(long number);
}
