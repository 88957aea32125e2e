-- Translation between wire protocols can be turned off per pool and per cluster (default on): members of
-- the other protocol are then skipped as protocol_mismatch instead of being translated.
alter table catalog.pool add column translation boolean not null default true;
alter table catalog.cluster add column translation boolean not null default true;
