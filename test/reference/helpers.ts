// Shared by the reference-data tests: keys of the simulator's firms, waiting for a sync run, and a
// recorder of every response body (to prove no secret ever leaves the service).
import { expect } from 'vitest';
import type { TestContext } from '../support/context.ts';

export interface SimKeys {
  sic: string;
  cpa: { key: string; secret: string };
  cfe: { key: string; secret: string };
}

export const connectionBody = (k: SimKeys) => ({
  cpa: { apiKey: k.cpa.key, secret: k.cpa.secret },
  cfe: { apiKey: k.cfe.key, secret: k.cfe.secret },
});

export interface Run {
  id: string;
  trigger: string;
  status: string;
  counts: Record<string, number>;
  error?: { code: string; message: string };
}

export async function waitForRun(t: TestContext, token: string, firmId: string, runId: string, timeoutMs = 20_000): Promise<Run> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await t.call('GET', `/v1/firms/${firmId}/reference-sync`, { token });
    expect(r.status).toBe(200);
    const run = (r.body.runs as Run[]).find((x) => x.id === runId);
    if (run && (run.status === 'succeeded' || run.status === 'failed')) return run;
    if (Date.now() > until) throw new Error(`run ${runId} did not finish: ${JSON.stringify(run)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Starts a manual sync through the API and waits for its job to finish. */
export async function syncNow(t: TestContext, token: string, firmId: string): Promise<Run> {
  const r = await t.call('POST', `/v1/firms/${firmId}/reference-sync`, { token });
  expect(r.status, r.text).toBe(202);
  expect(r.body.status).toBe('queued');
  return waitForRun(t, token, firmId, r.body.runId);
}

/** Wraps t.call so every response body is kept. */
export function recordResponses(t: TestContext): string[] {
  const bodies: string[] = [];
  const call = t.call.bind(t);
  t.call = async (method, path, opts) => {
    const r = await call(method, path, opts);
    bodies.push(`${method} ${path} ${r.status} ${r.text}`);
    return r;
  };
  return bodies;
}

/** Fails if any text holds a secret, a key in full, a Cegid token or an unredacted SAS signature. */
export function expectNoSecrets(texts: readonly string[], keys: readonly SimKeys[]): void {
  const forbidden = keys.flatMap((k) => [k.cpa.secret, k.cfe.secret, k.cpa.key, k.cfe.key]);
  for (const text of texts) {
    for (const f of forbidden) expect(text.includes(f), `"${f}" leaked in: ${text.slice(0, 300)}`).toBe(false);
    expect(text, 'a Cegid access token leaked').not.toMatch(/sim_(cpa|cfe)_[A-Za-z0-9_-]{8,}/);
    expect(text, 'a SAS signature leaked').not.toMatch(/[?&]sig=(?!\*\*\*)[^&\s"']+/);
    expect(text, 'a container SAS URL leaked').not.toMatch(/[?&]sv=\d{4}-\d{2}-\d{2}/);
  }
}
