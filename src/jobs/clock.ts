// The tick's clock: turns the schedules into due slots and fires each slot exactly once. A slot is
// a row keyed (schedule, slot); the job is sent in the transaction that inserts it, so two
// overlapping ticks cannot both fire it and a failed send leaves it for the next tick. Slots missed
// while nothing ticked (up to SCHEDULE_CATCHUP_HOURS back) are recorded and fired as one run: every
// scheduled handler works on whatever is due at the time it runs.
import type { Services } from '../services.ts';
import { schedules, slotsBetween, type Schedule } from './schedules.ts';

export interface FiredSlots { schedule: string; job: string; slots: string[]; jobId: string | null }

const HOUR = 3_600_000;

export async function fireDueSlots(s: Services, now: Date = s.now(), list: readonly Schedule[] = schedules): Promise<FiredSlots[]> {
  const horizon = new Date(now.getTime() - s.config.SCHEDULE_CATCHUP_HOURS * HOUR);
  const last = new Map((await s.db.query<{ schedule: string; last: Date }>(
    'select schedule, max(slot) as last from private.schedule_slots group by schedule')).rows.map((r) => [r.schedule, new Date(r.last)]));
  const fired: FiredSlots[] = [];
  for (const sc of list) {
    const seen = last.get(sc.key);
    const after = seen && seen > horizon ? seen : horizon;
    const due = slotsBetween(sc.cron(s.config), s.config.SCHEDULE_TZ, after, now);
    if (due.length === 0) continue;
    await s.db.transaction(async (tx) => {
      const won = (await tx.query<{ slot: Date }>(
        `insert into private.schedule_slots (schedule, slot) select $1, unnest($2::timestamptz[])
         on conflict do nothing returning slot`, [sc.key, due.map((d) => d.toISOString())])).rows.map((r) => new Date(r.slot));
      if (won.length === 0) return; // another tick fired them
      won.sort((a, b) => a.getTime() - b.getTime());
      const latest = won[won.length - 1]!.toISOString();
      const jobId = await s.jobs.send(sc.job, { slot: latest }, { db: tx });
      await tx.query('update private.schedule_slots set job_id = $3 where schedule = $1 and slot = any($2::timestamptz[])',
        [sc.key, won.map((d) => d.toISOString()), jobId]);
      fired.push({ schedule: sc.key, job: sc.job.name, slots: won.map((d) => d.toISOString()), jobId });
    });
  }
  return fired;
}
