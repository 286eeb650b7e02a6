-- The clock of ticks (on Supabase no process lives on; Postgres cron calls the function's tick
-- every minute). Each slot of each schedule is recorded once: the primary key makes two
-- overlapping ticks agree on who fires it; job_id is the job it fired (an id derived from the
-- slot, so a send repeated after a crash is a no-op). Written by the service's own connection;
-- no user role may read it.
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
