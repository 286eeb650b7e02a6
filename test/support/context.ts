import { Writable } from 'node:stream';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { ERROR_CODES, isErrorCode } from '../../src/lib/error-codes.ts';
import { createTokenVerifier, mintToken } from '../../src/lib/auth.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createSecretBox, randomKeySpec } from '../../src/lib/secret-box.ts';
import type { CegidSettings } from '../../src/quadra/gateway.ts';
import type { JobQueue, Services } from '../../src/services.ts';
import { freshDatabase, type TestDatabase } from './db.ts';

export interface TestContext {
  app: App;
  services: Services;
  database: TestDatabase;
  logLines: string[];
  jwtSecret: string;
  token(userId: string, opts?: { expiresIn?: string; audience?: string }): Promise<string>;
  call(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; raw?: BodyInit; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; text: string }>;
  close(): Promise<void>;
}

/** The real app on a fresh database, every log line captured (to prove no secret leaks). */
export interface TestContextOptions {
  config?: Partial<Config>;
  jobs?: JobQueue;
  /** Usually the simulator's URLs (test/support/simulator.ts). */
  cegid?: Partial<CegidSettings>;
  now?: () => Date;
}

export async function createTestContext(opts: TestContextOptions = {}): Promise<TestContext> {
  const overrides = opts.config ?? {};
  const database = await freshDatabase();
  const jwtSecret = `test-secret-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info' }), JWT_SECRET: jwtSecret, ...overrides };
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const services: Services = {
    config,
    db: database.db,
    log: createLogger('debug', sink),
    verifyToken: createTokenVerifier({ secret: jwtSecret, audience: config.JWT_AUDIENCE }),
    secrets: await createSecretBox(randomKeySpec('test1')),
    // Replaced by a real pg-boss queue in tests that run jobs (test/support/jobs.ts).
    jobs: opts.jobs ?? {
      send: async () => {
        throw new Error('this test context runs no jobs');
      },
      sendMany: async () => {
        throw new Error('this test context runs no jobs');
      },
    },
    cegid: {
      cpaBaseUrl: 'http://127.0.0.1:9/cpa',
      cfeBaseUrl: 'http://127.0.0.1:9/cfe',
      timeoutMs: 5_000,
      maxAttempts: 2,
      retryBaseMs: 10,
      ...opts.cegid,
    },
    now: opts.now ?? (() => new Date()),
  };
  const app = createApp(services);
  return {
    app,
    services,
    database,
    logLines,
    jwtSecret,
    token: (userId, opts) => mintToken({ secret: jwtSecret, sub: userId, ...opts }),
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: BodyInit | undefined = opts.raw;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      // Every HTTP test checks the list of error codes (src/lib/error-codes.ts) in passing: an
      // error answer whose code is not listed fails the test that received it.
      if (res.status >= 400) assertListedErrorCode(res.status, parsed, `${method} ${path}`);
      return { status: res.status, body: parsed, text };
    },
    close: () => database.drop(),
  };
}

/** An error answer carries `{ error: { code } }` with a listed code whose status is the answer's. */
export function assertListedErrorCode(status: number, body: unknown, where: string): void {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (!isErrorCode(code))
    throw new Error(`${where} answered ${status} with error code ${JSON.stringify(code)}, which is not in src/lib/error-codes.ts`);
  // http_error carries the status the HTTP layer chose; every other code has exactly one.
  if (code !== 'http_error' && ERROR_CODES[code].status !== status)
    throw new Error(`${where} answered ${status} with ${code}, listed as ${ERROR_CODES[code].status}`);
}
