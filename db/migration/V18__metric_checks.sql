-- Checks on metrics: goldenfive asks a Prometheus-compatible API a PromQL query and keeps the answer as evidence.
alter table probe_result drop constraint probe_result_type_check;
alter table probe_result add constraint probe_result_type_check
    check (type in ('icmp', 'tcp', 'http', 'dns', 'tls', 'goproxy', 'gosumdb', 'command', 'metric'));

-- When metric checks were last asked: the replica that moves it on asks the round, so one replica asks each.
create table metric_round (
    id       int         primary key check (id = 1),
    asked_at timestamptz not null
);
insert into metric_round (id, asked_at) values (1, '1970-01-01T00:00:00Z');

-- Open workarounds are listed soonest due first.
drop index workaround_open_idx;
create index workaround_open_idx on workaround (revert_by, id) where status = 'open';
