-- Words inside terminal colour codes are found: the search index (and phrase matching) reads a line's text with
-- its escape sequences removed, as a terminal shows it ("␛[31mFATAL␛[0m build failed" is found by FATAL). The line
-- itself is kept and shown as it came. Most lines hold no escape at all and are read as they are.
create function log_plain(message text) returns text
    language sql immutable parallel safe strict
    return case when strpos(message, E'\x1B') = 0 then message
                else regexp_replace(message, E'\x1B(\\[[0-?]*[ -/]*[@-~]|\\][^\x07\x1B]*(\x07|\x1B\\\\)?|[ -/]*[0-~])', '', 'g') end;

alter table log_line drop column words;
alter table log_line add column words tsvector generated always as (to_tsvector('simple', log_plain(message))) stored;
create index log_line_words_idx on log_line using gin (words);
