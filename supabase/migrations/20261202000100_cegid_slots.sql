-- At most CEGID_CONCURRENCY_PER_FIRM Cegid calls in flight per firm across every process and
-- function instance: a semaphore held in the database as one row per slot taken, each with a
-- lease (a holder that died frees its slot when the lease runs out). Taken and given back by
-- single statements, so it works through a transaction pooler (no session advisory locks).
-- A 429 from Cegid pauses that firm alone until its Retry-After (cegid_pauses).
-- Written by the service's own connection; no user role may read them.
create table private.cegid_slots (
  firm_id uuid not null references public.firms (id) on delete cascade,
  slot int not null check (slot >= 1),
  holder uuid not null,
  lease_until timestamptz not null,
  primary key (firm_id, slot)
);
alter table private.cegid_slots enable row level security;
revoke all on private.cegid_slots from anon, authenticated;
comment on table private.cegid_slots is 'Cegid calls in flight per firm (a slot per call, leased).';

create table private.cegid_pauses (
  firm_id uuid primary key references public.firms (id) on delete cascade,
  paused_until timestamptz not null
);
alter table private.cegid_pauses enable row level security;
revoke all on private.cegid_pauses from anon, authenticated;
comment on table private.cegid_pauses is 'Firms Cegid asked to slow down (429 Retry-After): no call before paused_until.';
