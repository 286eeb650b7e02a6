// A whole world for pipeline tests: the simulator (real HTTP, real Azurite), the app on a fresh
// database, real pg-boss workers, a firm connected through the API and its reference data synced.
// The clock is the test's: `world.at(...)` moves it; jobs and routes read it through services.now.
import type { PgBoss } from 'pg-boss';
import type { Config } from '../../src/config.ts';
import { DEMO_FIRM, startSimulator, type RunningSimulator } from '../../src/sim/index.ts';
import { createTestContext, type TestContext } from './context.ts';
import { startTestJobs } from './jobs.ts';

export interface World {
  t: TestContext;
  sim: RunningSimulator;
  boss: PgBoss;
  token: string;
  userId: string;
  firmId: string;
  files: Map<string, string>; // dossier code -> file id
  now(): Date;
  at(iso: string | Date): Date;
  close(): Promise<void>;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `config` overrides the service's configuration (e.g. another nightly schedule). */
export async function createWorld(
  opts: { start: string; sic?: string; config?: Partial<Config> } = { start: '2026-11-02T09:00:00Z' },
): Promise<World> {
  let clock = new Date(opts.start);
  const sim = await startSimulator();
  sim.control.setNow(() => clock);
  const t = await createTestContext({
    cegid: { cpaBaseUrl: sim.cpaBaseUrl, cfeBaseUrl: sim.cfeBaseUrl, timeoutMs: 15_000, maxAttempts: 2, retryBaseMs: 10 },
    now: () => clock,
    ...(opts.config ? { config: opts.config } : {}),
  });
  const boss = await startTestJobs(t);
  const userId = crypto.randomUUID();
  const token = await t.token(userId, { expiresIn: '2h' });
  const firm = await t.call('POST', '/v1/firms', {
    token,
    body: { name: 'Cabinet Lefèvre Expertise', sicCode: opts.sic ?? DEMO_FIRM.sic },
  });
  if (firm.status !== 201) throw new Error(`firm: ${firm.status} ${firm.text}`);
  const conn = await t.call('PUT', `/v1/firms/${firm.body.id}/connection`, {
    token,
    body: {
      cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
      cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
    },
  });
  if (conn.status !== 200 || conn.body.status !== 'connected') throw new Error(`connection: ${conn.status} ${conn.text}`);
  const files = await syncReference(t, token, firm.body.id);
  return {
    t,
    sim,
    boss,
    token,
    userId,
    firmId: firm.body.id,
    files,
    now: () => clock,
    at: (iso) => (clock = new Date(iso)),
    async close() {
      await boss.stop({ graceful: false, wait: true } as Parameters<PgBoss['stop']>[0]).catch(() => {});
      await t.close();
      await sim.stop();
    },
  };
}

/** Runs a reference sync through the API and its job, and returns the files by dossier code. */
export async function syncReference(t: TestContext, token: string, firmId: string): Promise<Map<string, string>> {
  const started = await t.call('POST', `/v1/firms/${firmId}/reference-sync`, { token });
  if (started.status !== 202) throw new Error(`reference sync: ${started.status} ${started.text}`);
  await waitFor('the reference sync', async () => {
    const runs = await t.call('GET', `/v1/firms/${firmId}/reference-sync`, { token });
    const run = runs.body.runs.find((r: { id: string }) => r.id === started.body.runId);
    if (run?.status === 'failed') throw new Error(`reference sync failed: ${JSON.stringify(run.error)}`);
    return run?.status === 'succeeded';
  });
  const list = await t.call('GET', `/v1/firms/${firmId}/files`, { token });
  return new Map(list.body.files.map((f: { dossierCode: string; id: string }) => [f.dossierCode, f.id]));
}
