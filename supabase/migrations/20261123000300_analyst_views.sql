-- Analysts read sync status in SQL through these views, with the read-only role quadra_analyst.
-- The views live in their own schema, outside the API's exposed schemas, and read across firms:
-- the analyst role gets the views and nothing else (no table, no write).
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'quadra_analyst') then
    create role quadra_analyst nologin;
  end if;
end $$;

create schema if not exists analytics;
revoke all on schema analytics from public;
grant usage on schema analytics to quadra_analyst;

-- Entries per firm and state (the Hub's tabs).
create view analytics.sync_status_by_firm as
select f.id as firm_id, f.name as firm_name, f.sic_code,
       count(e.id) filter (where e.status = 'pending') as pending,
       count(e.id) filter (where e.status = 'sent') as sent,
       count(e.id) filter (where e.status = 'posted') as posted,
       count(e.id) filter (where e.status = 'failed_check') as failed_check,
       count(e.id) filter (where e.duplicate_in_quadra) as duplicates,
       count(e.id) as total
from public.firms f
left join public.entries e on e.firm_id = f.id
group by f.id, f.name, f.sic_code;

-- Entries per client file and state, with the file's flags.
create view analytics.sync_status_by_file as
select cf.firm_id, cf.id as file_id, cf.dossier_code, cf.name as file_name,
       cf.waiting_open_since,
       count(e.id) filter (where e.status = 'pending') as pending,
       count(e.id) filter (where e.status = 'sent') as sent,
       count(e.id) filter (where e.status = 'posted') as posted,
       count(e.id) filter (where e.status = 'failed_check') as failed_check,
       count(e.id) filter (where e.duplicate_in_quadra) as duplicates,
       min(e.created_at) filter (where e.status in ('pending', 'sent')) as oldest_unposted_at,
       max(e.posted_at) as last_posted_at
from public.client_files cf
left join public.entries e on e.file_id = cf.id
group by cf.firm_id, cf.id, cf.dossier_code, cf.name, cf.waiting_open_since;

-- One row per state, for a whole-service dashboard.
create view analytics.sync_status_totals as
select s.status, count(e.id) as entries
from unnest(enum_range(null::public.entry_status)) as s(status)
left join public.entries e on e.status = s.status
group by s.status;

-- Deposits and how they ended.
create view analytics.deposit_outcomes as
select d.firm_id, d.file_id, d.id as deposit_id, d.seq, d.status, d.entry_count, d.line_count,
       d.size_bytes, d.created_at, d.uploaded_at, d.verify_at, d.verified_at, d.replaces_id,
       count(e.id) filter (where e.status = 'posted') as posted_entries
from public.deposits d
left join public.entries e on e.batch_deposit_id = d.id
group by d.id;

-- Attempts per day, kind and outcome: how much retrying the service does.
create view analytics.attempts_daily as
select a.firm_id, date_trunc('day', a.at) as day, a.kind, a.outcome, count(*) as attempts
from public.attempts a
group by a.firm_id, date_trunc('day', a.at), a.kind, a.outcome;

grant select on all tables in schema analytics to quadra_analyst;
