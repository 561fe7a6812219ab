-- People from the company's identity provider (OpenID Connect) or directory (LDAP / Active Directory) next to
-- local accounts. A person from a provider has no password here; their roles and teams follow the provider's
-- groups at each sign-in.
alter table app_user alter column password_hash drop not null;
alter table app_user add column source varchar(8) not null default 'LOCAL' check (source in ('LOCAL', 'OIDC', 'LDAP'));
-- OIDC: issuer and subject; LDAP: the entry's DN. Unique per source: the same person is found at every sign-in
-- even when their user name changes.
alter table app_user add column external_id varchar(1024);
alter table app_user add column email varchar(254);
-- Who disabled the person: an administrator (only an administrator enables them again) or the provider (a
-- sign-in the provider accepts again enables them).
alter table app_user add column disabled_by varchar(8) check (disabled_by in ('ADMIN', 'PROVIDER'));
alter table app_user add column last_sign_in_at timestamptz;
-- The provider's refresh token (OIDC), encrypted with a key derived from the client secret, and when the
-- provider was last asked whether the person may still sign in.
alter table app_user add column refresh_token text;
alter table app_user add column provider_checked_at timestamptz;
alter table app_user add constraint app_user_local_has_password
    check (source <> 'LOCAL' or password_hash is not null);
alter table app_user add constraint app_user_external_has_id
    check ((source = 'LOCAL') = (external_id is null));
create unique index app_user_external_uq on app_user (source, external_id) where external_id is not null;
create index app_user_provider_check_idx on app_user (provider_checked_at) where source <> 'LOCAL' and enabled;
update app_user set disabled_by = 'ADMIN' where not enabled;

-- The paging teams a person belongs to (from the provider's groups, or set by an administrator).
create table app_user_team (
    user_id bigint       not null references app_user (id) on delete cascade,
    team    varchar(100) not null,
    primary key (user_id, team)
);
create index app_user_team_team_idx on app_user_team (lower(team));

-- Who signed in (or failed to, and how, from where), whose roles changed and which tokens were issued or
-- revoked. Append-only; rows older than goldenfive.security.audit.keep are deleted.
create table audit_event (
    id      bigint generated always as identity primary key,
    at      timestamptz  not null,
    action  varchar(40)  not null,
    outcome varchar(8)   not null check (outcome in ('SUCCESS', 'FAILURE')),
    actor   varchar(64),
    subject varchar(200),
    method  varchar(16),
    address varchar(64),
    detail  jsonb        not null default '{}'
);
create index audit_event_at_idx on audit_event (at);
create index audit_event_actor_idx on audit_event (lower(actor), id);
create index audit_event_subject_idx on audit_event (lower(subject), id);

-- When the provider last vouched for the person (a sign-in it accepted, or a check it answered): while the
-- periodic check runs, their personal tokens work only within two check intervals of it.
alter table app_user add column provider_vouched_at timestamptz;

-- Sessions signed in before this end at their next request: set by a password change and by disabling, so a
-- person disabled and enabled again does not get back a session left open (or stolen) meanwhile.
alter table app_user add column signed_out_at timestamptz;
update app_user set signed_out_at = password_changed_at;
alter table app_user alter column signed_out_at set not null;
