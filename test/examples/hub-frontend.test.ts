// The client package a hub installs (@quadra-sync/client, clients/quadra-sync), against the real
// service over HTTP: with a bearer token against the Node app served on loopback, and with a
// supabase-js session through functions.invoke, via a loopback stand-in for Supabase's gateway
// (/functions/v1/<path> → the function's /<path>) in front of the function's own fetch handler.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import {
  createQuadraSync,
  createWebhookVerifier,
  type EntryInput,
  QuadraSyncError,
  type QuadraSyncEvent,
  WebhookVerificationError,
} from '@quadra-sync/client';
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { underFunctionBase } from '../../src/edge.ts';
import { createProcessMetrics } from '../../src/lib/metrics.ts';
import { deliverDueEvents } from '../../src/pipeline/event-delivery.ts';
import { engine } from '../support/db.ts';
import { purchase } from '../support/entries.ts';
import { createWorld, type World } from '../support/world.ts';

const body = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};
const listen = async (s: Server | ServerType) => {
  if (!(s as Server).listening) await new Promise<void>((r) => (s as Server).once('listening', () => r()));
  return `http://127.0.0.1:${((s as Server).address() as AddressInfo).port}`;
};
/** The error a call fails with (a call that succeeds fails the test). */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(QuadraSyncError);
      return e as QuadraSyncError;
    },
  );
const close = (s: Server | ServerType | undefined) => new Promise<void>((r) => (s ? s.close(() => r()) : r()));

describe(`the client package, against the service over HTTP (${engine})`, () => {
  let w: World;
  let service: ServerType;
  let serviceUrl: string;
  let gateway: Server;
  let gatewayUrl: string;
  /** What reached the service through the gateway: method, path and the headers the tests look at. */
  const seen: Array<{ line: string; language?: string; idempotencyKey?: string }> = [];
  /** Answers the gateway gives before forwarding (a throttling front). */
  const throttle: Array<{ status: number; retryAfter: string }> = [];

  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z', config: { WEBHOOK_ALLOW_PRIVATE: true } });
    service = serve({ fetch: w.t.app.fetch, port: 0, hostname: '127.0.0.1' });
    serviceUrl = await listen(service);
    const fn = underFunctionBase(w.t.app);
    gateway = createServer(async (req, res) => {
      const raw = await body(req);
      seen.push({
        line: `${req.method} ${req.url}`,
        language: req.headers['accept-language'] as string | undefined,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      });
      const t = throttle.shift();
      if (t) {
        res.writeHead(t.status, { 'content-type': 'application/json', 'retry-after': t.retryAfter });
        res.end(JSON.stringify({ error: { code: 'too_many_waiting_syncs', message: 'Slow down' } }));
        return;
      }
      if (!req.url?.startsWith('/functions/v1/')) {
        res.writeHead(404).end();
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const answer = await fn(
        new Request(`http://function${req.url.slice('/functions/v1'.length)}`, {
          method: req.method!,
          headers,
          ...(raw.length && req.method !== 'GET' ? { body: raw } : {}),
        }),
      );
      const out: Record<string, string> = {};
      answer.headers.forEach((v, k) => {
        out[k] = v;
      });
      res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
    });
    gateway.listen(0, '127.0.0.1');
    gatewayUrl = await listen(gateway);
  }, 180_000);
  afterAll(async () => {
    await close(gateway);
    await close(service);
    await w?.close();
  });

  const viaSupabase = async (userId: string, language?: string) => {
    const supabase = createClient(gatewayUrl, 'anon-key', { auth: { persistSession: false, autoRefreshToken: false } });
    supabase.functions.setAuth(await w.t.token(userId));
    return createQuadraSync({ supabase, ...(language ? { language } : {}), retry: { retries: 2, maxDelayMs: 2_000 } });
  };

  it('with a bearer token: files, a push with its Idempotency-Key (repeated: the first answer), a tab walked page by page', async () => {
    const api = createQuadraSync({ baseUrl: serviceUrl, token: () => w.token });
    const { files } = await api.listFiles(w.firmId);
    const file = files.find((f) => f.dossierCode === 'BOULANG')!;
    expect(file.id).toBe(w.files.get('BOULANG'));
    const entries = Array.from({ length: 5 }, (_, i) => purchase({ externalId: `PKG-${i}`, amount: 1_200 + i })) as EntryInput[];
    const first = await api.pushEntries(file.id, entries, { idempotencyKey: 'pkg-push-1' });
    const again = await api.pushEntries(file.id, entries, { idempotencyKey: 'pkg-push-1' });
    expect(again).toEqual(first);
    expect(first.entries.map((e) => e.externalId)).toEqual(entries.map((e) => e.externalId));

    const walked: string[] = [];
    for await (const e of api.entries(file.id, 'pending', { pageSize: 2 })) walked.push(e.externalId);
    // 3 pages of 2, 2 and 1: each entry exactly once (one push: the same time, ordered by id within it).
    expect(walked.sort()).toEqual(entries.map((e) => e.externalId).sort());
    expect((await api.counts(file.id)).counts.pending).toBe(5);

    const err = await failure(api.entry(crypto.randomUUID()));
    expect([err.status, err.code]).toEqual([404, 'not_found']);
    const unreachable = await failure(createQuadraSync({ baseUrl: 'http://127.0.0.1:9', token: 'x', retry: { retries: 0 } }).listFirms());
    expect([unreachable.status, unreachable.code]).toEqual([0, 'unreachable']);
  });

  it('Synchronize, waited for: the pending entries are sent, and the Node process counts the deposit', async () => {
    const metrics = createProcessMetrics();
    try {
      const api = createQuadraSync({ baseUrl: serviceUrl, token: w.token });
      const fileId = w.files.get('BOULANG')!;
      const pending = (await api.counts(fileId)).counts.pending;
      expect(pending).toBeGreaterThan(0);
      await api.synchronize(fileId, { wait: true });
      expect((await api.counts(fileId)).counts).toMatchObject({ pending: 0, sent: pending });
      expect(await metrics.registry.getSingleMetricAsString('quadra_sync_deposits_made_total')).toContain(
        'quadra_sync_deposits_made_total{kind="send"} 1',
      );
    } finally {
      metrics.stop();
    }
  });

  it("with a supabase-js session through functions.invoke('quadra-sync/v1/...'); another user sees none of it", async () => {
    const alice = await viaSupabase(crypto.randomUUID(), 'fr');
    const firm = await alice.createFirm({ name: 'Cabinet Invoke', sicCode: '100900' });
    expect(firm.name).toBe('Cabinet Invoke');
    expect((await alice.listFirms()).firms.map((f) => f.id)).toEqual([firm.id]);
    expect(seen.map((s) => s.line)).toContain('POST /functions/v1/quadra-sync/v1/firms');
    expect(seen.at(-1)?.language).toBe('fr'); // Accept-Language reaches the API

    const bob = await viaSupabase(crypto.randomUUID());
    expect((await bob.listFirms()).firms).toEqual([]);
    const err = await failure(bob.listFiles(firm.id));
    expect([err.status, err.code]).toEqual([404, 'not_found']);
    const bad = await failure(alice.createFirm({ name: '', sicCode: 'x' }));
    expect([bad.status, bad.code]).toEqual([422, 'validation_error']);
    expect(bad.details).toMatchObject({ issues: expect.any(Array) });
    const anonymous = createQuadraSync({ supabase: createClient(gatewayUrl, 'anon-key', { auth: { persistSession: false } }) });
    const denied = await failure(anonymous.listFirms());
    expect([denied.status, denied.code]).toEqual([401, 'invalid_token']);
  });

  it('waits out a 429 and a 503 for their Retry-After, keeps the Idempotency-Key across the retry, and gives up past its bound', async () => {
    const api = await viaSupabase(w.userId);
    const fileId = w.files.get('BOULANG')!;
    throttle.push({ status: 429, retryAfter: '1' }, { status: 503, retryAfter: '0' });
    const before = seen.length;
    const started = Date.now();
    const answer = await api.pushEntries(fileId, [purchase({ externalId: 'PKG-RETRY' }) as EntryInput]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(answer.entries[0]?.externalId).toBe('PKG-RETRY');
    const tries = seen.slice(before);
    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((t) => t.idempotencyKey)).size).toBe(1);
    expect(tries[0]!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);

    throttle.push({ status: 503, retryAfter: '120' });
    const late = await failure(api.listFirms());
    expect([late.status, late.code, late.retryAfterMs]).toEqual([503, 'too_many_waiting_syncs', 120_000]);
  });

  it("exports the events' types and verifies a delivery's signature with standardwebhooks", async () => {
    const deliveries: Array<{ raw: string; headers: Record<string, string> }> = [];
    const receiver = createServer(async (req, res) => {
      deliveries.push({ raw: (await body(req)).toString('utf8'), headers: req.headers as Record<string, string> });
      res.writeHead(204).end();
    });
    receiver.listen(0, '127.0.0.1');
    const url = await listen(receiver);
    try {
      const api = createQuadraSync({ baseUrl: serviceUrl, token: w.token });
      const created = await api.raw.POST('/v1/firms/{firmId}/webhooks', {
        params: { path: { firmId: w.firmId } },
        body: { url: `${url}/events` },
      });
      expect(created.response.status).toBe(201);
      const { id, secret } = created.data!;
      const ping = await api.raw.POST('/v1/firms/{firmId}/webhooks/{webhookId}/test', {
        params: { path: { firmId: w.firmId, webhookId: id } },
      });
      expect(ping.response.ok).toBe(true);
      await deliverDueEvents(w.t.services);
      expect(deliveries).toHaveLength(1);

      const event: QuadraSyncEvent = createWebhookVerifier(secret).verify(deliveries[0]!.raw, deliveries[0]!.headers);
      expect(event.type).toBe('webhook.ping');
      if (event.type === 'webhook.ping') expect(event.data.endpointId).toBe(id);
      expect(event.firmId).toBe(w.firmId);
      expect(() => createWebhookVerifier(secret).verify(deliveries[0]!.raw.replace('ping', 'pong'), deliveries[0]!.headers)).toThrow(
        WebhookVerificationError,
      );
    } finally {
      await close(receiver);
    }
  });
});
