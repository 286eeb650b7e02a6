// The tick workers' semaphore (private.tick_worker_slots): single statements, in database time,
// safe through a transaction pooler. At most `max` worker requests hold a slot at once, whichever
// tick or instance started them.
import type { Queryable } from '../database.ts';

/** Takes a free slot of `max` (one free, or one whose lease ran out) for `leaseMs`; null when all are held. */
export async function takeWorkerSlot(db: Queryable, max: number, holder: string, leaseMs: number): Promise<number | null> {
  const r = await db.query<{ slot: number }>(
    `with cand as (
       select g.n from generate_series(1, $1::int) as g(n)
        where not exists (select 1 from private.tick_worker_slots s where s.slot = g.n and s.lease_until > now())
        order by random() limit 1
     )
     insert into private.tick_worker_slots (slot, holder, lease_until)
     select n, $2, now() + make_interval(secs => $3::double precision / 1000) from cand
     on conflict (slot) do update set holder = excluded.holder, lease_until = excluded.lease_until
       where private.tick_worker_slots.lease_until <= now()
     returning slot`,
    [max, holder, leaseMs],
  );
  return r.rows[0]?.slot ?? null;
}

/** Gives a slot back (only the holder's own: one taken over after its lease stays with its new holder). */
export async function giveWorkerSlot(db: Queryable, slot: number, holder: string): Promise<void> {
  await db.query('delete from private.tick_worker_slots where slot = $1 and holder = $2', [slot, holder]);
}

/** Worker slots held now (leases not run out). */
export async function workerSlotsHeld(db: Queryable): Promise<number> {
  return (await db.query<{ n: number }>('select count(*)::int as n from private.tick_worker_slots where lease_until > now()')).rows[0]!.n;
}
