// The cron migration end to end on a throwaway Postgres cluster of this test's own (Debian's
// postgresql-15-cron preloaded): after migrating, cron.job holds the tick; with a stand-in for
// pg_net's net.http_post that really makes the HTTP call (plpython3u, in this cluster only) and a
// stand-in for Vault's decrypted_secrets view, pg_cron itself fires a tick that moves an entry.
// The machine's main Postgres is not touched; the cluster is dropped afterwards.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openPostgres, type Database } from '../../src/db/database.ts';
import { mintToken } from '../../src/lib/auth.ts';
import { randomKeySpec } from '../../src/lib/secret-box.ts';
import { startService, type RunningService } from '../../src/server.ts';
import { DEMO_FIRM, startSimulator, type RunningSimulator } from '../../src/sim/index.ts';

const PORT = Number(process.env.PGCRON_TEST_PORT ?? 5544);
const CLUSTER = `qs_cron_${PORT}`;
const LIB = '/usr/lib/postgresql/15/lib';
const why = !process.env.DATABASE_URL
  ? 'runs in the Postgres pass (DATABASE_URL set)'
  : process.getuid?.() !== 0
    ? 'needs root to create a Postgres cluster'
    : !existsSync('/usr/bin/pg_createcluster')
      ? 'pg_createcluster (postgresql-common) is not installed'
      : !existsSync(`${LIB}/pg_cron.so`)
        ? 'postgresql-15-cron is not installed (.ci/run installs it)'
        : !existsSync(`${LIB}/plpython3.so`)
          ? 'postgresql-plpython3-15 is not installed (.ci/run installs it)'
          : undefined;
if (why) console.warn(`[skipped] pg_cron end to end: ${why}`);

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const dropCluster = () => {
  try {
    sh('pg_dropcluster', ['--stop', '15', CLUSTER]);
  } catch {
    /* not there */
  }
};

describe.skipIf(why)('pg_cron drives the tick (own cluster)', () => {
  const CRON_SECRET = `cron-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  const url = `postgres://postgres@127.0.0.1:${PORT}/postgres`;
  let admin: Database;
  let sim: RunningSimulator;
  let service: RunningService;

  beforeAll(async () => {
    dropCluster();
    sh('pg_createcluster', [
      '15',
      CLUSTER,
      '--port',
      String(PORT),
      '-o',
      'shared_preload_libraries=pg_cron',
      '-o',
      'cron.database_name=postgres',
      '-o',
      'cron.use_background_workers=on',
      '-o',
      'max_worker_processes=16',
      '--',
      '--auth=trust',
    ]);
    sh('pg_ctlcluster', ['--skip-systemctl-redirect', '15', CLUSTER, 'start']);
    admin = openPostgres(url, 2);
    // Stand-ins, in this cluster only: pg_net's http_post (synchronous here) and Vault's view.
    await admin.exec(`
      create extension plpython3u;
      create schema net;
      create function net.http_post(url text, body jsonb default '{}'::jsonb, params jsonb default '{}'::jsonb,
                                    headers jsonb default '{}'::jsonb, timeout_milliseconds integer default 5000)
        returns bigint language plpython3u as $py$
import json, urllib.request
req = urllib.request.Request(url, data=(body or '{}').encode(), headers=json.loads(headers or '{}'), method='POST')
with urllib.request.urlopen(req, timeout=timeout_milliseconds / 1000) as r:
    r.read()
    return r.status
$py$;
      create schema vault;
      create table vault.decrypted_secrets (name text primary key, decrypted_secret text not null);`);
    sim = await startSimulator();
    service = await startService(
      {
        ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn' }),
        DATABASE_URL: url,
        DATABASE_POOL_MAX: 4,
        PORT: 0,
        JOBS: false,
        CRON_SECRET,
        TICK_BUDGET_MS: 20_000,
        JWT_SECRET: CRON_SECRET.replace('cron', 'jwt'),
        SECRETS_KEYS: randomKeySpec('pgc1'),
      },
      { cpaBaseUrl: sim.cpaBaseUrl, cfeBaseUrl: sim.cfeBaseUrl, schedules: false },
    );
  }, 120_000);

  afterAll(async () => {
    await service?.stop().catch(() => {});
    await sim?.stop().catch(() => {});
    await admin?.close().catch(() => {});
    dropCluster();
  }, 60_000);

  it('after migrating, cron.job holds the tick; pg_cron fires it and it sends a pending entry', async () => {
    const job = await admin.query<{ jobname: string; schedule: string; command: string }>(
      'select jobname, schedule, command from cron.job',
    );
    expect(job.rows.map((r) => [r.jobname, r.schedule])).toEqual([['quadra-sync-tick', '* * * * *']]);
    expect(job.rows[0]!.command).not.toContain(CRON_SECRET);

    const token = await mintToken({ secret: service.services.config.JWT_SECRET!, sub: crypto.randomUUID() });
    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const r = await fetch(service.url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: r.status, body: (await r.json()) as any };
    };
    const firm = (await call('POST', '/v1/firms', { name: 'Cabinet Cron', sicCode: DEMO_FIRM.sic })).body;
    await call('PUT', `/v1/firms/${firm.id}/connection`, {
      cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
      cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
    });
    expect((await call('POST', `/v1/firms/${firm.id}/reference-sync`)).status).toBe(202);
    // Set-up through the same route pg_cron calls (reference data), so the test waits for cron once.
    expect((await call('POST', '/v1/jobs/tick', {}, { 'x-cron-secret': CRON_SECRET })).status).toBe(200);
    const file = ((await call('GET', `/v1/firms/${firm.id}/files`)).body.files as Array<{ id: string; dossierCode: string }>).find(
      (f) => f.dossierCode === 'BOULANG',
    )!.id;
    const pushed = await call(
      'POST',
      `/v1/files/${file}/entries`,
      {
        entries: [
          {
            externalId: 'CRON-1',
            kind: 'purchase',
            journalCode: 'AC',
            date: new Date().toISOString().slice(0, 10),
            label: 'Moulins de Savoie',
            lines: [
              { account: '60700000', debit: 5_000, credit: 0 },
              { account: 'FMOULIN', debit: 0, credit: 5_000 },
            ],
          },
        ],
      },
      { 'idempotency-key': 'cron-1' },
    );
    expect(pushed.status).toBe(202);
    const entryId = pushed.body.entries[0].id as string;
    expect((await call('POST', `/v1/files/${file}/sync`)).status).toBe(202); // queued; nothing runs it but a tick

    // Now Vault learns where the tick is: pg_cron's next minute calls it.
    await admin.query('insert into vault.decrypted_secrets values ($1, $2), ($3, $4)', [
      'quadra_sync_tick_url',
      `${service.url}/v1/jobs/tick`,
      'quadra_sync_cron_secret',
      CRON_SECRET,
    ]);
    let status = '';
    for (const until = Date.now() + 150_000; Date.now() < until && status !== 'sent'; ) {
      await new Promise((r) => setTimeout(r, 1_000));
      status = (await call('GET', `/v1/entries/${entryId}`)).body.status;
    }
    expect(status).toBe('sent');
    const runs = await admin.query<{ status: string }>(`select status from cron.job_run_details order by start_time`);
    expect(runs.rows.map((r) => r.status)).toContain('succeeded');
  }, 200_000);
});
