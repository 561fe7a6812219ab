-- Monitors: a probe of a target that the agents of a service run on their own, every interval_seconds. With a
-- runbook, the monitor is also a detection rule: fail_after consecutive failed results from at least min_agents
-- agents open an incident on that runbook (t0: the first failed result).
create table monitor (
    id                  bigint generated always as identity primary key,
    name                varchar(100) not null,
    probe               varchar(10)  not null check (probe in ('reference', 'dns', 'icmp', 'http', 'goproxy', 'gosumdb')),
    target              varchar(500) not null,
    module              varchar(200),
    interval_seconds    int          not null check (interval_seconds between 5 and 3600),
    service             varchar(100) not null,
    environment         varchar(50),
    runbook             varchar(63),
    severity            varchar(4)   not null default 'SEV2',
    fail_after          int          not null default 2 check (fail_after between 1 and 100),
    min_agents          int          not null default 1 check (min_agents between 1 and 100),
    resolve_on_recovery boolean      not null default false,
    created_at          timestamptz  not null,
    created_by          varchar(100) not null,
    updated_at          timestamptz  not null
);
create unique index monitor_name_uq on monitor (lower(name));

-- The incident a monitor opened, while it is open: one at a time per monitor (and so per service), across replicas.
create table monitor_incident (
    monitor_id   bigint primary key references monitor (id) on delete cascade,
    incident_id  bigint      not null references incident (id),
    recovered_at timestamptz
);

-- Which monitor a result was taken for (its 'monitor' label), to count consecutive failures per agent.
alter table probe_result add column monitor_id bigint references monitor (id) on delete set null;
create index probe_result_monitor_idx on probe_result (monitor_id, source, started_at desc, id desc) where monitor_id is not null;
