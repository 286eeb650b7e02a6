-- At most TICK_WORKERS tick workers at once across every tick and function instance: consecutive
-- minutes' ticks overlap while a backlog is worked (a lane hands on until its tick's budget is
-- spent, and the last worker's jobs finish after it), so the bound cannot be the tick's own count.
-- One row per slot taken, with a lease (a worker cut off by the platform frees its slot when the
-- lease runs out). Taken and given back by single statements, so it works through a transaction
-- pooler. Written by the service's own connection; no user role may read them.
create table private.tick_worker_slots (
  slot int primary key check (slot >= 1),
  holder uuid not null,
  lease_until timestamptz not null
);
alter table private.tick_worker_slots enable row level security;
revoke all on private.tick_worker_slots from anon, authenticated;
comment on table private.tick_worker_slots is 'Tick workers running now (a slot per worker request, leased): at most TICK_WORKERS.';
