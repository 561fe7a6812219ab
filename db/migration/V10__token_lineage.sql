-- Which token minted a token (personal tokens made with a bearer token), so that revoking one revokes
-- every token made with it, and those made with them.
alter table api_token add column minted_by bigint references api_token (id);
create index api_token_minted_by on api_token (minted_by) where minted_by is not null;
