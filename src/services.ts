import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { TokenVerifier } from './lib/auth.ts';
import type { Logger } from './lib/logger.ts';
import type { SecretBox } from './lib/secret-box.ts';
import type { CegidSettings } from './quadra/gateway.ts';

/** Enqueues background work; pg-boss in every environment. Payloads carry ids, never data. */
export interface JobQueue {
  send(name: string, data: Record<string, string | number | boolean | null>, opts?: { startAfter?: Date; singletonKey?: string }): Promise<string | null>;
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
}
