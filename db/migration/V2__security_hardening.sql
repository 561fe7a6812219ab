-- Sign-in throttling, reworked: attempts being checked are counted while they are checked (pending), so a
-- burst of concurrent guesses cannot overtake the count. A new table, so that replicas of the previous
-- release keep working on login_throttle during a rolling upgrade; a later migration drops that one.
-- Nothing is carried over: the counts live minutes.
create table sign_in_throttle (
    throttle_key    varchar(200) primary key,
    failures        int          not null default 0,
    -- the failure count at which the next block begins (after a block: one more attempt)
    allowance       int          not null,
    pending         int          not null default 0,
    pending_since   timestamptz,
    last_attempt_at timestamptz  not null,
    blocked_until   timestamptz
);

-- A token a person revoked stays revoked, even when GOLDENFIVE_ADMIN_TOKEN still holds its value at the next
-- start (a leaked token must not come back with a restart); only tokens the provisioning itself revoked return.
alter table api_token add column revoked_by_person boolean not null default false;
