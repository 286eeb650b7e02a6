// The schedules' slots only enqueue: each turns what is due into one small job per unit (a file's
// night and audit, a file's automatic send, a deposit the sweep found), set-based, in one insert
// per few hundred units. A unit's id is derived from its slot and itself, so a slot fired twice
// (its job retried after a crash, two processes) enqueues nothing new; a unit still queued from an
// earlier slot is not queued again. The units run anywhere (any Node replica, any tick worker);
// the per-file and per-deposit leases keep one file's work in one place at a time. A crash loses
// only the unit in flight, which pg-boss retries; the files already done are not done again.
import { createHash } from 'node:crypto';
import * as deposits from '../db/repos/deposits.ts';
import { filesToSend, liveJobKeys } from '../db/repos/due-work.ts';
import { compactCounts } from '../db/repos/entry-counts.ts';
import { asService } from '../db/scoped.ts';
import { autoSendFileJob, nightFileJob, sweepUnitJob, verifyDepositJob, type SWEEP_KINDS } from '../jobs/definitions.ts';
import type { JobDefinition } from '../jobs/contract.ts';
import type { Services } from '../services.ts';
import { auditPosted, filesRecentlyPosted } from './audit.ts';
import { earlyCheckDelayMs, earlyCheckDeposit } from './check.ts';
import { recoverWithdrawal } from './earlier-copy.ts';
import { filesDueTonight, runNightForFile } from './night.ts';
import { recoverDeposit } from './send.ts';
import { settleUnconfirmed } from './unconfirmed.ts';
import { logError } from '../lib/log-error.ts';

// A file's count rows grow by one per status per statement that changes it; folded past this many.
const COUNT_ROWS_BEFORE_FOLDING = 64;

/** A UUID derived from its parts: the same slot and unit always name the same job. */
export function unitJobId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Enqueues one job per payload, under ids derived from `seed`; skips units already waiting. How many were new. */
async function enqueueUnits<P extends object>(s: Services, job: JobDefinition<P>, seed: string, payloads: P[]): Promise<number> {
  if (!payloads.length) return 0;
  const key = job.send.singletonKey ?? ((p: P) => JSON.stringify(p));
  const live = await liveJobKeys(s.db, job.name, payloads.map(key));
  const fresh = payloads.filter((p) => !live.has(key(p)));
  return s.jobs.sendMany(
    job,
    fresh.map((payload) => ({ payload, id: unitJobId(job.name, seed, key(payload)) })),
  );
}

/** The night's slot: one unit per file with entries due tonight or posted this week (then audited). */
export async function fanOutNight(s: Services, seed: string, now: Date = s.now()): Promise<number> {
  const night = new Set(await filesDueTonight(s, now));
  const audit = new Set(await filesRecentlyPosted(s, now));
  const files = [...new Set([...night, ...audit])].sort();
  return enqueueUnits(
    s,
    nightFileJob,
    seed,
    files.map((fileId) => ({ fileId, night: night.has(fileId), audit: audit.has(fileId) })),
  );
}

/** A file's night, then its audit: each file's trouble is its own (the unit fails and is retried). */
export async function runNightUnit(s: Services, p: { fileId: string; night: boolean; audit: boolean }): Promise<void> {
  const now = s.now();
  if (p.night) await runNightForFile(s, p.fileId, now);
  if (p.audit) await auditPosted(s, p.fileId, now);
}

/** The automatic send's slot: one unit per file with entries ready to go. */
export async function fanOutAutoSend(s: Services, seed: string): Promise<number> {
  const files = await asService(s.db, (tx) => filesToSend(tx));
  return enqueueUnits(
    s,
    autoSendFileJob,
    seed,
    files.map((fileId) => ({ fileId })),
  );
}

/**
 * The sweep's slot (every 15 minutes): a unit per deposit left `preparing` by a crash, per
 * unconfirmed upload, per half-done withdrawal, per early check; a check per deposit whose
 * check is due (its job lost); a night unit per file whose attempt an import's grace put off.
 * The tab counts are folded here (one statement, nothing waits on it).
 */
export async function fanOutSweep(s: Services, seed: string, now: Date = s.now()): Promise<number> {
  const found = await asService(s.db, (tx) => deposits.sweepable(tx, now, new Date(now.getTime() - earlyCheckDelayMs(s))));
  const unit = (kind: (typeof SWEEP_KINDS)[number]) => (depositId: string) => ({ kind, depositId });
  let n = await enqueueUnits(s, sweepUnitJob, seed, [
    ...found.stuck.map(unit('recover-deposit')),
    ...found.unconfirmed.map(unit('settle-upload')),
    ...found.withdrawing.map(unit('recover-withdrawal')),
    ...found.waiting.map(unit('early-check')),
  ]);
  n += await enqueueUnits(
    s,
    verifyDepositJob,
    seed,
    found.due.map((depositId) => ({ depositId })),
  );
  n += await enqueueUnits(
    s,
    nightFileJob,
    seed,
    (await filesDueTonight(s, now)).map((fileId) => ({ fileId, night: true, audit: false })),
  );
  await asService(s.db, (tx) => compactCounts(tx, COUNT_ROWS_BEFORE_FOLDING)).catch((err: Error) => {
    s.log.warn({ err: logError(err) }, 'folding the tab counts failed; the next sweep tries again');
  });
  return n;
}

/** One deposit the sweep found. */
export async function runSweepUnit(s: Services, p: { kind: (typeof SWEEP_KINDS)[number]; depositId: string }): Promise<unknown> {
  const now = s.now();
  switch (p.kind) {
    case 'recover-deposit':
      return recoverDeposit(s, p.depositId, now);
    case 'settle-upload':
      return settleUnconfirmed(s, p.depositId, now);
    case 'recover-withdrawal':
      return recoverWithdrawal(s, p.depositId, now);
    case 'early-check':
      return earlyCheckDeposit(s, p.depositId, now);
  }
}
