import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { JobDefinition, TickReport, WorkReport } from './jobs/contract.ts';
import type { TokenVerifier } from './lib/auth.ts';
import type { Logger } from './lib/logger.ts';
import type { SecretBox } from './lib/secret-box.ts';
import type { ProcessMetrics } from './lib/metrics.ts';
import type { CegidSettings } from './quadra/gateway.ts';

/**
 * Enqueues background work by its definition (src/jobs/definitions.ts); pg-boss in every
 * environment. Payloads carry ids, never data. A given `id` makes the send idempotent: a second
 * send with the same id is a no-op (answers null).
 */
export interface JobQueue {
  send<P>(job: JobDefinition<P>, payload: P, opts?: { startAfter?: Date; id?: string }): Promise<string | null>;
  /** Many jobs of one definition at once (pg-boss `insert`, a few hundred per statement); an id already taken is skipped. How many were new. */
  sendMany<P>(job: JobDefinition<P>, items: ReadonlyArray<{ payload: P; id: string }>): Promise<number>;
}

/** Everything routes and jobs share: built once by the server (or a test) and passed down. */
export interface Services {
  config: Config;
  db: Database;
  log: Logger;
  verifyToken: TokenVerifier;
  secrets: SecretBox;
  jobs: JobQueue;
  cegid: CegidSettings;
  /** The clock every rule reads; tests and the demo move it forward. */
  now: () => Date;
  /** One bounded run of due schedules and jobs (POST /v1/jobs/tick); absent where no queue runs. */
  tick?: (opts?: { workerUrl?: string | undefined; startedAt?: number; cpuAt?: NodeJS.CpuUsage }) => Promise<TickReport>;
  /** One bounded worker of the tick's fan-out (POST /v1/jobs/work). */
  work?: (opts?: { startedAt?: number; cpuAt?: NodeJS.CpuUsage; budgetMs?: number }) => Promise<WorkReport>;
  /** The process's own Prometheus metrics (the Node service); absent in the Edge Function, whose instances' counters nobody could sum. */
  metrics?: ProcessMetrics;
  /** Where the app is mounted under its origin (the Edge Function's /quadra-sync); '' for the Node service. */
  basePath?: string;
}
