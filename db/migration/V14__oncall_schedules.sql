-- On-call schedules: a team's rotations as a document (layers of hand-offs in a time zone, overrides), one row each.
create table oncall_schedule (
    key        varchar(63)  primary key,
    team       varchar(100) not null,
    document   jsonb        not null,
    updated_at timestamptz  not null,
    updated_by varchar(100) not null
);
create index oncall_schedule_team_idx on oncall_schedule (lower(team));

-- Each person's calendar feed of their shifts: a secret URL, of which only the SHA-256 is kept; a new one
-- replaces the old.
create table calendar_feed (
    username   varchar(64) primary key,
    token_hash bytea       not null unique,
    created_at timestamptz not null
);
