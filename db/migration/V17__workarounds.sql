-- The ledger of temporary changes made to get things going during an incident (GOPROXY switched, GOSUMDB off,
-- upstream weights shifted, a bypass flag…), each with an owner and a date by which it is to be undone.
create table workaround (
    id                  bigint generated always as identity primary key,
    incident_id         bigint        not null references incident (id),
    kind                varchar(20)   not null,
    what                varchar(1000) not null,
    location            varchar(500)  not null,
    owner               varchar(64)   not null,
    revert_by           timestamptz   not null,
    step_stage          varchar(63),
    step_key            varchar(63),
    status              varchar(10)   not null check (status in ('open', 'reverted', 'kept')),
    created_at          timestamptz   not null,
    created_by          varchar(100)  not null,
    closed_at           timestamptz,
    closed_by           varchar(100),
    note                varchar(2000),
    overdue_notified_at timestamptz
);
create index workaround_incident_idx on workaround (incident_id, id);
create index workaround_overdue_idx on workaround (revert_by) where status = 'open' and overdue_notified_at is null;
create index workaround_open_idx on workaround (id) where status = 'open';

-- A reminder is a message that is no page: it says why it is sent, and has no acknowledge link.
alter table notification add column reason varchar(500);
