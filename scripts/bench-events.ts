// `npm run bench:events`: events delivered per second by the dispatcher (claim under a lease, sign
// with standardwebhooks, POST, record the attempt) to a healthy loopback receiver, beside a bare loop
// that only signs and POSTs the same bodies to the same receiver with the same transport and the
// same concurrency. Goal: the dispatcher at least 0.5× the bare loop. PGlite, or Postgres when
// DATABASE_URL is set (a fresh database, dropped after). BENCH_SMALL=1: a tiny run.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/database.ts';
import { openDatabase } from '../src/db/open.ts';
import { createFreshPostgres } from '../src/db/fresh.ts';
import { migrate } from '../src/db/migrate.ts';
import { insertEndpoint } from '../src/db/repos/webhooks.ts';
import { asService } from '../src/db/scoped.ts';
import { createLogger } from '../src/lib/logger.ts';
import { createSecretBox, randomKeySpec } from '../src/lib/secret-box.ts';
import { postWebhook } from '../src/lib/webhook-http.ts';
import { deliverDueEvents } from '../src/pipeline/event-delivery.ts';
import { newSecret } from '../src/pipeline/webhooks.ts';
import type { Services } from '../src/services.ts';
import { rate, ratioOf, recordBench } from './bench-record.ts';

const N = process.env.BENCH_SMALL === '1' ? 200 : 3_000;
const CONCURRENCY = 16;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(204).end();
  });
});
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;

const adminUrl = process.env.DATABASE_URL;
const fresh = adminUrl ? await createFreshPostgres(adminUrl, `qs_bench_events_${Date.now()}`) : undefined;
const db: Database = await openDatabase({ url: fresh?.url, poolMax: 8 });
await migrate(db);
const config = {
  ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
  WEBHOOK_ALLOW_PRIVATE: true,
  WEBHOOK_CONCURRENCY: CONCURRENCY,
  WEBHOOK_ENDPOINT_CONCURRENCY: CONCURRENCY,
  WEBHOOK_ENDPOINT_RATE: 1_000_000,
  WEBHOOK_DISPATCH_BUDGET_MS: 120_000,
};
const s = {
  config,
  db,
  log: createLogger('silent'),
  secrets: await createSecretBox(randomKeySpec('b1')),
  now: () => new Date(),
  jobs: { send: async () => null },
  verifyToken: async () => {
    throw new Error('no tokens here');
  },
  cegid: {} as Services['cegid'],
} as unknown as Services;

try {
  const secret = newSecret();
  const firm = (await db.query<{ id: string }>(`insert into public.firms (name, sic_code) values ('Bench', 'BENCHEV') returning id`))
    .rows[0]!.id;
  await asService(db, async (tx) =>
    insertEndpoint(tx, { firmId: firm, url, eventTypes: null, description: '', enabled: true, secret: await s.secrets.seal(secret) }),
  );
  const file = (
    await db.query<{ id: string }>(`insert into public.client_files (firm_id, dossier_code, name) values ($1, 'B', 'B') returning id`, [
      firm,
    ])
  ).rows[0]!.id;
  await db.query(
    `insert into public.entries (firm_id, file_id, external_id, kind, journal_code, entry_date, label)
    select $1, $2, 'b-' || g, 'purchase', 'AC', date '2026-12-01', 'Bench ' || g from generate_series(1, $3) g`,
    [firm, file, N],
  );
  await asService(db, (tx) => tx.query(`update public.entries set status = 'sent' where file_id = $1`, [file]));
  const bodies = (await db.query<{ public_id: string; data: unknown }>('select public_id, data from public.events order by id')).rows;

  // The dispatcher, in this process, until every delivery ended.
  const t0 = performance.now();
  let attempted = 0;
  for (let guard = 0; guard < 100 && attempted < N; guard++) attempted += (await deliverDueEvents(s)).attempted;
  const dispatcherRate = (received / (performance.now() - t0)) * 1000;
  const ok = received;

  // The bare loop: sign and POST the same bodies, same transport, same concurrency, nothing recorded.
  received = 0;
  const wh = new Webhook(secret);
  let next = 0;
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const body = JSON.stringify({ type: 'entry.sent', id: bodies[i]!.public_id, data: bodies[i]!.data });
        const at = new Date();
        await postWebhook({
          url,
          body,
          timeoutMs: 15_000,
          maxBodyBytes: 4096,
          policy: { httpsOnly: false, allowPrivate: true },
          headers: {
            'content-type': 'application/json',
            'webhook-id': bodies[i]!.public_id,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': wh.sign(bodies[i]!.public_id, at, body),
          },
        });
      }
    }),
  );
  const bareRate = (received / (performance.now() - t1)) * 1000;
  const ratio = dispatcherRate / bareRate;
  console.log(`events bench (${db.kind}, ${N} events, concurrency ${CONCURRENCY}, loopback receiver)`);
  console.log(`  dispatcher (claim, sign, POST, record)  ${fmt(dispatcherRate)} events/s  (${ok} delivered)`);
  console.log(`  bare loop of signed POSTs               ${fmt(bareRate)} events/s`);
  console.log(`  ratio                                   ${ratio.toFixed(2)}× (goal ≥ 0.5×)${ratio >= 0.5 ? '' : '  BELOW GOAL'}`);
  recordBench({
    bench: 'bench-events',
    engine: db.kind,
    measures: {
      dispatcher: rate(dispatcherRate, 'events/s'),
      'bare loop': rate(bareRate, 'events/s'),
      'dispatcher ÷ bare loop': ratioOf(ratio, 'higher'),
    },
  });
} finally {
  await db.close();
  await fresh?.drop();
  server.close();
}
