-- How inbound alerts become incidents: routing rules as one document, edited by administrators.
create table alert_routes (
    id         int          primary key check (id = 1),
    routes     jsonb        not null,
    updated_at timestamptz  not null,
    updated_by varchar(100) not null
);

-- Which incident an alert group (Alertmanager's group key, an event's dedup key) opened, per source. The
-- newest row of a key is its current incident; an alert for a key whose incident is no longer open opens
-- a new one. fingerprints: the alerts already recorded, so a repeated notification adds nothing.
create table alert_group (
    id           bigint generated always as identity primary key,
    source       varchar(20)   not null check (source in ('alertmanager', 'events')),
    dedup_key    varchar(1000) not null,
    incident_id  bigint        not null references incident (id),
    resolve      boolean       not null,
    fingerprints jsonb         not null default '[]',
    opened_at    timestamptz   not null
);
create index alert_group_key_idx on alert_group (source, dedup_key, id desc);
