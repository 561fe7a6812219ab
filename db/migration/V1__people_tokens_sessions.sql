-- People who sign in to the browser, with their roles.
create table app_user (
    id                  bigint generated always as identity primary key,
    username            varchar(64)  not null,
    display_name        varchar(128) not null,
    password_hash       varchar(255) not null,
    enabled             boolean      not null default true,
    created_at          timestamptz  not null,
    password_changed_at timestamptz  not null,
    version             bigint       not null default 0
);
create unique index app_user_username_uq on app_user (lower(username));

create table app_user_role (
    user_id bigint      not null references app_user (id) on delete cascade,
    role    varchar(16) not null check (role in ('RESPONDER', 'MANAGER', 'ADMIN')),
    primary key (user_id, role)
);

-- Bearer tokens for machines: agents and users' personal API tokens. Only a hash of the secret is kept;
-- the prefix finds the row, the hash proves the token.
create table api_token (
    id           bigint generated always as identity primary key,
    kind         varchar(16)  not null check (kind in ('PERSONAL', 'AGENT')),
    name         varchar(100) not null,
    lookup       varchar(32)  not null,
    secret_hash  bytea        not null,
    owner_id     bigint references app_user (id) on delete cascade,
    created_by   bigint references app_user (id) on delete set null,
    provisioned  boolean      not null default false,
    created_at   timestamptz  not null,
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    constraint api_token_owner_matches_kind check ((kind = 'PERSONAL') = (owner_id is not null))
);
create unique index api_token_lookup_uq on api_token (lookup);
create index api_token_owner_idx on api_token (owner_id);

-- Failed sign-ins per user name and per client address, shared by every replica.
create table login_throttle (
    throttle_key    varchar(200) primary key,
    failures        int          not null,
    last_failure_at timestamptz  not null,
    blocked_until   timestamptz
);

-- Browser sessions (Spring Session JDBC), shared by every replica.
create table spring_session (
    primary_id            char(36)     not null,
    session_id            char(36)     not null,
    creation_time         bigint       not null,
    last_access_time      bigint       not null,
    max_inactive_interval int          not null,
    expiry_time           bigint       not null,
    principal_name        varchar(100),
    constraint spring_session_pk primary key (primary_id)
);
create unique index spring_session_ix1 on spring_session (session_id);
create index spring_session_ix2 on spring_session (expiry_time);
create index spring_session_ix3 on spring_session (principal_name);

create table spring_session_attributes (
    session_primary_id char(36)     not null,
    attribute_name     varchar(200) not null,
    attribute_bytes    bytea        not null,
    constraint spring_session_attributes_pk primary key (session_primary_id, attribute_name),
    constraint spring_session_attributes_fk foreign key (session_primary_id)
        references spring_session (primary_id) on delete cascade
);
