// The hub frontend's way in, as written in examples/hub-frontend: supabase-js functions.invoke
// ('quadra-sync/v1/...') with a user's token, through a loopback stand-in for Supabase's gateway
// (/functions/v1/<path> → the function's /<path>) in front of the function's own fetch handler.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuadraSyncError, quadraSync } from '../../examples/hub-frontend/quadra-sync.ts';
import { underFunctionBase } from '../../src/edge.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';

describe(`the hub frontend example (${engine})`, () => {
  let t: TestContext;
  let gateway: Server;
  let url: string;
  const seen: string[] = [];

  beforeAll(async () => {
    t = await createTestContext();
    const fetchFn = underFunctionBase(t.app);
    gateway = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      seen.push(`${req.method} ${req.url}`);
      if (!req.url?.startsWith('/functions/v1/')) {
        res.writeHead(404).end();
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const body = chunks.length && req.method !== 'GET' ? Buffer.concat(chunks) : undefined;
      const answer = await fetchFn(
        new Request(`http://function${req.url.slice('/functions/v1'.length)}`, { method: req.method!, headers, ...(body ? { body } : {}) }),
      );
      const out: Record<string, string> = {};
      answer.headers.forEach((v, k) => {
        out[k] = v;
      });
      res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => gateway.close(() => r()));
    await t?.close();
  });

  const clientFor = async (userId: string) => {
    const supabase = createClient(url, 'anon-key', { auth: { persistSession: false, autoRefreshToken: false } });
    supabase.functions.setAuth(await t.token(userId));
    return quadraSync(supabase);
  };

  it("a user creates and lists their firm through functions.invoke('quadra-sync/v1/...'); another user sees none of it", async () => {
    const alice = await clientFor(crypto.randomUUID());
    const firm = await alice.createFirm({ name: 'Cabinet Invoke', sicCode: '100900' });
    expect(firm.name).toBe('Cabinet Invoke');
    expect((await alice.listFirms()).firms.map((f) => f.id)).toEqual([firm.id]);
    expect(seen).toContain('POST /functions/v1/quadra-sync/v1/firms');

    const bob = await clientFor(crypto.randomUUID());
    expect((await bob.listFirms()).firms).toEqual([]);
    const err = await bob.listFiles(firm.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuadraSyncError);
    expect([(err as QuadraSyncError).status, (err as QuadraSyncError).code]).toEqual([404, 'not_found']);
  });

  it('errors arrive typed: validation (422) and a missing token (401)', async () => {
    const alice = await clientFor(crypto.randomUUID());
    const bad = await alice.createFirm({ name: '', sicCode: 'x' } as never).then(
      () => undefined,
      (e: unknown) => e as QuadraSyncError,
    );
    expect([bad?.status, bad?.code]).toEqual([422, 'validation_error']);
    const anonymous = quadraSync(createClient(url, 'anon-key', { auth: { persistSession: false, autoRefreshToken: false } }));
    const denied = await anonymous.listFirms().then(
      () => undefined,
      (e: unknown) => e as QuadraSyncError,
    );
    expect([denied?.status, denied?.code]).toEqual([401, 'invalid_token']);
  });
});
