-- The clock of ticks (Supabase: no long-lived process, pg_cron calls the function's tick every
-- minute). Each slot of each schedule is recorded once: the primary key makes two overlapping
-- ticks agree on who fires it, and the job is sent in the same transaction as the row, so a slot
-- is fired exactly once. Written by the service's own connection only; no user role may read it.
create table private.schedule_slots (
  schedule text not null,
  slot timestamptz not null,
  fired_at timestamptz not null default now(),
  job_id uuid,
  primary key (schedule, slot)
);
alter table private.schedule_slots enable row level security;
revoke all on private.schedule_slots from anon, authenticated;

comment on table private.schedule_slots is 'Schedule slots fired by the tick (exactly once per schedule and slot).';
