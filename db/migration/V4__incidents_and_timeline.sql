-- Incidents: each walks the stages of the runbook version it pins, against the clock from started_at (t0).
create sequence incident_number_seq;

create table incident (
    id                 bigint generated always as identity primary key,
    number             bigint        not null unique,
    title              varchar(200)  not null,
    service            varchar(100)  not null,
    environment        varchar(50)   not null,
    severity           varchar(4)    not null check (severity in ('SEV1', 'SEV2', 'SEV3', 'SEV4')),
    runbook_version_id bigint        not null references runbook_version (id),
    started_at         timestamptz   not null,
    declared_at        timestamptz   not null,
    declared_by        varchar(100)  not null,
    acknowledged_at    timestamptz,
    acknowledged_by    varchar(100),
    commander          varchar(64),
    status             varchar(10)   not null check (status in ('OPEN', 'RESOLVED', 'CLOSED')),
    stage              varchar(63)   not null,
    stage_entered_at   timestamptz   not null,
    -- when the current stage's window ends; set only while OPEN and in a stage (not follow-up)
    next_deadline_at   timestamptz,
    resolved_at        timestamptz,
    resolution_summary varchar(4000),
    closed_at          timestamptz,
    version            bigint        not null,
    constraint incident_deadline_only_when_open check (next_deadline_at is null or status = 'OPEN')
);
-- the timers' one query: due deadlines, earliest first
create index incident_due_idx on incident (next_deadline_at) where next_deadline_at is not null;
create index incident_list_idx on incident (status, started_at desc);

-- Everything that happened to an incident, appended in the transaction of the change it records.
create table timeline_entry (
    id          bigint generated always as identity primary key,
    incident_id bigint        not null references incident (id),
    at          timestamptz   not null,
    kind        varchar(40)   not null,
    actor_kind  varchar(8)    not null check (actor_kind in ('USER', 'AGENT', 'SYSTEM')),
    actor_id    varchar(100)  not null,
    summary     text          not null check (length(summary) <= 10000),
    details     jsonb         not null default '{}'
);
create index timeline_entry_incident_idx on timeline_entry (incident_id, id);

create trigger timeline_entry_append_only before update or delete on timeline_entry
    for each row execute function refuse_change();
