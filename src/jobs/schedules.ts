// The service's clock, one list for both runtimes. The Node service hands it to pg-boss's
// schedule(); on Supabase (no long-lived process) each tick turns it into due slots
// (src/jobs/clock.ts). Cron expressions are read in SCHEDULE_TZ, so 02:00 stays 02:00 in Paris
// across daylight-saving changes.
import { CronExpressionParser } from 'cron-parser';
import type { Config } from '../config.ts';
import { autoSendJob, deliverEventsJob, nightlyJob, referenceNightlyJob, sweepJob } from './definitions.ts';
import type { JobDefinition } from './registry.ts';

export interface Schedule {
  /** Stable name: the key of its slots. */
  key: string;
  job: JobDefinition<{ slot?: string | undefined }>;
  cron(c: Config): string;
  /** Also sent once when the Node service starts its schedules (a job that re-queues itself restarts at once). */
  atStart?: boolean;
}

export const schedules: readonly Schedule[] = [
  { key: 'auto-send', job: autoSendJob, cron: (c) => c.SEND_CRON },
  { key: 'nightly-verification', job: nightlyJob, cron: (c) => c.NIGHTLY_CRON },
  { key: 'reference-nightly', job: referenceNightlyJob, cron: (c) => c.REFERENCE_CRON },
  { key: 'sweep', job: sweepJob, cron: (c) => c.SWEEP_CRON },
  { key: 'deliver-events', job: deliverEventsJob, cron: (c) => c.WEBHOOK_CRON, atStart: true },
];

/**
 * The instants in (after, upTo] at which `cron` fires in `timeZone`. A wall-clock time skipped by
 * the spring change fires at the first instant after the gap; one repeated by the autumn change
 * fires once. At most `max` slots, the latest kept.
 */
export function slotsBetween(cron: string, timeZone: string, after: Date, upTo: Date, max = 1000): Date[] {
  if (upTo <= after) return [];
  const it = CronExpressionParser.parse(cron, { currentDate: after, endDate: upTo, tz: timeZone });
  const out: Date[] = [];
  while (it.hasNext()) {
    const d = it.next().toDate();
    if (d <= after) continue;
    if (d > upTo) break;
    out.push(d);
    if (out.length > max) out.shift();
  }
  return out;
}
