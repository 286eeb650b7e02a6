import { z } from 'zod';
import { DEFAULT_NIGHTLY_ATTEMPTS } from './domain/entries/lifecycle.ts';
import { DEV_VENDOR_NAME, type VendorIdentity } from './quadra/token-source.ts';
import { APP_VERSION } from './version.ts';

// Every setting comes from the environment, validated once at start-up. Defaults make
// `npm start` work on a fresh machine (embedded database, simulator); production sets its own.
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The most wall clock a tick may give its jobs: the platform ends a request at 150 s. */
export const TICK_BUDGET_MAX_MS = 140_000;

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  // The language of the texts when the caller's Accept-Language names none we speak: French in
  // production (Quadra is sold in France), English otherwise (filled in by loadConfig).
  DEFAULT_LANGUAGE: z.enum(['en', 'fr']).optional(),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The Node service gathers log lines for up to this long before writing them (0: each at once). */
  LOG_FLUSH_MS: z.coerce.number().int().min(0).max(10_000).default(1_000),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().default('.data'),
  // Supabase-issued JWTs: HS256 shared secret, or a JWKS URL for asymmetric keys.
  JWT_SECRET: z.string().min(32).optional(),
  JWT_JWKS_URL: z.string().url().optional(),
  JWT_AUDIENCE: z.string().default('authenticated'),
  JWT_ISSUER: z.string().optional(),
  // AES-256-GCM keys for the Cegid secrets: "keyId:base64Key[,keyId:base64Key]"; the first encrypts.
  SECRETS_KEYS: z.string().optional(),
  // Cegid endpoints (modeled: see README). Empty with QUADRA_SIMULATOR=embedded.
  CPA_BASE_URL: z.string().url().optional(),
  CFE_BASE_URL: z.string().url().optional(),
  // How Quadra Sync introduces itself with every Cegid token request (published contract): the vendor
  // GUID Cegid issues (required in production against a real Cegid; a development one under the
  // simulator) and the application's name. The version is the package's (src/version.ts).
  CEGID_VENDOR_NAME: z.guid('CEGID_VENDOR_NAME must be the vendor GUID Cegid issued').optional(),
  CEGID_APPLICATION_NAME: z.string().min(1).max(100).default('quadra-sync'),
  CEGID_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  CEGID_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  QUADRA_SIMULATOR: z.enum(['off', 'embedded']).default('off'),
  SIM_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  // The hub console (examples/hub-console) that `npm start` serves on its own origin.
  CONSOLE_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  // The browser origins allowed to call the API (CORS): exact origins, comma-separated. Unset: none
  // in production, the console's own origins otherwise (filled in by loadConfig).
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const list = v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean);
      for (const o of list) {
        let exact = false;
        try {
          exact = !o.includes('*') && new URL(o).origin === o;
        } catch {
          exact = false;
        }
        if (!exact) ctx.addIssue({ code: 'custom', message: `"${o}" is not an exact origin (scheme://host[:port], no path, no wildcard)` });
      }
      return list;
    }),
  // Schedules (cron, in SCHEDULE_TZ): automatic sends and the nightly verification run.
  SCHEDULE_TZ: z.string().default('Europe/Paris'),
  SEND_CRON: z.string().default('*/10 * * * *'),
  NIGHTLY_CRON: z.string().default('0 2 * * *'),
  REFERENCE_CRON: z.string().default('30 1 * * *'),
  // The sweep runs the early check (entries of an opened dossier turn posted before the 12-hour
  // check): every 15 minutes in production, every minute in development so a first run sees its
  // entry posted within minutes of opening the dossier (filled in by loadConfig).
  SWEEP_CRON: z.string().optional(),
  // How long after Quadra took a deposit the early check reads its entries there (modeled: they
  // take a few minutes to appear): 10 minutes in production, 1 in development (filled in by loadConfig).
  EARLY_CHECK_DELAY_MINUTES: z.coerce.number().min(0).max(120).optional(),
  VERIFY_AFTER_HOURS: z.coerce.number().min(0).default(12),
  // How many nights an entry missing from Quadra is re-sent and verified before the decision
  // (failed_check or file waiting): the brief's 3. The domain, the statements and the messages all
  // take this one number.
  NIGHTLY_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(DEFAULT_NIGHTLY_ATTEMPTS),
  // How long after Quadra took a deposit its entries may still be on their way in (modeled).
  // Honest by default: a dossier with many deposits can take several minutes to import, and the
  // rule re-deposits what is still not visible once this has passed (docs/delivery.md).
  IMPORT_GRACE_MINUTES: z.coerce.number().min(0).default(60),
  // Leases, in database time, as short as the work they guard: a crash delays a file by this.
  // A deposit's lease covers build + one upload (its timeout times its proof-of-nothing retries).
  DEPOSIT_LEASE_SECONDS: z.coerce.number().int().min(1).default(180),
  // A file's night: one read from Quadra, withdrawals and one re-send.
  NIGHT_LEASE_SECONDS: z.coerce.number().int().min(1).default(600),
  JOBS: bool.default(true),
  // Ticks (POST /v1/jobs/tick, driven by Postgres cron on Supabase): the dedicated secret, the
  // time a tick may spend on jobs (well under the Edge Function's 150 s), how far back missed slots are caught up.
  CRON_SECRET: z.string().min(32).optional(),
  // GET /metrics asks for it as a bearer token (docs/operations.md); unset: no metrics in production.
  METRICS_TOKEN: z.string().min(16).optional(),
  TICK_BUDGET_MS: z.coerce.number().int().min(1000).max(TICK_BUDGET_MAX_MS).default(60_000),
  SCHEDULE_CATCHUP_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 7)
    .default(26),
  // Tick fan-out (docs/scale.md): the tick works as one worker and calls the worker route
  // (POST /v1/jobs/work) TICK_WORKERS - 1 more times, each its own function instance. Each worker
  // takes no new job once its wall budget (TICK_BUDGET_MS) or its CPU budget is spent (the
  // platform ends a request at 2 s of CPU), and runs at most TICK_JOB_CONCURRENCY jobs at once.
  TICK_WORKERS: z.coerce.number().int().min(1).max(32).default(1),
  TICK_CPU_BUDGET_MS: z.coerce.number().int().min(50).max(1_800).default(1_200),
  TICK_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  /** Where the tick reaches the worker route (default: SUPABASE_URL's function, else the tick's own origin). */
  TICK_WORKER_URL: z.string().url().optional(),
  // Node workers: per queue, WORKER_FETCHERS pg-boss workers (localConcurrency) each fetching
  // WORKER_BATCH jobs at once (batchSize), fetching again at once while batches come back full.
  // WORKER_CONCURRENCY_BY_QUEUE ("night-file=4x8,verify-deposit=2x4") overrides it per queue.
  // Jobs in flight per queue (fetchers × batch) are capped at DATABASE_POOL_MAX.
  WORKER_FETCHERS: z.coerce.number().int().min(1).max(64).default(2),
  WORKER_BATCH: z.coerce.number().int().min(1).max(64).default(4),
  WORKER_CONCURRENCY_BY_QUEUE: z
    .string()
    .regex(/^([a-z-]+=\d+x\d+)?(,[a-z-]+=\d+x\d+)*$/, 'queue=FETCHERSxBATCH[,...]')
    .default(''),
  WORKER_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  // At most this many Cegid calls in flight per firm across every process (a database-held
  // semaphore, docs/scale.md); a slot's lease runs out after the call's timeout if its holder died.
  CEGID_CONCURRENCY_PER_FIRM: z.coerce.number().int().min(1).max(64).default(4),
  /** A 429 without Retry-After pauses the firm this long. */
  CEGID_PAUSE_DEFAULT_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  // Supabase project (the Edge Function has them): access tokens signed with its asymmetric keys are checked against its JWKS (jose).
  SUPABASE_URL: z.string().url().optional(),
  SUPABASE_ANON_KEY: z.string().optional(),
  // POST /v1/files/{id}/sync?wait=true holds its request open while the send runs (up to 30 s,
  // polling the job table): at most this many such requests per user at once, per service process.
  SYNC_WAITS_PER_USER: z.coerce.number().int().min(1).max(100).default(4),
  JSON_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  DOCUMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  // Outgoing events (docs/events.md). Loopback and private receivers only in development and tests.
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
  // After a rotation the previous secret still signs (beside the new one) for this long.
  WEBHOOK_SECRET_OVERLAP_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 30)
    .default(24),
  WEBHOOK_DISABLE_AFTER_DAYS: z.coerce.number().min(0.001).max(365).default(5),
  WEBHOOK_RETENTION_DAYS: z.coerce.number().min(1).max(3650).default(30),
  // Requests in flight at once: in all (per process) and per endpoint; per endpoint at most this many per second.
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(32),
  WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  WEBHOOK_ENDPOINT_RATE: z.coerce.number().min(0.1).max(1000).default(20),
  // The dispatcher runs each minute (and every WEBHOOK_POLL_SECONDS after a run), WEBHOOK_DISPATCH_BUDGET_MS at most.
  WEBHOOK_CRON: z.string().default('* * * * *'),
  WEBHOOK_POLL_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
  WEBHOOK_DISPATCH_BUDGET_MS: z.coerce.number().int().min(1000).max(120_000).default(20_000),
  // Compresses the retry schedule (soaks only: 0.002 makes 24 h about 3 minutes); 1 in service.
  WEBHOOK_RETRY_SCALE: z.coerce.number().min(0.0001).max(1).default(1),
});

export type Config = Omit<z.infer<typeof schema>, 'SWEEP_CRON' | 'DEFAULT_LANGUAGE' | 'EARLY_CHECK_DELAY_MINUTES'> & {
  SWEEP_CRON: string;
  EARLY_CHECK_DELAY_MINUTES: number;
  DEFAULT_LANGUAGE: 'en' | 'fr';
};

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const data = parsed.data;
  const cfg: Config = {
    ...data,
    SWEEP_CRON: data.SWEEP_CRON ?? (data.NODE_ENV === 'development' ? '* * * * *' : '*/15 * * * *'),
    EARLY_CHECK_DELAY_MINUTES: data.EARLY_CHECK_DELAY_MINUTES ?? (data.NODE_ENV === 'development' ? 1 : 10),
    DEFAULT_LANGUAGE: data.DEFAULT_LANGUAGE ?? (data.NODE_ENV === 'production' ? 'fr' : 'en'),
  };
  cfg.CORS_ORIGINS ??= cfg.NODE_ENV === 'production' ? [] : consoleOrigins(cfg.CONSOLE_PORT);
  // A lease shorter than the upload it guards would let recovery act while the upload still runs.
  const uploadWorstSeconds = (cfg.CEGID_TIMEOUT_MS * cfg.CEGID_MAX_ATTEMPTS) / 1000;
  if (cfg.DEPOSIT_LEASE_SECONDS < uploadWorstSeconds * 2) {
    throw new Error(
      `Invalid configuration:\n  DEPOSIT_LEASE_SECONDS: must be at least twice CEGID_TIMEOUT_MS × CEGID_MAX_ATTEMPTS (${uploadWorstSeconds * 2} s)`,
    );
  }
  // An upload taken over while still in flight (it outran its lease) must not be judged "never
  // arrived" and deposited again before it could still land: the grace covers the lease.
  if (cfg.IMPORT_GRACE_MINUTES * 60 < cfg.DEPOSIT_LEASE_SECONDS) {
    throw new Error(
      `Invalid configuration:\n  IMPORT_GRACE_MINUTES: must be at least DEPOSIT_LEASE_SECONDS (${cfg.DEPOSIT_LEASE_SECONDS} s)`,
    );
  }
  if (cfg.NODE_ENV === 'production') {
    if (!cfg.JWT_SECRET && !cfg.JWT_JWKS_URL && !(cfg.SUPABASE_URL && cfg.SUPABASE_ANON_KEY))
      throw new Error('Invalid configuration: JWT_SECRET, JWT_JWKS_URL or SUPABASE_URL with SUPABASE_ANON_KEY is required in production');
    if (!cfg.SECRETS_KEYS) throw new Error('Invalid configuration: SECRETS_KEYS is required in production');
    // Loopback endpoints are the simulator: it takes the development identity.
    const realCegid = [cfg.CPA_BASE_URL, cfg.CFE_BASE_URL].some((u) => u !== undefined && !isLoopback(u));
    if (realCegid && !cfg.CEGID_VENDOR_NAME)
      throw new Error('Invalid configuration: CEGID_VENDOR_NAME (the vendor GUID Cegid issued) is required in production');
  }
  return cfg;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** How the service introduces itself to Cegid: the configured vendor GUID, or the development one. */
export function cegidIdentity(cfg: Config): VendorIdentity {
  return {
    vendorName: cfg.CEGID_VENDOR_NAME ?? DEV_VENDOR_NAME,
    applicationName: cfg.CEGID_APPLICATION_NAME,
    applicationVersion: APP_VERSION,
  };
}

/** Where the hub console is served under `npm start`: both spellings of the loopback host. */
export function consoleOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}
