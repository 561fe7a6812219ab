-- How each person is told they are paged: their channels in order, quiet rules and browser notifications
-- (a document each, as schedules and policies are).
create table notification_rules (
    username   varchar(64)  primary key,
    document   jsonb        not null,
    updated_at timestamptz  not null
);

-- Every message to a paged person, written in the transaction of the page (so none is lost and none is sent
-- for a page that did not commit), then sent and retried by any replica. Rendered when sent, so it tells the
-- stage and time left as they are then. The acknowledge link in it works once: link_used_at.
create table notification (
    id              bigint generated always as identity primary key,
    incident_id     bigint        not null references incident (id),
    username        varchar(64)   not null,
    level           int           not null,
    round           int           not null,
    channel         int           not null,
    kind            varchar(16)   not null,
    destination     varchar(2000) not null,
    secret          varchar(200),
    status          varchar(10)   not null check (status in ('pending', 'delivered', 'failed', 'cancelled')),
    attempts        int           not null default 0,
    next_attempt_at timestamptz,
    held_until      timestamptz,
    last_attempt_at timestamptz,
    last_error      varchar(1000),
    created_at      timestamptz   not null,
    delivered_at    timestamptz,
    link_used_at    timestamptz
);
create index notification_due_idx on notification (next_attempt_at) where status = 'pending' and kind <> 'browser';
create index notification_browser_idx on notification (username, id) where status = 'pending' and kind = 'browser';
create index notification_incident_idx on notification (incident_id, id);

-- Keys goldenfive signs with, made once and shared by every replica (acknowledge links).
create table signing_key (
    purpose varchar(40) primary key,
    secret  bytea       not null
);

-- Each page of an incident, for reports: when, whom, and the teams whose schedules were asked.
create table incident_page (
    incident_id bigint      not null references incident (id),
    round       int         not null,
    level       int         not null,
    paged_at    timestamptz not null,
    people      text[]      not null,
    teams       text[]      not null,
    primary key (incident_id, round, level)
);
