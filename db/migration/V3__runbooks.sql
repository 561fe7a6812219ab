-- Rows that record what happened are never changed or removed.
create function refuse_change() returns trigger language plpgsql as $$
begin
    raise exception '% rows cannot be changed or deleted', tg_table_name using errcode = 'restrict_violation';
end
$$;

-- Every version of every runbook, as authored (source) and as read (definition). Incidents pin a version.
create table runbook_version (
    id            bigint generated always as identity primary key,
    runbook_key   varchar(63)  not null,
    version       int          not null check (version > 0),
    title         varchar(200) not null,
    definition    jsonb        not null,
    source        text         not null,
    source_format varchar(8)   not null check (source_format in ('YAML', 'JSON')),
    created_at    timestamptz  not null,
    created_by    varchar(64)  not null,
    unique (runbook_key, version)
);

create trigger runbook_version_immutable before update or delete on runbook_version
    for each row execute function refuse_change();
