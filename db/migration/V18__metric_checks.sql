-- Checks on metrics: goldenfive asks a Prometheus-compatible API a PromQL query and keeps the answer as evidence.
alter table probe_result drop constraint probe_result_type_check;
alter table probe_result add constraint probe_result_type_check
    check (type in ('icmp', 'tcp', 'http', 'dns', 'tls', 'goproxy', 'gosumdb', 'command', 'metric'));
