// `npm run soak`: the product out of process, as an operator runs it, under Cegid faults and
// crashes. Its own Postgres cluster, the simulator and the service as child processes, a fault
// proxy in front of Cegid and of the blob store, 1,000 entries pushed through the public API,
// dossiers opened at random, SIGKILLs of the service and a database restart; time is driven only
// through the service's configuration. Prints the figures; see docs/reliability.md.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../../src/lib/auth.ts';
import { freePort, startAzurite } from '../../src/sim/azurite.ts';
import { createCluster } from './cluster.ts';
import { chaos, type Chaos } from './chaos.ts';
import { DEMO_FIRM } from '../../src/sim/fixture.ts';
import {
  addSoakDossier,
  apiClient,
  connectFirm,
  openDossiersAtRandom,
  planEntries,
  pushAll,
  simControl,
  type OpenLog,
  type PushLog,
} from './load.ts';
import { answers200, managedProcess } from './processes.ts';
import { startFaultProxy } from './proxy.ts';
import { printFigures } from './print.ts';
import { loadEntries, query, tally, timeline } from './report.ts';

const env = process.env;
const num = (k: string, d: number) => (env[k] !== undefined && env[k] !== '' ? Number(env[k]) : d);
const N = num('SOAK_ENTRIES', 1000);
const FAULT_RATE = num('SOAK_FAULT_RATE', 0.3);
const MAX_MS = num('SOAK_MAX_MINUTES', 15) * 60_000;
const PUSH_MS = num('SOAK_PUSH_SECONDS', 240) * 1000;
const TIMEOUT_MS = num('SOAK_CEGID_TIMEOUT_MS', 4000);
const seed = num('SOAK_SEED', Date.now() % 1_000_000);
const DOSSIERS = ['BOULANG', 'GARAGE', 'CONSEIL', 'TRAITEUR'];
// Opened at random moments; CONSEIL rarely, so its entries live through nights.
const OPEN_WEIGHTS = { BOULANG: 4, GARAGE: 3, CONSEIL: 1, TRAITEUR: 3 };

function mulberry32(a: number) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(seed);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const git = (args: string[]) => {
  try {
    return execFileSync('git', args).toString().trim();
  } catch {
    return '?';
  }
};

const runId = `s${seed.toString(36)}`;
const dir = join(os.tmpdir(), `quadra-soak-${runId}-${Date.now()}`);
mkdirSync(dir, { recursive: true });
const machine = {
  nproc: os.availableParallelism(),
  memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
  load: os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' '),
  node: process.version,
};
const commit = `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--untracked-files=no']) ? '+dirty' : ''} (${git(['rev-parse', '--abbrev-ref', 'HEAD'])})`;
console.log(
  `soak ${runId}: ${N} entries, ${Math.round(FAULT_RATE * 100)} % Cegid faults, ≤ ${MAX_MS / 60_000} min; machine ${machine.nproc} cpu, ${machine.memGiB} GiB, load ${machine.load}; commit ${commit}; logs in ${dir}`,
);

const cleanups: Array<() => Promise<void> | void> = [];
let exitCode = 0;
try {
  const cluster = await createCluster({ name: env.SOAK_CLUSTER ?? 'qs_soak', port: num('SOAK_PG_PORT', 5545) });
  cleanups.push(() => cluster.drop());
  const azurite = await startAzurite({ startTimeoutMs: 120_000 });
  cleanups.push(() => azurite.stop());
  // Where the simulator's container URLs point (Azurite, or a blob endpoint of the simulator's own):
  // learned from its CFE answers, which are rewritten to point at the blob proxy instead.
  let blobOrigin = new URL(azurite.blobEndpoint).origin;

  const simPort = await freePort();
  const simUrl = `http://127.0.0.1:${simPort}`;
  const sim = managedProcess({
    name: 'simulator',
    script: 'src/sim/main.ts',
    logFile: join(dir, 'simulator.log'),
    readyTimeoutMs: 60_000,
    maxCrashRestarts: 0,
    env: { SIM_PORT: String(simPort), AZURITE_BLOB_URL: azurite.blobEndpoint, SIM_IMPORT_DELAY_MS: env.SOAK_IMPORT_DELAY_MS ?? '2000' },
    ready: () => answers200(`${simUrl}/_control/firms`),
  });
  await sim.start();
  cleanups.push(() => sim.stop());

  let c: Chaos | undefined;
  const opens: OpenLog[] = [];
  const blobProxy = await startFaultProxy({
    name: 'blob',
    target: () => blobOrigin,
    faultRate: FAULT_RATE,
    lateMs: TIMEOUT_MS + 2000,
    hangMaxMs: 30_000,
    random,
    intercept: (method, path) => (method === 'PUT' && path.endsWith('.zip') ? c?.takeArmed() : undefined),
    isUpload: (method, path) => method === 'PUT' && path.endsWith('.zip'),
    // …/{container}/{dossier}/{deposit}.zip: the accountant opens that dossier right then.
    openDossierOf: async (path) => {
      const dossier = path.split('/').at(-2)!;
      const rep = await simControl(simUrl, 'POST', `/dossiers/${DEMO_FIRM.sic}/${dossier}/open`);
      opens.push({
        at: Date.now(),
        dossier,
        deposits: (rep.deposits ?? []).map((d: any) => ({ blobName: d.blobName, imported: d.imported })),
      });
    },
    onKill: (when) =>
      c!.killNow(
        when === 'killAfterLanding'
          ? 'in the middle of an upload, after its blob landed, before the answer'
          : 'in the middle of an upload, before its blob landed',
      ),
  });
  cleanups.push(() => blobProxy.stop());
  const cegidProxy = await startFaultProxy({
    name: 'cegid',
    target: simUrl,
    faultRate: FAULT_RATE,
    lateMs: TIMEOUT_MS + 2000,
    hangMaxMs: 30_000,
    random,
    // The container answer points at the blob store: point it at the blob proxy instead.
    rewrite: (path, body) => {
      if (!/\/cfe\/sic\/[^/]+\/container$/.test(path)) return undefined;
      const answer = JSON.parse(body) as { containerUrl: string };
      const u = new URL(answer.containerUrl);
      if (u.origin !== blobProxy.url) blobOrigin = u.origin;
      return JSON.stringify({ ...answer, containerUrl: blobProxy.url + u.pathname + u.search });
    },
  });
  cleanups.push(() => cegidProxy.stop());

  const dbUrl = cluster.url;
  const servicePort = await freePort();
  const serviceUrl = `http://127.0.0.1:${servicePort}`;
  const jwtSecret = randomBytes(32).toString('hex');
  const service = managedProcess({
    name: 'service',
    script: 'src/server.ts',
    logFile: join(dir, 'service.log'),
    readyTimeoutMs: 120_000,
    maxCrashRestarts: 20,
    ready: () => answers200(`${serviceUrl}/health`),
    env: {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(servicePort),
      DATABASE_URL: dbUrl,
      DATA_DIR: dir,
      LOG_LEVEL: 'info',
      JWT_SECRET: jwtSecret,
      SECRETS_KEYS: `soak:${randomBytes(32).toString('base64')}`,
      QUADRA_SIMULATOR: 'off',
      CPA_BASE_URL: `${cegidProxy.url}/cpa`,
      CFE_BASE_URL: `${cegidProxy.url}/cfe`,
      CEGID_TIMEOUT_MS: String(TIMEOUT_MS),
      // Time, compressed through configuration only: a send every minute, the 12-hour check after
      // 3 minutes, a "night" every 3 minutes, a 1-minute import grace period, a sweep every minute.
      SEND_CRON: '* * * * *',
      SWEEP_CRON: '* * * * *',
      NIGHTLY_CRON: env.SOAK_NIGHTLY_CRON ?? '*/3 * * * *',
      VERIFY_AFTER_HOURS: env.SOAK_VERIFY_AFTER_HOURS ?? '0.05',
      IMPORT_GRACE_MINUTES: env.SOAK_IMPORT_GRACE_MINUTES ?? '1',
      // Leases as short as the work they guard with a 4 s timeout (the service refuses shorter ones).
      DEPOSIT_LEASE_SECONDS: env.SOAK_DEPOSIT_LEASE_SECONDS ?? '60',
      NIGHT_LEASE_SECONDS: env.SOAK_NIGHT_LEASE_SECONDS ?? '120',
      ...Object.fromEntries(
        Object.entries(env)
          .filter(([k]) => k.startsWith('SOAK_SERVICE_'))
          .map(([k, v]) => [k.slice('SOAK_SERVICE_'.length), v!]),
      ),
    },
  });
  await service.start();
  cleanups.push(() => service.stop());

  const token = await mintToken({ secret: jwtSecret, sub: '00000000-0000-4000-8000-00000000500a', expiresIn: '12h' });
  const api = apiClient(serviceUrl, token, { retryForMs: 180_000 });
  await addSoakDossier(simUrl, 'TRAITEUR');
  const { firmId, files } = await connectFirm(api, DOSSIERS, 300_000);
  console.log(`firm ${firmId} connected through the faults; files ${DOSSIERS.join(', ')} ready`);

  const t0 = Date.now();
  c = chaos({
    service,
    cluster,
    random,
    t0,
    pushMs: PUSH_MS,
    log: (m) => console.log(`  ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s  ${m}`),
  });
  const pushLog: PushLog = { accepted: new Map(), refused: [], batches: 0 };
  let finished = false;
  const plan = planEntries(N, DOSSIERS, runId, random);
  const pushing = pushAll(api, files, plan, PUSH_MS, random, pushLog).catch((e) => {
    console.log(`  push stopped: ${(e as Error).message}`);
  });
  const opening = openDossiersAtRandom(simUrl, OPEN_WEIGHTS, random, () => finished, opens);
  const chaosDone = c.run(() => finished);

  let allPostedAt: number | undefined;
  let allSettledAt: number | undefined;
  let pushed = false;
  void pushing.then(() => {
    pushed = true;
  });
  for (let i = 0; !finished; i++) {
    await sleep(5000);
    const counts = await query<{ status: string; n: number }>(
      dbUrl,
      'select status::text, count(*)::int as n from public.entries where firm_id = $1 group by 1',
      [firmId],
    ).catch(() => undefined);
    if (!counts) continue; // the database is down (on purpose)
    const by = Object.fromEntries(counts.map((r) => [r.status, r.n]));
    const elapsed = Date.now() - t0;
    if (pushed && !allPostedAt && (by.posted ?? 0) >= N) allPostedAt = elapsed;
    if (pushed && !allSettledAt && (by.posted ?? 0) + (by.failed_check ?? 0) >= N) allSettledAt = elapsed;
    if (i % 6 === 0 || allSettledAt)
      console.log(`  ${(elapsed / 1000).toFixed(0).padStart(4)} s  pushed ${pushLog.accepted.size}/${N}, ${JSON.stringify(by)}`);
    if ((allSettledAt && c.done()) || elapsed > MAX_MS) finished = true;
  }
  await Promise.all([pushing, opening, chaosDone]);

  const endFigures = await tally(dbUrl, simUrl, firmId, DOSSIERS, new Set(pushLog.accepted.values()));
  // What is still in the container will be imported the next time each dossier is opened.
  for (const d of DOSSIERS) {
    const rep = (await fetch(`${simUrl}/_control/dossiers/${DEMO_FIRM.sic}/${d}/open`, { method: 'POST' }).then((r) => r.json())) as {
      deposits?: Array<{ blobName: string; imported: number }>;
    };
    opens.push({ at: Date.now(), dossier: d, deposits: rep.deposits ?? [] });
  }
  await sleep(Number(env.SOAK_IMPORT_DELAY_MS ?? 2000) + 500);
  const afterOpen = await tally(dbUrl, simUrl, firmId, DOSSIERS, new Set(pushLog.accepted.values()));

  const stories: string[] = [];
  // One story per deposit is enough: entries of one deposit share it.
  const byDeposit = new Map((await loadEntries(dbUrl, firmId)).map((e) => [e.id, e.deposit_id ?? e.id]));
  const onePerDeposit = (ids: string[], n: number) => [...new Map(ids.map((id) => [byDeposit.get(id) ?? id, id])).values()].slice(0, n);
  const pick = [
    ...new Set([
      ...onePerDeposit(afterOpen.lostIds, 4),
      ...onePerDeposit(afterOpen.twiceIds, 4),
      ...onePerDeposit(afterOpen.failedIds, 4),
      ...onePerDeposit(afterOpen.unfinishedIds, 3),
    ]),
  ];
  for (const id of pick) stories.push(...(await timeline(dbUrl, id, t0, blobProxy.events, blobProxy.startedAt, opens)));
  const result = {
    runId,
    seed,
    machine,
    commit,
    entriesPlanned: N,
    faultRate: FAULT_RATE,
    pushed: pushLog.accepted.size,
    refused: pushLog.refused,
    allPostedAtMs: allPostedAt,
    allSettledAtMs: allSettledAt,
    endFigures,
    afterOpen,
    chaos: c.events,
    opens: opens.length,
    faults: { cegid: cegidProxy.faults, blob: blobProxy.faults },
    service: { starts: service.starts, crashes: service.crashes },
  };
  writeFileSync(join(dir, 'result.json'), JSON.stringify(result, null, 2));
  printFigures(result, stories, dir);
  if (afterOpen.lost || afterOpen.twice || afterOpen.failedCheck || afterOpen.posted !== N) exitCode = 1;
} catch (e) {
  console.error(`soak aborted: ${(e as Error).stack ?? e}`);
  exitCode = 2;
} finally {
  for (const f of cleanups.reverse()) {
    try {
      await f();
    } catch (e) {
      console.error(`cleanup: ${(e as Error).message}`);
    }
  }
}
process.exit(exitCode);
