-- GET /metrics reads its gauges in one statement as service_role (src/db/repos/metrics.ts): every
-- firm's rows (service_role bypasses row-level security), the firms Cegid paused, and pg-boss's
-- jobs. pg-boss makes its own schema when it first starts, after the migrations, so no grant can
-- name its tables here: this function (owned by the migrations' role, which pg-boss's tables
-- share) reads them for service_role, and answers nothing until they exist.
grant select on private.cegid_pauses to service_role;

-- Rows (part, a, b, v) as the metrics statement reads them: per queue and live state the jobs
-- ('jobs', queue, state, count), every state present; per queue the age in seconds of the oldest
-- job due and not yet taken ('job_oldest_due', queue, null, seconds; 0 when none). Live states
-- only: pg-boss's own index of them (job_i14) serves the counts.
create function private.job_gauges()
  returns table (part text, a text, b text, v double precision)
  language plpgsql stable security definer set search_path = '' as $$
begin
  if to_regclass('pgboss.job') is null or to_regclass('pgboss.queue') is null then
    return;
  end if;
  return query
    select 'jobs'::text, q.name::text, s.st, coalesce(c.n, 0)::double precision
      from pgboss.queue q
     cross join unnest(array['created', 'retry', 'active', 'failed']) as s(st)
      left join (select j.name, j.state::text as st, count(*) as n from pgboss.job j
                  where j.state in ('created', 'retry', 'active', 'failed') group by j.name, j.state) c
        on c.name = q.name and c.st = s.st
    union all
    select 'job_oldest_due'::text, q.name::text, null::text,
           coalesce(extract(epoch from now() - (select min(j.start_after) from pgboss.job j
                                                  where j.name = q.name and j.state in ('created', 'retry')
                                                    and j.start_after <= now())), 0)::double precision
      from pgboss.queue q;
end $$;
revoke all on function private.job_gauges() from public;
grant execute on function private.job_gauges() to service_role;
