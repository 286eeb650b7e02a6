-- Outgoing events (Standard Webhooks 1.0): a firm's endpoints, the outbox of events, and the
-- deliveries of each event to each endpoint with every attempt (docs/events.md).
--
-- The outbox is fed by the changed tables' own statement-level triggers, as the tab counts are
-- (20261129000900_entry_counts.sql): an event is written in the same transaction as the change
-- that causes it, whichever code path (or Supabase's REST API) makes it, so a rolled-back change
-- emits nothing and a committed one is never lost. Inserting an event fans it out, still in that
-- transaction, into one delivery per enabled endpoint of the firm that wants its type. Events are
-- recorded only for firms that have an enabled endpoint: a firm that listens to nothing pays nothing.
-- No foreign keys on the outbox side, for the same reason as the counts: a status change must not
-- take a share lock on the firm's, file's or endpoint's row. Orphans go with retention.

create table public.webhook_endpoints (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  url text not null check (length(url) between 1 and 2000),
  -- null: every event type.
  event_types text[],
  description text not null default '' check (length(description) <= 500),
  enabled boolean not null default true,
  disabled_reason text,
  secret_ciphertext text not null,
  secret_key_id text not null,
  -- During a rotation the previous secret signs too, until previous_secret_until.
  previous_secret_ciphertext text,
  previous_secret_key_id text,
  previous_secret_until timestamptz,
  -- Since when every attempt failed (null: the last attempt succeeded, or none yet).
  failing_since timestamptz,
  -- The per-endpoint rate cap's token bucket (private.claim_webhook_deliveries).
  tokens double precision not null default 1000000,
  tokens_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index webhook_endpoints_firm_idx on public.webhook_endpoints (firm_id);

create table public.events (
  -- Also the event's sequence: two changes of one object are serialised by its row lock, so a later
  -- change of it always gets a larger id. Receivers drop an event older than one they applied.
  id bigint generated always as identity primary key,
  public_id text not null unique default 'evt_' || replace(gen_random_uuid()::text, '-', ''),
  firm_id uuid not null,
  type text not null,
  object_id text not null,
  occurred_at timestamptz not null default now(),
  data jsonb not null
);
create index events_firm_idx on public.events (firm_id, id);
create index events_occurred_idx on public.events (occurred_at);

create table public.webhook_deliveries (
  id bigint generated always as identity primary key,
  firm_id uuid not null,
  endpoint_id uuid not null,
  event_id bigint not null,
  state text not null default 'pending' check (state in ('pending', 'succeeded', 'failed')),
  attempts integer not null default 0,
  -- When it is due; null: at once (a new delivery). Set from the service's clock, as every retry is.
  next_at timestamptz,
  lease_until timestamptz,
  last_status integer,
  last_error text,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index webhook_deliveries_due_idx on public.webhook_deliveries (endpoint_id, next_at nulls first, id) where state = 'pending';
create index webhook_deliveries_endpoint_idx on public.webhook_deliveries (endpoint_id, id);
create index webhook_deliveries_event_idx on public.webhook_deliveries (event_id);
create index webhook_deliveries_created_idx on public.webhook_deliveries (created_at);

create table public.webhook_attempts (
  id bigint generated always as identity primary key,
  firm_id uuid not null,
  delivery_id bigint not null,
  endpoint_id uuid not null,
  at timestamptz not null default now(),
  status_code integer,
  duration_ms integer not null,
  error text,
  next_at timestamptz
);
create index webhook_attempts_delivery_idx on public.webhook_attempts (delivery_id, id);
create index webhook_attempts_at_idx on public.webhook_attempts (at);

-- Row-level security on every way in. Members read their firm's endpoints (the secrets' columns
-- are not granted to them at all), deliveries and attempts; only administrators change endpoints.
-- Events, deliveries and attempts are written by the triggers and the dispatcher (service role).
alter table public.webhook_endpoints enable row level security;
alter table public.events enable row level security;
alter table public.webhook_deliveries enable row level security;
alter table public.webhook_attempts enable row level security;
revoke all on table public.webhook_endpoints, public.events, public.webhook_deliveries, public.webhook_attempts from anon, public, authenticated;
grant select (id, firm_id, url, event_types, description, enabled, disabled_reason, previous_secret_until, failing_since, created_at, updated_at)
  on table public.webhook_endpoints to authenticated;
grant insert (firm_id, url, event_types, description, enabled, secret_ciphertext, secret_key_id)
  on table public.webhook_endpoints to authenticated;
-- Rotation moves the sealed secrets as the service (src/pipeline/webhooks.ts): users never read nor rewrite them.
grant update (url, event_types, description, enabled, disabled_reason, failing_since, updated_at)
  on table public.webhook_endpoints to authenticated;
grant delete on table public.webhook_endpoints to authenticated;
grant select on table public.events, public.webhook_deliveries, public.webhook_attempts to authenticated;
grant all on table public.webhook_endpoints, public.events, public.webhook_deliveries, public.webhook_attempts to service_role;

create policy webhook_endpoints_select on public.webhook_endpoints for select to authenticated
  using (firm_id in (select private.member_firm_ids()));
create policy webhook_endpoints_insert on public.webhook_endpoints for insert to authenticated
  with check (firm_id in (select private.admin_firm_ids()));
create policy webhook_endpoints_update on public.webhook_endpoints for update to authenticated
  using (firm_id in (select private.admin_firm_ids())) with check (firm_id in (select private.admin_firm_ids()));
create policy webhook_endpoints_delete on public.webhook_endpoints for delete to authenticated
  using (firm_id in (select private.admin_firm_ids()));
create policy events_member_read on public.events for select to authenticated
  using (firm_id in (select private.member_firm_ids()));
create policy webhook_deliveries_member_read on public.webhook_deliveries for select to authenticated
  using (firm_id in (select private.member_firm_ids()));
create policy webhook_attempts_member_read on public.webhook_attempts for select to authenticated
  using (firm_id in (select private.member_firm_ids()));

-- The fan-out: each event to every enabled endpoint of its firm that wants its type.
create function private.events_fan_out() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  insert into public.webhook_deliveries (firm_id, endpoint_id, event_id)
  select e.firm_id, w.id, e.id
    from new_rows e join public.webhook_endpoints w on w.firm_id = e.firm_id
   where w.enabled and (w.event_types is null or e.type = any (w.event_types)) and e.type <> 'webhook.ping';
  return null;
end $$;
revoke all on function private.events_fan_out() from public;
create trigger events_fan_out after insert on public.events
  referencing new table as new_rows for each statement execute function private.events_fan_out();

-- Entries: a status change (sent, posted, pending again, failed_check), a flag as duplicate in
-- Quadra, a hold (an unposted entry says, without changing status, why it is not sent).
create function private.entries_events() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  insert into public.events (firm_id, type, object_id, data)
  select n.firm_id, t.type, n.id::text, jsonb_build_object(
           'entryId', n.id, 'externalId', n.external_id, 'fileId', n.file_id, 'status', n.status,
           'previousStatus', o.status, 'message', n.status_message, 'duplicateInQuadra', n.duplicate_in_quadra,
           'depositId', coalesce(n.deposit_id, o.deposit_id), 'nightsTried', n.nights_tried)
    from new_rows n join old_rows o on o.id = n.id
    cross join lateral (values
      (case when n.status is distinct from o.status then 'entry.' || n.status::text end),
      (case when n.duplicate_in_quadra and not o.duplicate_in_quadra then 'entry.duplicate_flagged' end),
      (case when n.status = o.status and n.status in ('pending', 'sent') and n.status_message is not null
                 and n.status_message is distinct from o.status_message then 'entry.held' end)) t(type)
   where t.type is not null
     and exists (select 1 from public.webhook_endpoints w where w.firm_id = n.firm_id and w.enabled)
   order by n.id;
  return null;
end $$;
revoke all on function private.entries_events() from public;
create trigger entries_events after update on public.entries
  referencing old table as old_rows new table as new_rows for each statement execute function private.entries_events();

-- A file's prerequisites as last judged by a send: the failing checks' words, null when they pass.
alter table public.client_files add column prerequisites_failing text;

-- Client files: starting or ending to wait to be opened; prerequisites starting or ending to fail.
create function private.client_files_events() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  insert into public.events (firm_id, type, object_id, data)
  select n.firm_id, t.type, n.id::text, jsonb_build_object(
           'fileId', n.id, 'dossierCode', n.dossier_code, 'name', n.name,
           'waitingOpenSince', n.waiting_open_since, 'message', t.message)
    from new_rows n join old_rows o on o.id = n.id
    cross join lateral (values
      (case when n.waiting_open_since is not null and o.waiting_open_since is null then 'file.waiting_started' end, null::text),
      (case when n.waiting_open_since is null and o.waiting_open_since is not null then 'file.waiting_ended' end, null),
      (case when n.prerequisites_failing is not null and o.prerequisites_failing is null then 'file.prerequisites_failing' end, n.prerequisites_failing),
      (case when n.prerequisites_failing is null and o.prerequisites_failing is not null then 'file.prerequisites_ok' end, null)) t(type, message)
   where t.type is not null
     and exists (select 1 from public.webhook_endpoints w where w.firm_id = n.firm_id and w.enabled)
   order by n.id;
  return null;
end $$;
revoke all on function private.client_files_events() from public;
create trigger client_files_events after update on public.client_files
  referencing old table as old_rows new table as new_rows for each statement execute function private.client_files_events();

-- The send records every hold as an attempt: one held for a failing prerequisite marks the file
-- (its client_files trigger then emits the event); a send that reached the container clears it.
create function private.attempts_prerequisites() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  update public.client_files f set prerequisites_failing = x.detail
    from (select distinct on (e.file_id) e.file_id, a.detail from new_rows a join public.entries e on e.id = a.entry_id
           where a.outcome = 'held' and a.error_code in ('open_period', 'previous_period_closed', 'chart_of_accounts', 'open_journals')
           order by e.file_id, a.id desc) x
   where f.id = x.file_id and f.prerequisites_failing is null;
  update public.client_files f set prerequisites_failing = null
   where f.prerequisites_failing is not null
     and f.id in (select e.file_id from new_rows a join public.entries e on e.id = a.entry_id where a.outcome = 'sent');
  return null;
end $$;
revoke all on function private.attempts_prerequisites() from public;
create trigger attempts_prerequisites after insert on public.attempts
  referencing new table as new_rows for each statement execute function private.attempts_prerequisites();

-- The connection's status as the hub sees it (routes/connection.ts): connected only when the jobs
-- may use the keys; a passed check whose SIC code is no longer verified asks to reconnect.
create function private.connection_view_status(c_status public.connection_status, sic_verified_at timestamptz) returns text
  language sql immutable set search_path = '' as $$
  select case when c_status = 'connected' and sic_verified_at is not null then 'connected'
              when c_status = 'connected' then 'reconnect_required' else c_status::text end $$;

create function private.connections_events() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  insert into public.events (firm_id, type, object_id, data)
  select n.firm_id, 'connection.status_changed', n.firm_id::text,
         jsonb_build_object('firmId', n.firm_id, 'status', private.connection_view_status(n.status, f.sic_verified_at), 'checkedAt', n.checked_at)
    from new_rows n join public.firms f on f.id = n.firm_id
   where exists (select 1 from public.webhook_endpoints w where w.firm_id = n.firm_id and w.enabled);
  return null;
end $$;
create function private.connections_changed_events() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  insert into public.events (firm_id, type, object_id, data)
  select n.firm_id, 'connection.status_changed', n.firm_id::text,
         jsonb_build_object('firmId', n.firm_id, 'status', private.connection_view_status(n.status, f.sic_verified_at), 'checkedAt', n.checked_at)
    from new_rows n join old_rows o on o.firm_id = n.firm_id join public.firms f on f.id = n.firm_id
   where n.status is distinct from o.status
     and exists (select 1 from public.webhook_endpoints w where w.firm_id = n.firm_id and w.enabled);
  return null;
end $$;
revoke all on function private.connections_events() from public;
revoke all on function private.connections_changed_events() from public;
create trigger connections_events_insert after insert on public.connections
  referencing new table as new_rows for each statement execute function private.connections_events();
create trigger connections_events_update after update on public.connections
  referencing old table as old_rows new table as new_rows for each statement execute function private.connections_changed_events();

create function private.firms_connection_events() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  insert into public.events (firm_id, type, object_id, data)
  select n.id, 'connection.status_changed', n.id::text,
         jsonb_build_object('firmId', n.id, 'status', private.connection_view_status(c.status, n.sic_verified_at), 'checkedAt', c.checked_at)
    from new_rows n join old_rows o on o.id = n.id join public.connections c on c.firm_id = n.id
   where c.status = 'connected' and (n.sic_verified_at is null) <> (o.sic_verified_at is null)
     and exists (select 1 from public.webhook_endpoints w where w.firm_id = n.id and w.enabled);
  return null;
end $$;
revoke all on function private.firms_connection_events() from public;
create trigger firms_connection_events after update on public.firms
  referencing old table as old_rows new table as new_rows for each statement execute function private.firms_connection_events();

-- A reference-data run finished or failed, with the files it created.
create function private.reference_syncs_events() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  insert into public.events (firm_id, type, object_id, data)
  select n.firm_id, 'reference_sync.' || n.status::text, n.id::text, jsonb_build_object(
           'runId', n.id, 'status', n.status, 'trigger', n.trigger, 'counts', n.counts,
           'errorCode', n.error_code, 'message', n.error_message, 'finishedAt', n.finished_at,
           'createdFileIds', coalesce((select jsonb_agg(f.id order by f.created_at) from public.client_files f
                                        where f.firm_id = n.firm_id and f.created_at >= coalesce(n.started_at, n.created_at)), '[]'::jsonb))
    from new_rows n join old_rows o on o.id = n.id
   where n.status in ('succeeded', 'failed') and n.status is distinct from o.status
     and exists (select 1 from public.webhook_endpoints w where w.firm_id = n.firm_id and w.enabled);
  return null;
end $$;
revoke all on function private.reference_syncs_events() from public;
create trigger reference_syncs_events after update on public.reference_syncs
  referencing old table as old_rows new table as new_rows for each statement execute function private.reference_syncs_events();

-- A deposit reached the container (sent), or got its check (verified, with its entries' counts).
create function private.deposits_events() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  insert into public.events (firm_id, type, object_id, data)
  select n.firm_id, t.type, n.id::text, jsonb_build_object(
           'depositId', n.id, 'fileId', n.file_id, 'status', n.status, 'entryCount', n.entry_count, 'lineCount', n.line_count,
           'uploadedAt', n.uploaded_at, 'verifiedAt', n.verified_at,
           'counts', case when t.type = 'deposit.verified' then (
             select jsonb_build_object(
               'posted', count(*) filter (where e.status = 'posted'), 'pending', count(*) filter (where e.status = 'pending'),
               'sent', count(*) filter (where e.status = 'sent'), 'failedCheck', count(*) filter (where e.status = 'failed_check'),
               'duplicates', count(*) filter (where e.duplicate_in_quadra))
               from public.entries e where e.deposit_id = n.id or e.batch_deposit_id = n.id) end)
    from new_rows n join old_rows o on o.id = n.id
    cross join lateral (values
      (case when n.status = 'uploaded' and o.status is distinct from 'uploaded' then 'deposit.sent' end),
      (case when n.verified_at is not null and o.verified_at is null then 'deposit.verified' end)) t(type)
   where t.type is not null
     and exists (select 1 from public.webhook_endpoints w where w.firm_id = n.firm_id and w.enabled);
  return null;
end $$;
revoke all on function private.deposits_events() from public;
create trigger deposits_events after update on public.deposits
  referencing old table as old_rows new table as new_rows for each statement execute function private.deposits_events();

-- The dispatcher's claim: due deliveries, at most `per_endpoint` in flight per endpoint and
-- `total` in all, each endpoint within its rate (a token bucket of `rate` per second, burst
-- `per_endpoint`), leased for `lease_seconds`. Endpoints and deliveries another dispatcher holds are
-- skipped (SKIP LOCKED), so dispatchers run side by side; a lease that runs out (a crash) makes its
-- delivery due again.
create function private.claim_webhook_deliveries(total integer, per_endpoint integer, rate double precision, lease_seconds integer, at timestamptz)
  returns setof public.webhook_deliveries
  language plpgsql security definer set search_path = '' as $$
declare
  ep record;
  left_total integer := total;
  avail double precision;
  busy integer;
  n integer;
  got integer;
begin
  for ep in
    select w.id, w.tokens, w.tokens_at from public.webhook_endpoints w
     where w.enabled and exists (select 1 from public.webhook_deliveries d
                                  where d.endpoint_id = w.id and d.state = 'pending' and (d.next_at is null or d.next_at <= at)
                                    and (d.lease_until is null or d.lease_until <= at))
     order by (select min(coalesce(d.next_at, '-infinity')) from public.webhook_deliveries d where d.endpoint_id = w.id and d.state = 'pending')
     for update skip locked
  loop
    exit when left_total <= 0;
    -- The rate is of real seconds: the bucket refills on the database's wall clock, whatever `at` says.
    avail := least(per_endpoint::double precision, ep.tokens + rate * greatest(0, extract(epoch from (clock_timestamp() - ep.tokens_at))));
    select count(*) into busy from public.webhook_deliveries d
     where d.endpoint_id = ep.id and d.state = 'pending' and d.lease_until > at;
    n := least(floor(avail)::integer, per_endpoint - busy, left_total);
    got := 0;
    if n > 0 then
      return query
        with picked as (
          select d.id from public.webhook_deliveries d
           where d.endpoint_id = ep.id and d.state = 'pending' and (d.next_at is null or d.next_at <= at) and (d.lease_until is null or d.lease_until <= at)
           order by d.next_at nulls first, d.id limit n for update skip locked)
        update public.webhook_deliveries d set lease_until = at + make_interval(secs => lease_seconds)
          from picked where d.id = picked.id returning d.*;
      get diagnostics got = row_count;
    end if;
    update public.webhook_endpoints set tokens = avail - got, tokens_at = clock_timestamp() where id = ep.id;
    left_total := left_total - got;
  end loop;
end $$;
revoke all on function private.claim_webhook_deliveries(integer, integer, double precision, integer, timestamptz) from public;
grant execute on function private.claim_webhook_deliveries(integer, integer, double precision, integer, timestamptz) to service_role;

-- Retention: events, deliveries and attempts older than the given time (and those of endpoints
-- removed since) go. Deliveries still pending are kept until they end.
create function private.expire_events(older_than timestamptz) returns integer
  language plpgsql security definer set search_path = '' as $$
declare n integer;
begin
  delete from public.webhook_attempts a where a.at < older_than
     or not exists (select 1 from public.webhook_endpoints w where w.id = a.endpoint_id);
  delete from public.webhook_deliveries d where (d.created_at < older_than and d.state <> 'pending')
     or not exists (select 1 from public.webhook_endpoints w where w.id = d.endpoint_id);
  delete from public.events e where e.occurred_at < older_than
     and not exists (select 1 from public.webhook_deliveries d where d.event_id = e.id);
  get diagnostics n = row_count;
  return n;
end $$;
revoke all on function private.expire_events(timestamptz) from public;
grant execute on function private.expire_events(timestamptz) to service_role;

-- Analysts: every delivery with its event and endpoint, across firms (no secret, no URL query).
create view analytics.webhook_deliveries as
select d.firm_id, d.endpoint_id, split_part(w.url, '?', 1) as endpoint_url, w.enabled as endpoint_enabled,
       e.public_id as event_id, e.type as event_type, e.occurred_at, d.state, d.attempts, d.last_status,
       d.last_error, d.next_at, d.created_at, d.finished_at,
       extract(epoch from (d.finished_at - e.occurred_at)) as seconds_to_deliver
  from public.webhook_deliveries d
  join public.events e on e.id = d.event_id
  left join public.webhook_endpoints w on w.id = d.endpoint_id;
grant select on analytics.webhook_deliveries to quadra_analyst;
