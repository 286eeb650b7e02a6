-- The dispatcher's round trip, cheaper (docs/events.md, "Figures"): the bench showed the claim and
-- the record, not the HTTP, setting its pace.
--
-- 1. The claim is two set-based statements instead of a loop over endpoints with four statements
--    each, and none of them reads every pending delivery of an endpoint: the slots an endpoint has
--    in flight are counted on a small index of the leased deliveries, and its first due delivery is
--    read from the due index. A backlog of 10,000 events to one endpoint no longer makes each claim
--    scan them all (it did: the in-flight count, the "has one due" test and the ordering each did).
-- 2. Recording the last batch's attempts, disabling endpoints (410, failing too long) and claiming
--    the next batch are one statement (private.dispatch_webhook_deliveries): one round trip per
--    batch where there were three or more. The claim runs after the record, in a fresh snapshot,
--    so deliveries whose requests ended are no longer counted in flight against their endpoint's
--    cap (recording beside the claim on another connection did count them, and stalled).

-- Only leased deliveries (in flight, or a crashed dispatcher's until its lease ends): small.
create index webhook_deliveries_leased_idx on public.webhook_deliveries (endpoint_id, lease_until)
  where state = 'pending' and lease_until is not null;

-- The same contract as before (20261202000300_events.sql): due deliveries, at most `per_endpoint`
-- leased per endpoint and `total` in all, each endpoint within its token bucket (`rate` a second,
-- burst `per_endpoint`), leased for `lease_seconds`; what another dispatcher holds is skipped.
-- Generic plans (plan_cache_mode): the statements are planned once a connection, not at every
-- call — planning them took longer than running them. Each is written so that its generic plan
-- reads by index (ids in arrays, `= any`), whatever the arguments.
create or replace function private.claim_webhook_deliveries(total integer, per_endpoint integer, rate double precision, lease_seconds integer, at timestamptz)
  returns setof public.webhook_deliveries
  language plpgsql security definer set search_path = '' set plan_cache_mode = force_generic_plan as $$
declare
  eps uuid[];
  allowed integer[];
  avails double precision[];
  ids bigint[];
  owners uuid[];
begin
  if total <= 0 then
    return;
  end if;
  -- The endpoints to serve, locked: every claim of an endpoint's deliveries holds its row first, so
  -- what the next statement counts in flight for it cannot change until this transaction ends.
  -- Those with a delivery due and not leased, oldest first (its due time, then its id); at most
  -- `total` of them, since each is given one at least. The slots and tokens are pre-filters read
  -- before the lock (one that freed meanwhile waits for the next claim); the next statement decides.
  select coalesce(array_agg(l.id order by l.ord), '{}') into eps from (
    select w.id, row_number() over () as ord from (
      select w.id from public.webhook_endpoints w
       cross join lateral (
         select d.next_at, d.id from public.webhook_deliveries d
          where d.endpoint_id = w.id and d.state = 'pending' and (d.next_at is null or d.next_at <= at)
            and (d.lease_until is null or d.lease_until <= at)
          order by d.next_at nulls first, d.id limit 1) f
       where w.enabled
         and w.tokens + rate * greatest(0, extract(epoch from (clock_timestamp() - w.tokens_at))) >= 1
         and (select count(*) from public.webhook_deliveries b
               where b.endpoint_id = w.id and b.state = 'pending' and b.lease_until is not null and b.lease_until > at) < per_endpoint
       order by f.next_at nulls first, f.id
       limit total
       for update of w skip locked) w) l;
  if cardinality(eps) = 0 then
    return;
  end if;
  -- A fresh snapshot, taken after the locks: every committed claim of these endpoints is seen.
  -- What each may take: its free slots, its whole tokens (the rate is of real seconds: the bucket
  -- refills on the database's wall clock, whatever `at` says), the total.
  select coalesce(array_agg(x.id order by x.ord), '{}'), coalesce(array_agg(x.n order by x.ord), '{}'),
         coalesce(array_agg(x.avail order by x.ord), '{}')
    into eps, allowed, avails
    from (select e.id, e.ord, a.avail, least(floor(a.avail)::integer, per_endpoint - b.busy, total) as n
            from unnest(eps) with ordinality e(id, ord)
            join public.webhook_endpoints w on w.id = e.id
           cross join lateral (select least(per_endpoint::double precision,
                                            w.tokens + rate * greatest(0, extract(epoch from (clock_timestamp() - w.tokens_at)))) as avail) a
           cross join lateral (select count(*)::integer as busy from public.webhook_deliveries d
                                where d.endpoint_id = w.id and d.state = 'pending' and d.lease_until is not null and d.lease_until > at) b) x
   where x.n > 0;
  -- The oldest due of each, locked; the total shared out in turns (each endpoint's first, then
  -- each one's second…), so one endpoint's backlog does not take every slot.
  select coalesce(array_agg(c.id), '{}'), coalesce(array_agg(c.endpoint_id), '{}') into ids, owners
    from (select p.id, p.endpoint_id from (
            select q.id, q.endpoint_id, a.ord, row_number() over (partition by a.id order by q.next_at nulls first, q.id) as turn
              from unnest(eps, allowed) with ordinality a(id, n, ord)
             cross join lateral (
               select d.id, d.endpoint_id, d.next_at from public.webhook_deliveries d
                where d.endpoint_id = a.id and d.state = 'pending' and (d.next_at is null or d.next_at <= at)
                  and (d.lease_until is null or d.lease_until <= at)
                order by d.next_at nulls first, d.id limit a.n
                  for update of d skip locked) q) p
           order by p.turn, p.ord limit total) c;
  if cardinality(ids) = 0 then
    return;
  end if;
  update public.webhook_endpoints w set tokens = x.avail - x.n, tokens_at = clock_timestamp()
    from (select a.id, a.avail, count(*) as n from unnest(eps, avails) a(id, avail) join unnest(owners) o(id) on o.id = a.id
           group by a.id, a.avail) x
   where w.id = x.id;
  return query
    update public.webhook_deliveries d set lease_until = at + make_interval(secs => lease_seconds)
     where d.id = any (ids)
    returning d.*;
end $$;

-- One round trip per batch: the ended attempts recorded, the endpoints they disable disabled, then
-- the next batch claimed — in that order, each statement in a fresh snapshot, so the claim sees the
-- slots and the disabled endpoints the record freed. Rows: one per delivery recorded (`recorded`
-- true, the id only), then one per delivery claimed with what sending it needs.
--
-- An attempt is recorded only where the claim still holds (`claimed` is the attempts count it was
-- claimed with, `leases` the lease it was claimed under: a claim taken over after its lease ran
-- out has the same attempts count but a new lease), so a late answer from a claim taken over
-- records nothing, and the newer claim keeps its lease and its slot: its delivery ended
-- (delivered, or failed after the last retry) or due again at its next_at, the endpoint's failure
-- clock kept. `disables` holds, per attempt, why its endpoint is to be disabled (410 Gone, failing
-- too long) or null; the endpoint's pending deliveries then end. Safe to run twice (writeAsService).
create function private.dispatch_webhook_deliveries(
  ids bigint[], claimed integer[], leases timestamptz[], ats timestamptz[], statuses integer[],
  durations integer[], errors text[], next_ats timestamptz[], delivered boolean[], disables text[],
  total integer, per_endpoint integer, rate double precision, lease_seconds integer, at timestamptz)
  returns table (recorded boolean, id bigint, attempts integer, lease_until timestamptz, endpoint_id uuid, firm_id uuid, url text, failing_since timestamptz,
                 secret_ciphertext text, secret_key_id text, previous_secret_ciphertext text, previous_secret_key_id text,
                 previous_secret_until timestamptz, event_id bigint, public_id text, type text, occurred_at timestamptz, data jsonb)
  language plpgsql security definer set search_path = '' set plan_cache_mode = force_generic_plan as $$
#variable_conflict use_column
declare
  kept bigint[] := '{}';
  kept_eps uuid[] := '{}';
  got bigint[];
begin
  if cardinality(ids) > 0 then
    with r as (
      select * from unnest(ids, claimed, leases, ats, statuses, durations, errors, next_ats, delivered)
        as r(id, claimed, lease, at, status, duration_ms, error, next_at, delivered)
    ), moved as (
      update public.webhook_deliveries d set attempts = d.attempts + 1, last_status = r.status, last_error = r.error, lease_until = null,
             state = case when r.delivered then 'succeeded' when r.next_at is null then 'failed' else 'pending' end,
             next_at = coalesce(r.next_at, d.next_at), finished_at = case when r.delivered or r.next_at is null then r.at end
        from r where d.id = r.id and d.attempts = r.claimed and d.lease_until = r.lease and d.state = 'pending'
      -- The delivery's own firm and endpoint, never the caller's word for them.
      returning d.id, d.firm_id, d.endpoint_id
    ), logged as (
      insert into public.webhook_attempts (firm_id, delivery_id, endpoint_id, at, status_code, duration_ms, error, next_at)
      select m.firm_id, r.id, m.endpoint_id, r.at, r.status, r.duration_ms, r.error, r.next_at from r join moved m on m.id = r.id
    ), clocks as (
      update public.webhook_endpoints w set failing_since = case when x.ok then null else coalesce(w.failing_since, x.first_at) end
        from (select m.endpoint_id, bool_or(r.delivered) as ok, min(r.at) as first_at from r join moved m on m.id = r.id group by m.endpoint_id) x
       where w.id = x.endpoint_id and (w.failing_since is null) <> x.ok
    )
    select coalesce(array_agg(m.id), '{}'), coalesce(array_agg(m.endpoint_id), '{}') into kept, kept_eps from moved m;
    -- Disabled as the attempt that asked for it is recorded (the earliest such attempt's reason).
    if cardinality(array_remove(disables, null)) > 0 then
      with x as (
        select distinct on (k.endpoint_id) k.endpoint_id, r.reason, r.at
          from unnest(ids, disables, ats) r(id, reason, at)
          join unnest(kept, kept_eps) k(id, endpoint_id) on k.id = r.id
         where r.reason is not null
         order by k.endpoint_id, r.at
      ), off as (
        update public.webhook_endpoints w set enabled = false, disabled_reason = x.reason, updated_at = x.at
          from x where w.id = x.endpoint_id and w.enabled
      )
      update public.webhook_deliveries d set state = 'failed', finished_at = x.at, lease_until = null
        from x where d.endpoint_id = x.endpoint_id and d.state = 'pending';
    end if;
    return query select true, k, null::integer, null::timestamptz, null::uuid, null::uuid, null::text, null::timestamptz, null::text, null::text,
                        null::text, null::text, null::timestamptz, null::bigint, null::text, null::text, null::timestamptz, null::jsonb
      from unnest(kept) k;
  end if;
  select coalesce(array_agg(c.id), '{}') into got from private.claim_webhook_deliveries(total, per_endpoint, rate, lease_seconds, at) c;
  if cardinality(got) = 0 then
    return;
  end if;
  return query
    select false, d.id, d.attempts, d.lease_until, d.endpoint_id, d.firm_id, w.url, w.failing_since, w.secret_ciphertext, w.secret_key_id,
           w.previous_secret_ciphertext, w.previous_secret_key_id, w.previous_secret_until, e.id, e.public_id, e.type, e.occurred_at, e.data
      from public.webhook_deliveries d
      join public.webhook_endpoints w on w.id = d.endpoint_id
      join public.events e on e.id = d.event_id
     where d.id = any (got)
     order by d.next_at nulls first, d.id;
end $$;
revoke all on function private.dispatch_webhook_deliveries(bigint[], integer[], timestamptz[], timestamptz[], integer[], integer[], text[], timestamptz[], boolean[], text[], integer, integer, double precision, integer, timestamptz) from public;
grant execute on function private.dispatch_webhook_deliveries(bigint[], integer[], timestamptz[], timestamptz[], integer[], integer[], text[], timestamptz[], boolean[], text[], integer, integer, double precision, integer, timestamptz) to service_role;
