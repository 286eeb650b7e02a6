// The per-firm Cegid semaphore (private.cegid_slots, private.cegid_pauses): single statements,
// in database time, safe through a transaction pooler.
import type { Queryable } from '../database.ts';

/**
 * Takes a free slot of the firm's `max` (one free, or one whose lease ran out) for `leaseMs`, unless
 * the firm is paused. Of two callers racing for one slot, the conflict makes one of them win.
 */
export async function takeCegidSlot(
  db: Queryable,
  firmId: string,
  max: number,
  holder: string,
  leaseMs: number,
): Promise<{ slot: number | null; pausedMs: number }> {
  const r = await db.query<{ slot: number | null; paused_ms: number | null }>(
    `with pause as (
       select ceil(extract(epoch from (paused_until - now())) * 1000)::int as ms
         from private.cegid_pauses where firm_id = $1 and paused_until > now()
     ), cand as (
       select g.n from generate_series(1, $2::int) as g(n)
        where not exists (select 1 from pause)
          and not exists (select 1 from private.cegid_slots c where c.firm_id = $1 and c.slot = g.n and c.lease_until > now())
        order by random() limit 1
     ), taken as (
       insert into private.cegid_slots (firm_id, slot, holder, lease_until)
       select $1, n, $3, now() + make_interval(secs => $4::double precision / 1000) from cand
       on conflict (firm_id, slot) do update set holder = excluded.holder, lease_until = excluded.lease_until
         where private.cegid_slots.lease_until <= now()
       returning slot
     )
     select (select slot from taken) as slot, (select ms from pause) as paused_ms`,
    [firmId, max, holder, leaseMs],
  );
  return { slot: r.rows[0]?.slot ?? null, pausedMs: r.rows[0]?.paused_ms ?? 0 };
}

/** Gives a slot back (only the holder's own: a slot taken over after its lease stays with its new holder). */
export async function giveCegidSlot(db: Queryable, firmId: string, slot: number, holder: string): Promise<void> {
  await db.query('delete from private.cegid_slots where firm_id = $1 and slot = $2 and holder = $3', [firmId, slot, holder]);
}

/** No call for this firm for `ms` (a longer pause already set stands). */
export async function pauseFirm(db: Queryable, firmId: string, ms: number): Promise<void> {
  await db.query(
    `insert into private.cegid_pauses (firm_id, paused_until) values ($1, now() + make_interval(secs => $2::double precision / 1000))
     on conflict (firm_id) do update set paused_until = greatest(private.cegid_pauses.paused_until, excluded.paused_until)`,
    [firmId, ms],
  );
}

/** How many calls are in flight for the firm now (leases not run out). */
export async function cegidCallsInFlight(db: Queryable, firmId: string): Promise<number> {
  return (
    await db.query<{ n: number }>('select count(*)::int as n from private.cegid_slots where firm_id = $1 and lease_until > now()', [firmId])
  ).rows[0]!.n;
}
