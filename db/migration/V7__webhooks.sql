-- Outbound webhooks: where incident changes are sent, signed with each webhook's secret.
create table webhook (
    id         bigint generated always as identity primary key,
    name       varchar(100)  not null,
    url        varchar(2000) not null,
    -- the HMAC key: kept as is, since signing needs it (whoever reads the database can sign)
    secret     varchar(200)  not null,
    events     text[]        not null,
    created_at timestamptz   not null,
    created_by varchar(100)  not null,
    deleted_at timestamptz
);

-- Every message to every webhook, written in the transaction of the change it tells of (so none is lost
-- and none is sent for a change that did not commit), then sent and retried with backoff by any replica.
create table webhook_delivery (
    id              bigint generated always as identity primary key,
    webhook_id      bigint        not null references webhook (id),
    event_id        uuid          not null,
    event           varchar(40)   not null,
    incident_key    varchar(30)   not null,
    payload         text          not null,
    status          varchar(10)   not null check (status in ('pending', 'delivered', 'failed')),
    attempts        int           not null default 0,
    next_attempt_at timestamptz,
    last_attempt_at timestamptz,
    last_status     int,
    last_error      varchar(1000),
    created_at      timestamptz   not null,
    delivered_at    timestamptz
);
create index webhook_delivery_due_idx on webhook_delivery (next_attempt_at) where status = 'pending';
create index webhook_delivery_log_idx on webhook_delivery (webhook_id, id desc);
