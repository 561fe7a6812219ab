-- Probes to a known-good address (not the target) tell this machine's network from the target's: their path is
-- 'reference'.
alter table probe_result drop constraint probe_result_path_check;
alter table probe_result add constraint probe_result_path_check check (path in ('direct', 'proxy', 'mirror', 'reference'));
