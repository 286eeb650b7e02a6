// "Synchronize": the file's pending entries are sent now, as a job in the user's own lane. With
// `wait`, the call answers once that job has finished (at most SYNC_WAIT_MS), and a user has at
// most SYNC_WAITS_PER_USER such calls waiting at once in this process: one more is refused before
// anything is queued, so a client retrying in a loop cannot pile up sends or hold connections.
import { getFile } from '../db/repos/entries.ts';
import { jobInFlight } from '../db/repos/jobs.ts';
import { asUser } from '../db/scoped.ts';
import { sendFileJob } from '../jobs/definitions.ts';
import type { UserClaims } from '../lib/auth.ts';
import type { PerKeyLimit } from '../lib/concurrency.ts';
import { AppError, notFound } from '../lib/errors.ts';
import type { Services } from '../services.ts';
import { msg, text } from '../i18n/index.ts';

export const SYNC_WAIT_MS = 30_000;
const POLL_MS = 200;

export const TOO_MANY_WAITS = (n: number) => text('error.too_many_waits', { n });

export interface SyncAnswer {
  queued: true;
  jobId: string | null;
  finished?: boolean;
}

/** Queues the file's send (404 if the caller cannot see the file); with `wait`, waits for it within the per-user limit. */
export async function synchronizeFile(
  s: Services,
  user: UserClaims,
  fileId: string,
  opts: { wait: boolean; waits: PerKeyLimit; signal?: AbortSignal | undefined },
): Promise<SyncAnswer> {
  await asUser(s.db, user, async (tx) => {
    if (!(await getFile(tx, fileId))) throw notFound('File');
  });
  const release = opts.wait ? opts.waits.tryAcquire(user.sub) : undefined;
  if (opts.wait && !release) {
    throw new AppError('too_many_waiting_syncs', msg('error.too_many_waits', { n: s.config.SYNC_WAITS_PER_USER }), {
      maxWaiting: s.config.SYNC_WAITS_PER_USER,
    });
  }
  try {
    const jobId = await s.jobs.send(sendFileJob, { fileId });
    if (!opts.wait) return { queued: true, jobId };
    const until = Date.now() + SYNC_WAIT_MS;
    let finished = !(await jobInFlight(s.db, sendFileJob.name, fileId));
    // A caller gone away stops the polling and gives its slot back.
    while (!finished && !opts.signal?.aborted && Date.now() < until) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      finished = !(await jobInFlight(s.db, sendFileJob.name, fileId));
    }
    return { queued: true, jobId, finished };
  } finally {
    release?.();
  }
}
