-- Escalation policies: who is paged, level after level, for the services they name (a document each).
create table escalation_policy (
    key        varchar(63)  primary key,
    document   jsonb        not null,
    updated_at timestamptz  not null,
    updated_by varchar(100) not null
);

-- An incident's paging: the level paged last and when the next is due. Worked under the row lock, so each page
-- and escalation happens once across replicas; done when someone acknowledges or it is resolved.
create table incident_paging (
    incident_id bigint       primary key references incident (id),
    policy      varchar(63)  not null,
    level       int          not null,
    round       int          not null,
    next_at     timestamptz,
    done_at     timestamptz
);
create index incident_paging_due_idx on incident_paging (next_at) where done_at is null;
