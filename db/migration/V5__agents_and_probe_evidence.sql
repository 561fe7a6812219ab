-- Agents: machines registered by an administrator, each posting with its current agent token.
create table agent (
    id         bigint generated always as identity primary key,
    name       varchar(100) not null,
    labels     jsonb        not null default '{}',
    token_id   bigint       not null references api_token (id),
    created_at timestamptz  not null,
    created_by varchar(100) not null,
    revoked_at timestamptz
);
-- names are unique among agents still in service; a revoked agent's name may be used again
create unique index agent_name_uq on agent (lower(name)) where revoked_at is null;
create unique index agent_token_uq on agent (token_id);

-- Probe results as agents (or people) posted them. (source, client_id) makes a repeated post idempotent:
-- source is the agent, or the person, that sent it, so one sender can never read back another's result.
create table probe_result (
    id          bigint generated always as identity primary key,
    source      varchar(120)  not null,
    client_id   varchar(100)  not null,
    agent_id    bigint references agent (id),
    submitter   varchar(100)  not null,
    incident_id bigint references incident (id),
    received_at timestamptz   not null,
    started_at  timestamptz   not null,
    type        varchar(10)   not null check (type in ('icmp', 'tcp', 'http', 'dns', 'tls', 'goproxy', 'gosumdb', 'command')),
    target      varchar(500)  not null,
    path        varchar(10)   not null check (path in ('direct', 'proxy', 'mirror')),
    success     boolean       not null,
    duration_ms double precision not null,
    -- the whole result as accepted (labels, via, error, phases, dns, http, tls, env, traceId)
    body        jsonb         not null,
    constraint probe_result_sent_once unique (source, client_id)
);
create index probe_result_incident_idx on probe_result (incident_id, started_at desc, id desc) where incident_id is not null;
create index probe_result_started_idx on probe_result (started_at desc, id desc);
create index probe_result_agent_idx on probe_result (agent_id) where agent_id is not null;

-- An incident's evidence: the newest result of each probe (type, target, path) of each sender, kept as
-- results arrive, so evaluating the checks reads a row per probe however many results there are.
create table probe_newest (
    incident_id bigint        not null references incident (id),
    type        varchar(10)   not null,
    target      varchar(500)  not null,
    path        varchar(10)   not null,
    source      varchar(120)  not null,
    result_id   bigint        not null references probe_result (id),
    started_at  timestamptz   not null,
    primary key (incident_id, type, target, path, source)
);

-- The state of an incident's checks and its diagnosis, as last evaluated from its evidence.
create table incident_evidence (
    incident_id    bigint primary key references incident (id),
    checks         jsonb        not null,
    diagnosis_rule varchar(63),
    results        bigint       not null,
    evaluated_at   timestamptz  not null
);
