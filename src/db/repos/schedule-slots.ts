// The slots of the schedules the ticks fire (private.schedule_slots): the latest fired per schedule,
// winning a slot (one tick only), the slots won but never sent (a tick that stopped), and the job
// each was sent as. Read and written with the service's connection.
import type { Queryable } from '../database.ts';

/** The latest slot fired, per schedule. */
export async function lastSlots(db: Queryable): Promise<Map<string, Date>> {
  return new Map(
    (
      await db.query<{ schedule: string; last: Date }>('select schedule, max(slot) as last from private.schedule_slots group by schedule')
    ).rows.map((r) => [r.schedule, new Date(r.last)]),
  );
}

/** Claims these slots of `schedule`; returns the ones this call won (another tick got the rest). */
export async function winSlots(db: Queryable, schedule: string, slots: Date[]): Promise<Date[]> {
  return (
    await db.query<{ slot: Date }>(
      `insert into private.schedule_slots (schedule, slot) select $1, unnest($2::timestamptz[])
     on conflict do nothing returning slot`,
      [schedule, slots.map((d) => d.toISOString())],
    )
  ).rows.map((r) => new Date(r.slot));
}

/** Slots won before `before` whose job was never sent. */
export async function orphanSlots(db: Queryable, before: Date): Promise<Array<{ schedule: string; slot: Date }>> {
  return (
    await db.query<{ schedule: string; slot: Date }>(
      'select schedule, slot from private.schedule_slots where job_id is null and fired_at < $1',
      [before],
    )
  ).rows.map((r) => ({ schedule: r.schedule, slot: new Date(r.slot) }));
}

/** Records the job these slots were sent as. */
export async function slotsSent(db: Queryable, schedule: string, slots: Date[], jobId: string): Promise<void> {
  await db.query('update private.schedule_slots set job_id = $3 where schedule = $1 and slot = any($2::timestamptz[])', [
    schedule,
    slots.map((d) => d.toISOString()),
    jobId,
  ]);
}
