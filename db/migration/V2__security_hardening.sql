-- Sign-in attempts are counted before the password is checked; `allowance` is how many counted attempts
-- may go on to the password check before the next block (so concurrent guesses cannot overtake the count).
alter table login_throttle add column allowance int;
update login_throttle set allowance = failures + 1;
alter table login_throttle alter column allowance set not null;
alter table login_throttle rename column last_failure_at to last_attempt_at;

-- A token a person revoked stays revoked, even when GOLDENFIVE_ADMIN_TOKEN still holds its value at the next
-- start (a leaked token must not come back with a restart); only tokens the provisioning itself revoked return.
alter table api_token add column revoked_by_person boolean not null default false;
