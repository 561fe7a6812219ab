-- Chinese, Japanese and Korean words through an index. Written without spaces, a run of such characters is one
-- "word" to the full-text index, and pg_trgm needs three characters where most of these words have two. So a line's
-- runs are written out as their overlapping pairs of characters, each a word of its own (" 构建 建失 失败 "), and
-- pg_trgm's index over that finds every line holding a pair: a word of two characters is one pair, a longer one
-- all of its pairs (the search then checks the word itself). goldenfive makes the index at start where pg_trgm is
-- installed or may be installed (see CjkIndex); this function is what it indexes, over the lines that are not
-- plain ASCII (a partial index: the rest cost an insert nothing more).
create function log_cjk_words(message text) returns text
    language sql immutable parallel safe strict
    -- most lines are ASCII: told at once, without a regular expression
    return case when octet_length(message) = char_length(message) then ''
                when message !~ '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]' then ''
                else coalesce(' ' || (select string_agg(substr(m.run[1], i, 2), ' ')
                                      from regexp_matches(log_plain(message), '([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+)', 'g') as m(run),
                                           generate_series(1, greatest(char_length(m.run[1]) - 1, 1)) as i) || ' ', '') end;
