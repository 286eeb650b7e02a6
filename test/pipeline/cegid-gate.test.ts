// The per-firm Cegid limit on the real database: calls through the gate of two Services (on
// Postgres, two pools: as two processes would) never have more than CEGID_CONCURRENCY_PER_FIRM
// in flight for one firm at a loopback server that counts them, while another firm has its own;
// a 429's Retry-After pauses that firm only.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/database.ts';
import { cegidCallsInFlight } from '../../src/db/repos/cegid-slots.ts';
import { gatedFetch, PAUSE_MAX_MS } from '../../src/pipeline/cegid-gate.ts';
import { CegidError } from '../../src/quadra/errors.ts';
import { createHttpClient } from '../../src/quadra/http.ts';
import type { Services } from '../../src/services.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';

const LIMIT = 3;

/** A call as the Cegid clients make it: the HTTP client over the firm's gated fetch (one attempt). */
const call = (s: Services, firmId: string, url: string, timeoutMs = 10_000) =>
  createHttpClient({ service: 'cpa', fetch: gatedFetch(s, firmId, 'cpa'), maxAttempts: 1, timeoutMs })({ method: 'GET', url }).then(
    (r) => ({ status: r.status, body: r.body }),
    (e: unknown) => {
      if (e instanceof CegidError && e.status !== undefined) return { status: e.status, body: undefined };
      throw e;
    },
  );

describe(`the per-firm Cegid limit (${engine})`, () => {
  let t: TestContext;
  let other: Services;
  let server: Server;
  let base: string;
  const firms: string[] = [];
  // Per firm (the path's first segment): calls in flight now, the most seen, and when each call began and ended.
  const inFlight = new Map<string, number>();
  const most = new Map<string, number>();
  const log: Array<{ firm: string; at: number; end?: number; status: number }> = [];
  let refuseNext: string | undefined;

  beforeAll(async () => {
    t = await createTestContext({ config: { CEGID_CONCURRENCY_PER_FIRM: LIMIT, CEGID_PAUSE_DEFAULT_MS: 5_000 } });
    for (const sic of ['GATEA', 'GATEB']) {
      firms.push(
        (await t.services.db.query<{ id: string }>(`insert into public.firms (name, sic_code) values ($1, $1) returning id`, [sic]))
          .rows[0]!.id,
      );
    }
    other = { ...t.services, db: engine === 'postgres' ? openPostgres(t.database.url!, 5) : t.services.db };
    server = createServer((req, res) => {
      const firm = req.url!.split('/')[1]!;
      const n = (inFlight.get(firm) ?? 0) + 1;
      inFlight.set(firm, n);
      most.set(firm, Math.max(most.get(firm) ?? 0, n));
      const entry: (typeof log)[number] = { firm, at: Date.now(), status: 200 };
      log.push(entry);
      setTimeout(() => {
        inFlight.set(firm, inFlight.get(firm)! - 1);
        entry.end = Date.now();
        if (refuseNext === firm) {
          refuseNext = undefined;
          entry.status = 429;
          res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"code":"TooManyRequests"}');
        } else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }, 40);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    if (engine === 'postgres') await other?.db.close();
    await t?.close();
  });

  it('at most CEGID_CONCURRENCY_PER_FIRM calls in flight per firm across two services; each firm its own', async () => {
    const calls = (s: Services, firmIndex: number, n: number) =>
      Array.from({ length: n }, async () => {
        const r = await call(s, firms[firmIndex]!, `${base}/${firmIndex}/x`);
        return r.body;
      });
    const answers = await Promise.all([
      ...calls(t.services, 0, 12),
      ...calls(other, 0, 12),
      ...calls(t.services, 1, 8),
      ...calls(other, 1, 8),
    ]);
    expect(answers).toHaveLength(40);
    expect(answers.every((a) => (a as { ok: boolean }).ok)).toBe(true);
    // Concurrent, and never past the limit, for either firm.
    expect([most.get('0'), most.get('1')]).toEqual([LIMIT, LIMIT]);
    // Every slot given back.
    expect([await cegidCallsInFlight(t.services.db, firms[0]!), await cegidCallsInFlight(t.services.db, firms[1]!)]).toEqual([0, 0]);
  });

  it('a slot whose holder died is taken again once its lease runs out', async () => {
    // Every slot of firm 0 held by a holder that is gone (leases already run out).
    await t.services.db.query(
      `insert into private.cegid_slots (firm_id, slot, holder, lease_until) select $1, g, gen_random_uuid(), now() - interval '1 second' from generate_series(1, $2) g`,
      [firms[0], LIMIT],
    );
    expect((await call(t.services, firms[0]!, `${base}/0/after-crash`)).status).toBe(200);
    await t.services.db.query('delete from private.cegid_slots');
  });

  it("a 429's Retry-After pauses that firm only: its next call waits, the other firm's go on", async () => {
    log.length = 0;
    refuseNext = '0';
    const first = await call(t.services, firms[0]!, `${base}/0/refused`);
    expect(first.status).toBe(429);
    const pausedAt = log.find((l) => l.status === 429)!.end!;
    const [a, b] = await Promise.all([
      call(other, firms[0]!, `${base}/0/after-pause`).then(() => Date.now()),
      Promise.all(Array.from({ length: 4 }, () => call(other, firms[1]!, `${base}/1/meanwhile`))).then(() => Date.now()),
    ]);
    const started = (firm: string, path: number) => log.filter((l) => l.firm === firm)[path]!.at;
    // Firm 0's next call left only after the second Cegid asked for (less the database's rounding).
    expect(started('0', 1) - pausedAt).toBeGreaterThanOrEqual(900);
    // Firm 1's calls were not held: all done before firm 0's call even began.
    expect(b).toBeLessThan(started('0', 1));
    expect(a).toBeGreaterThan(b);
  });

  it("waiting for the firm's slot is not charged to the call's timeout: a pause longer than the timeout is waited out, then the call goes", async () => {
    await t.services.db.query('delete from private.cegid_pauses');
    await t.services.db.query(
      `insert into private.cegid_pauses (firm_id, paused_until) values ($1, now() + interval '1500 milliseconds')`,
      [firms[1]],
    );
    const started = Date.now();
    // 500 ms per attempt; the server answers in 40 ms once the call is on the wire.
    const r = await call(t.services, firms[1]!, `${base}/1/after-a-wait`, 500);
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    await t.services.db.query('delete from private.cegid_pauses');
  });

  it('a Retry-After asking for years pauses the firm at most PAUSE_MAX_MS', async () => {
    const huge = createServer((_req, res) => res.writeHead(429, { 'retry-after': '99999999999' }).end('{}'));
    await new Promise<void>((r) => huge.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(huge.address() as { port: number }).port}/x`;
    try {
      expect((await call(t.services, firms[1]!, url)).status).toBe(429);
      const { rows } = await t.services.db.query<{ ms: number }>(
        `select extract(epoch from paused_until - now()) * 1000 as ms from private.cegid_pauses where firm_id = $1`,
        [firms[1]],
      );
      expect(Number(rows[0]!.ms)).toBeGreaterThan(PAUSE_MAX_MS - 60_000);
      expect(Number(rows[0]!.ms)).toBeLessThanOrEqual(PAUSE_MAX_MS);
    } finally {
      await new Promise((r) => huge.close(r));
      await t.services.db.query('delete from private.cegid_pauses');
    }
  });
});
