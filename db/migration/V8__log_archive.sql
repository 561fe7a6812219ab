-- Log lines. Partitioned by day (range on ts) and, within a day, by environment (list): retention per
-- environment drops whole tables and never deletes row by row. goldenfive makes the partitions a batch
-- needs before it stores it (see log_partition); there is no default partition to catch a miss.
create sequence log_line_id_seq;

create table log_line (
    id          bigint        not null default nextval('log_line_id_seq'),
    ts          timestamptz   not null,
    received_at timestamptz   not null,
    environment varchar(50)   not null,
    service     varchar(100),
    host        varchar(255),
    level       varchar(20),
    message     text          not null,
    trace_id    varchar(64),
    span_id     varchar(32),
    incident    varchar(30),
    attributes  jsonb         not null default '{}',
    source      varchar(120)  not null,
    -- words for full-text search: 'simple' (no stemming, no stop words): log lines are not prose
    words       tsvector generated always as (to_tsvector('simple', message)) stored
) partition by range (ts);

create index log_line_ts_idx on log_line (ts, id);
create index log_line_service_idx on log_line (service, ts);
create index log_line_level_idx on log_line (level, ts);
create index log_line_context_idx on log_line (service, host, ts, id);
create index log_line_trace_idx on log_line (trace_id) where trace_id is not null;
create index log_line_incident_idx on log_line (incident) where incident is not null;
create index log_line_words_idx on log_line using gin (words);

-- The partitions goldenfive made: one table per day and environment (under one table per day).
create table log_partition (
    table_name  varchar(63)  primary key,
    day         date         not null,
    environment varchar(50)  not null,
    created_at  timestamptz  not null,
    unique (day, environment)
);

-- How long each environment's lines are kept; '*' is every environment not named.
create table log_retention (
    environment varchar(50) primary key,
    days        int         not null check (days between 1 and 3650),
    updated_at  timestamptz not null default now(),
    updated_by  varchar(100) not null default 'system'
);
insert into log_retention (environment, days) values ('prod', 30), ('staging', 7), ('*', 7);

-- Lines pinned to an incident: a copy, so that retention dropping the line's partition never loses it.
create table log_pin (
    id          bigint generated always as identity primary key,
    incident_id bigint        not null references incident (id),
    line_key    varchar(80)   not null,
    ts          timestamptz   not null,
    environment varchar(50)   not null,
    service     varchar(100),
    host        varchar(255),
    level       varchar(20),
    message     text          not null,
    trace_id    varchar(64),
    attributes  jsonb         not null,
    pinned_by   varchar(100)  not null,
    pinned_at   timestamptz   not null,
    unique (incident_id, line_key)
);
