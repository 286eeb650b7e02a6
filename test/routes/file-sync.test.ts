// POST /v1/files/{id}/sync?wait=true over real HTTP, with real concurrent requests: a user has at
// most SYNC_WAITS_PER_USER calls waiting at once; one more is a 429 answered at once, before any
// send is queued; calls without wait and other users are not affected; a slot comes back when its
// call answers or its caller goes away.
import { serve, type ServerType } from '@hono/node-server';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/scoped.ts';
import { queueOf, startBoss } from '../../src/jobs/boss.ts';
import { createQueues, startWorkers } from '../../src/jobs/index.ts';
import { TOO_MANY_WAITS } from '../../src/pipeline/file-sync.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';
import { waitUntil } from '../support/delivery.ts';
import { seedFirmEverywhere } from '../support/seed-all-tables.ts';

const LIMIT = 2;

describe(`calls waiting for a sync, per user (${engine})`, () => {
  let t: TestContext;
  let boss: PgBoss;
  let server: ServerType;
  let base: string;
  const alice = crypto.randomUUID();
  const bob = crypto.randomUUID();
  const tokens = { alice: '', bob: '' };
  let files: string[]; // Alice's
  let bobFile: string;

  beforeAll(async () => {
    t = await createTestContext({ config: { SYNC_WAITS_PER_USER: LIMIT } });
    const firm = await seedFirmEverywhere(t.services.db, alice, 'SICWA1');
    const bobFirm = await seedFirmEverywhere(t.services.db, bob, 'SICWB2');
    files = await asService(t.services.db, async (tx) => {
      for (const code of ['D2', 'D3', 'D4'])
        await tx.query(`insert into public.client_files (firm_id, dossier_code, name) values ($1, $2, $2)`, [firm, code]);
      return (
        await tx.query<{ id: string }>('select id from public.client_files where firm_id = $1 order by dossier_code', [firm])
      ).rows.map((r) => r.id);
    });
    bobFile = (await t.services.db.query<{ id: string }>('select id from public.client_files where firm_id = $1', [bobFirm])).rows[0]!.id;
    tokens.alice = await t.token(alice);
    tokens.bob = await t.token(bob);
    // Real pg-boss, but no worker yet: queued sends stay in flight, so waiting calls keep waiting.
    boss = await startBoss(t.services.db, { url: t.database.url, log: t.services.log, schedule: false });
    await createQueues(boss);
    t.services.jobs = queueOf(boss);
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await boss?.stop({ graceful: false, wait: true } as Parameters<PgBoss['stop']>[0]).catch(() => {});
    await t?.close();
  });

  const sync = (who: keyof typeof tokens, file: string, wait: boolean, signal?: AbortSignal) =>
    fetch(`${base}/v1/files/${file}/sync${wait ? '?wait=true' : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[who]}` },
      ...(signal ? { signal } : {}),
    });
  const sendsQueued = async (file: string) =>
    (
      await t.services.db.query<{ n: number }>(
        `select count(*)::int as n from pgboss.job where name = 'send-file' and singleton_key = $1`,
        [file],
      )
    ).rows[0]!.n;
  /** Answered within `ms`, or still waiting (undefined). */
  const within = (p: Promise<Response>, ms: number) => Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);

  it('one call beyond the limit is a 429 at once with nothing queued; without wait, and another user, go through', async () => {
    const held = [new AbortController(), new AbortController()];
    const waiting = [sync('alice', files[0]!, true, held[0]!.signal), sync('alice', files[1]!, true, held[1]!.signal)];
    waiting.forEach((p) => p.catch(() => {})); // aborted below
    // Both calls hold their slot once their send is queued (the slot is taken first).
    await waitUntil(async () => (await sendsQueued(files[0]!)) === 1 && (await sendsQueued(files[1]!)) === 1);

    const refused = await sync('alice', files[2]!, true);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      error: { code: 'too_many_waiting_syncs', message: TOO_MANY_WAITS(LIMIT), details: { maxWaiting: LIMIT } },
    });
    expect(await sendsQueued(files[2]!)).toBe(0); // refused before queueing

    const plain = await sync('alice', files[2]!, false);
    expect(plain.status).toBe(202);
    expect(await plain.json()).toMatchObject({ queued: true, jobId: expect.any(String) });
    expect(await sendsQueued(files[2]!)).toBe(1);

    const bobs = sync('bob', bobFile, true); // his own slots
    expect(await within(bobs, 1_500)).toBeUndefined(); // waiting, not refused

    // A caller that goes away gives its slot back: Alice may wait again.
    held[0]!.abort();
    await waitUntil(async () => {
      const r = sync('alice', files[3]!, true);
      const answered = await within(r, 1_500);
      if (answered?.status === 429) return false;
      expect(answered).toBeUndefined(); // taken: it waits for its send
      waiting.push(r);
      return true;
    }, 10_000);

    // The sends run: every waiting call answers that it finished.
    await startWorkers(boss, t.services, { schedules: false, pollSeconds: 0.5 });
    for (const r of [bobs, ...waiting.slice(1)]) {
      const got = await r;
      expect(got.status).toBe(202);
      expect(await got.json()).toMatchObject({ queued: true, finished: true });
    }
  });

  it('slots come back when calls answer: rounds of concurrent calls never run out', async () => {
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(files.slice(0, LIMIT).map((f) => sync('alice', f, true)));
      for (const a of answers) {
        expect(a.status).toBe(202);
        expect(await a.json()).toMatchObject({ finished: true });
      }
    }
  });

  it("a call about a file that is not the user's is a 404, not a slot", async () => {
    const answers = await Promise.all(Array.from({ length: LIMIT + 2 }, () => sync('alice', bobFile, true)));
    expect(answers.map((a) => a.status)).toEqual(Array(LIMIT + 2).fill(404));
    const ok = await Promise.all(files.slice(0, LIMIT).map((f) => sync('alice', f, true)));
    expect(ok.map((a) => a.status)).toEqual(Array(LIMIT).fill(202));
  });
});
