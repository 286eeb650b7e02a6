// The tick's clock: turns the schedules into due slots and fires each slot exactly once.
// - A slot is a row keyed (schedule, slot): of two overlapping ticks, only the one whose insert
//   wins fires it.
// - The job it fires has an id derived from (schedule, slot), so sending it again is a no-op: a
//   tick that won slots but died before sending leaves rows without a job, which the next tick
//   sends under that same id (never twice).
// - Slots missed while nothing ticked (up to SCHEDULE_CATCHUP_HOURS back) are recorded and fired as
//   one run: every scheduled handler works on whatever is due when it runs.
import { createHash } from 'node:crypto';
import type { Services } from '../services.ts';
import type { FiredSlots } from './contract.ts';

export type { FiredSlots } from './contract.ts';
import { schedules, slotsBetween, type Schedule } from './schedules.ts';
import { lastSlots, orphanSlots, slotsSent, winSlots } from '../db/repos/schedule-slots.ts';

const HOUR = 3_600_000;
/** How long a won slot may wait for its job before another tick sends it. */
const ORPHAN_AFTER_MS = 60_000;

/** A UUID derived from the schedule and its latest slot: the same slot always names the same job. */
export function slotJobId(schedule: string, slot: Date): string {
  const h = createHash('sha256').update(`${schedule}|${slot.toISOString()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function fireDueSlots(s: Services, now: Date = s.now(), list: readonly Schedule[] = schedules): Promise<FiredSlots[]> {
  const horizon = new Date(now.getTime() - s.config.SCHEDULE_CATCHUP_HOURS * HOUR);
  const last = await lastSlots(s.db);
  const fired: FiredSlots[] = [];
  for (const sc of list) {
    const seen = last.get(sc.key);
    const after = seen && seen > horizon ? seen : horizon;
    const due = slotsBetween(sc.cron(s.config), s.config.SCHEDULE_TZ, after, now);
    if (due.length === 0) continue;
    const won = await winSlots(s.db, sc.key, due);
    if (won.length === 0) continue; // another tick fired them
    fired.push(await sendFor(s, sc, won));
  }
  // Slots won by a tick that stopped before sending their job.
  const orphans = await orphanSlots(s.db, new Date(Date.now() - ORPHAN_AFTER_MS));
  for (const sc of list) {
    const mine = orphans.filter((o) => o.schedule === sc.key).map((o) => o.slot);
    if (mine.length) fired.push(await sendFor(s, sc, mine));
  }
  return fired;
}

async function sendFor(s: Services, sc: Schedule, slots: Date[]): Promise<FiredSlots> {
  slots.sort((a, b) => a.getTime() - b.getTime());
  const latest = slots[slots.length - 1]!;
  const id = slotJobId(sc.key, latest);
  const sent = await s.jobs.send(sc.job, { slot: latest.toISOString() }, { id });
  await slotsSent(s.db, sc.key, slots, id);
  return { schedule: sc.key, job: sc.job.name, slots: slots.map((d) => d.toISOString()), jobId: sent };
}
