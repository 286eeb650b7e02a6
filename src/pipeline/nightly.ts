// The scheduled runs, each a loop over the files it concerns, calling the same functions the
// routes and per-file jobs call. Time comes in as `now`: tests and the demo move it forward.
import { asService } from '../db/scoped.ts';
import { mapLimit } from '../lib/concurrency.ts';
import type { Services } from '../services.ts';
import { recoverDeposit, sendFile, type SendOutcome } from './send.ts';
import { auditPosted, earlyCheckDeposit, filesDueTonight, filesRecentlyPosted, runNightForFile, verifyDeposit, type NightReport } from './verify.ts';

// Files are independent: a few at a time overlap one file's Cegid round trips with another's SQL.
const FILE_CONCURRENCY = 4;

/** Every file with entries due tonight gets its night's attempt; one file's trouble stops no other. */
export async function runNightly(s: Services, now: Date = s.now()): Promise<NightReport[]> {
  const reports = await mapLimit(await filesDueTonight(s, now), FILE_CONCURRENCY, async (fileId) => {
    try {
      return await runNightForFile(s, fileId, now);
    } catch (err) {
      s.log.warn({ fileId, err: { name: (err as Error).name, message: (err as Error).message } }, 'night attempt failed for a file; it is tried again next run');
      return undefined;
    }
  });
  return reports.filter((r): r is NightReport => r !== undefined);
}

/** Each night, after the attempts: the week's posted entries looked at again for copies. */
export async function runNightlyAudit(s: Services, now: Date = s.now()): Promise<number> {
  const flagged = await mapLimit(await filesRecentlyPosted(s, now), FILE_CONCURRENCY, async (fileId) => {
    try { return await auditPosted(s, fileId, now); } catch (err) {
      s.log.warn({ fileId, err: { name: (err as Error).name, message: (err as Error).message } }, 'posted-entries audit failed for a file; tried again next night');
      return 0;
    }
  });
  return flagged.reduce((a, b) => a + b, 0);
}

/** Automatic sending: every file with entries ready to go. */
export async function sendAllPending(s: Services, now: Date = s.now()): Promise<SendOutcome[]> {
  const files = await asService(s.db, async (tx) => (await tx.query<{ file_id: string }>(
    `select distinct file_id from public.entries where status = 'pending' and deposit_id is null and next_attempt_at is null`)).rows);
  const out = await mapLimit(files, FILE_CONCURRENCY, async ({ file_id }) => {
    try { return await sendFile(s, file_id, now); } catch (err) {
      s.log.warn({ fileId: file_id, err: { name: (err as Error).name, message: (err as Error).message } }, 'automatic send failed for a file');
      return undefined;
    }
  });
  return out.filter((o): o is SendOutcome => o !== undefined);
}

/**
 * Every 15 minutes: night attempts put off by an import's grace period, verifications whose job
 * was lost, early checks of deposits Quadra has taken, and deposits left `preparing` by a crash
 * (older than a few minutes, so an upload in flight is not mistaken for a crashed one).
 */
export async function sweep(s: Services, now: Date = s.now()): Promise<{ verified: number; recovered: number; postedEarly: number }> {
  const { due, stuck, waiting } = await asService(s.db, async (tx) => ({
    waiting: (await tx.query<{ id: string }>(
      `select id from public.deposits where verified_at is null and status in ('uploaded', 'imported') and verify_at > $1
          and uploaded_at < $2`, [now, new Date(now.getTime() - 10 * 60_000)])).rows,
    due: (await tx.query<{ id: string }>(
      `select id from public.deposits where verified_at is null and status in ('uploaded', 'imported') and verify_at <= $1`, [now])).rows,
    // Database time: a lease that ran out, whatever the injected clock says.
    stuck: (await tx.query<{ id: string }>(
      `select id from public.deposits where status = 'preparing' and (claimed_until is null or claimed_until < now())`)).rows,
  }));
  // Night attempts put off by the grace period after an import come due between nights.
  await runNightly(s, now);
  let verified = 0;
  await mapLimit(due, FILE_CONCURRENCY, async (d) => {
    try { if (await verifyDeposit(s, d.id, now)) verified++; } catch { /* recorded as an attempt; next sweep retries */ }
  });
  let early = 0;
  await mapLimit(waiting, FILE_CONCURRENCY, async (d) => {
    try { early += await earlyCheckDeposit(s, d.id, now); } catch { /* a cheap extra; the 12-hour check stands */ }
  });
  for (const d of stuck) {
    try { await recoverDeposit(s, d.id, now); } catch { /* next sweep retries */ }
  }
  return { verified, recovered: stuck.length, postedEarly: early };
}
