-- When the impact stopped (a workaround holds); cleared on reopen, the timeline keeps the first.
alter table incident add column mitigated_at timestamptz;

-- The post-incident review: one per incident, written by the people who worked on it and their managers.
create table review (
    incident_id          bigint        primary key references incident (id),
    status               varchar(10)   not null check (status in ('STARTED', 'IN_REVIEW', 'COMPLETED')),
    summary              text          not null default '' check (length(summary) <= 20000),
    impact               text          not null default '' check (length(impact) <= 20000),
    root_cause           text          not null default '' check (length(root_cause) <= 20000),
    root_cause_category  varchar(40),
    went_well            text          not null default '' check (length(went_well) <= 20000),
    went_badly           text          not null default '' check (length(went_badly) <= 20000),
    contributing_factors text          not null default '' check (length(contributing_factors) <= 20000),
    created_at           timestamptz   not null,
    created_by           varchar(100)  not null,
    updated_at           timestamptz   not null,
    updated_by           varchar(100)  not null,
    completed_at         timestamptz,
    completed_by         varchar(100),
    version              bigint        not null
);

create table review_action_item (
    id          bigint generated always as identity primary key,
    incident_id bigint        not null references review (incident_id),
    position    int           not null,
    title       varchar(200)  not null,
    owner       varchar(100),
    due_on      date,
    status      varchar(12)   not null check (status in ('OPEN', 'IN_PROGRESS', 'DONE', 'WONT_DO')),
    link        varchar(2000)
);
create index review_action_item_incident_idx on review_action_item (incident_id, position);
create index review_action_item_due_idx on review_action_item (due_on) where status in ('OPEN', 'IN_PROGRESS');

-- Every change to a review: who, when, and each field's value before and after. Never changed.
create table review_edit (
    id          bigint generated always as identity primary key,
    incident_id bigint        not null references review (incident_id),
    at          timestamptz   not null,
    actor_kind  varchar(8)    not null check (actor_kind in ('USER', 'AGENT', 'SYSTEM')),
    actor_id    varchar(100)  not null,
    changes     jsonb         not null
);
create index review_edit_incident_idx on review_edit (incident_id, id);
create trigger review_edit_append_only before update or delete on review_edit
    for each row execute function refuse_change();

-- The reports' read model: each incident's figures, recomputed from its timeline whenever it changes.
create table report_incident (
    incident_id       bigint        primary key references incident (id),
    number            bigint        not null,
    title             varchar(200)  not null,
    service           varchar(100)  not null,
    environment       varchar(50)   not null,
    severity          varchar(4)    not null,
    status            varchar(10)   not null,
    started_at        timestamptz   not null,
    acknowledged_at   timestamptz,
    mitigated_at      timestamptz,
    resolved_at       timestamptz,
    golden_window_end timestamptz   not null,
    resolving_stage   varchar(63),
    fault_boundary    varchar(40)
);
create index report_incident_started_idx on report_incident (started_at);

-- Time each incident spent in each stage it entered (follow-up included, with no window).
create table report_stage_time (
    incident_id bigint           not null references report_incident (incident_id) on delete cascade,
    position    int              not null,
    stage       varchar(63)      not null,
    title       varchar(200)     not null,
    seconds     double precision not null,
    outcome     varchar(10)      not null,
    primary key (incident_id, position)
);

-- Incidents whose report figures are to be computed again: marked (row-locked until commit) by the change's
-- transaction, taken one at a time by any replica with SKIP LOCKED, deleted in the transaction that computes them.
create table report_pending (
    number    bigint      primary key,
    marks     bigint      not null default 1,
    marked_at timestamptz not null default now()
);
-- oldest first: under a backlog no incident waits behind newer ones
create index report_pending_marked_idx on report_pending (marked_at);
