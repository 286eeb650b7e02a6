// Reference sync: every dossier of the firm becomes a client file, and each file gets Quadra's
// periods, accounts and journals. Network reads happen outside transactions; each file's data is
// then written in one short service transaction. Safe to run twice: the writes converge.
import { clientsForFirm } from './firm-clients.ts';
import { claimSyncRun, createNightlyRuns, finishSyncRun, syncFileReference, upsertClientFiles } from '../db/repos/reference.ts';
import { asService } from '../db/scoped.ts';
import {
  accountRows,
  addChanges,
  emptyCounts,
  fileRows,
  journalRows,
  NIGHTLY_SYNC_WINDOW_MS,
  periodRows,
  type RunError,
  type SyncCounts,
} from '../domain/reference-sync.ts';
import { AppError } from '../lib/errors.ts';
import { isCegidError } from '../quadra/errors.ts';
import type { Services } from '../services.ts';
import { referenceSyncJob } from '../jobs/definitions.ts';
import { logError } from '../lib/log-error.ts';
import { text } from '../i18n/index.ts';

export const REFERENCE_SYNC_JOB = 'reference-sync';

/**
 * Why a run failed, in words a user can act on. Cegid's own code is kept (the brief's support
 * procedure starts from it); the message is the remedy, scrubbed of secrets by CegidError.
 */
export function runError(err: unknown): RunError | undefined {
  if (isCegidError(err)) return err.toUserError();
  if (err instanceof AppError) return { code: err.code, message: err.message };
  return undefined;
}

export const INTERNAL_RUN_ERROR: RunError = {
  code: 'internal_error',
  message: text('life.reference_sync_failed'),
};

/** A run left `running` longer than this was abandoned by a dead worker (pg-boss expires jobs at 15 min). */
const STALE_RUN_MS = 10 * 60_000;
/** Dossiers read at once: enough to hide latency, few enough to stay polite with Cegid. */
const DOSSIER_CONCURRENCY = 4;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs one sync run. A Cegid error ends the run `failed` with Cegid's code and the remedy (the
 * clients already retried what a retry can fix; the next nightly or manual run tries again). Any
 * other error marks it failed on our side and is rethrown so pg-boss retries the job.
 */
export async function runReferenceSync(s: Services, runId: string): Promise<void> {
  if (!UUID.test(runId)) {
    s.log.warn({ runId: String(runId).slice(0, 64) }, 'reference sync: ignoring a job without a valid run id');
    return;
  }
  const startedAt = s.now();
  const claimed = await asService(s.db, (tx) => claimSyncRun(tx, runId, startedAt, new Date(startedAt.getTime() - STALE_RUN_MS)));
  if (!claimed) return; // already finished, or being run by another worker
  const { firmId } = claimed;
  const log = s.log.child({ runId, firmId });
  let counts: SyncCounts = emptyCounts();

  try {
    const { cpa, cfe } = await clientsForFirm(s, firmId);
    // The exchange container is checked too: entries cannot be sent without it, and the brief's
    // ContainerNotFoundInSicSettings surfaces "during the first synchronization".
    const [dossiers] = await Promise.all([cpa.listDossiers(), cfe.resolveContainer()]);
    const files = fileRows(dossiers);
    const { changes, ids } = await asService(s.db, (tx) => upsertClientFiles(tx, firmId, files, s.now()));
    counts = addChanges(counts, 'files', changes);

    await forEachLimited(files, DOSSIER_CONCURRENCY, async (f) => {
      const [periods, accounts, journals] = await Promise.all([
        cpa.listPeriods(f.dossier_code),
        cpa.listAccounts(f.dossier_code),
        cpa.listJournals(f.dossier_code),
      ]);
      const c = await asService(s.db, (tx) =>
        syncFileReference(
          tx,
          { id: ids.get(f.dossier_code)!, firmId },
          { periods: periodRows(periods), accounts: accountRows(accounts), journals: journalRows(journals) },
          s.now(),
        ),
      );
      counts = addChanges(addChanges(addChanges(counts, 'periods', c.periods), 'accounts', c.accounts), 'journals', c.journals);
    });

    await asService(s.db, (tx) => finishSyncRun(tx, runId, { counts }, s.now()));
    log.info({ counts }, 'reference sync succeeded');
  } catch (err) {
    const known = runError(err);
    await asService(s.db, (tx) => finishSyncRun(tx, runId, { counts, error: known ?? INTERNAL_RUN_ERROR }, s.now()));
    if (known) {
      log.warn({ code: known.code, counts }, 'reference sync failed');
      return;
    }
    log.error({ err: logError(err) }, 'reference sync failed on our side');
    throw err;
  }
}

/**
 * Queues a run's job. Payload: the run id only. If the queue refuses, the run is closed as
 * failed rather than left `queued` forever.
 */
export async function enqueueReferenceSync(s: Services, runId: string): Promise<void> {
  try {
    await s.jobs.send(referenceSyncJob, { runId });
  } catch (err) {
    await asService(s.db, (tx) =>
      finishSyncRun(
        tx,
        runId,
        {
          counts: emptyCounts(),
          error: { code: 'queue_unavailable', message: text('life.reference_sync_not_queued') },
        },
        s.now(),
      ),
    );
    throw err;
  }
}

/** The nightly refresh: a run per connected firm, each its own job. */
export async function scheduleNightlyReferenceSyncs(s: Services): Promise<number> {
  const now = s.now();
  const runIds = await asService(s.db, (tx) => createNightlyRuns(tx, now, new Date(now.getTime() - NIGHTLY_SYNC_WINDOW_MS)));
  for (const runId of runIds) await enqueueReferenceSync(s, runId);
  s.log.info({ runs: runIds.length }, 'nightly reference sync queued');
  return runIds.length;
}

/** Runs `fn` over `items`, at most `limit` at a time; stops taking new items after a failure and rethrows it. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  // Settle every worker before reporting, so no write lands after the run is recorded.
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}
