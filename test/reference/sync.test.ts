// Reference sync end to end: the API queues a run, a real pg-boss worker pulls the simulator's
// dossiers over real HTTP and stores them; the files, accounts, journals, periods and
// prerequisites routes read them back under RLS. The simulator's world is changed between syncs
// (through its control API, or a tweaked fixture for what the control API cannot do: remove an
// account or a dossier) and every change must be reflected, without duplicates.
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/scoped.ts';
import { BRIEF_PERIOD_ADVICE, OPEN_JOURNALS_REMEDY, CHART_REMEDY } from '../../src/domain/prerequisites.ts';
import { referenceNightlyJob } from '../../src/jobs/definitions.ts';
import { schedules } from '../../src/jobs/schedules.ts';
import { runReferenceSync, scheduleNightlyReferenceSyncs } from '../../src/pipeline/reference-sync.ts';
import { DEMO_FIRM, NO_CONTAINER_FIRM, defaultFixture, type SimFixture } from '../../src/sim/index.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';
import { startTestJobs } from '../support/jobs.ts';
import { useSimulator } from '../support/simulator.ts';
import { connectionBody, expectNoSecrets, recordResponses, syncNow, waitForRun, type Run } from './helpers.ts';

const SIC = DEMO_FIRM.sic;
let tweak: (f: SimFixture) => SimFixture = (f) => f;
const sim = useSimulator({ resetBeforeEach: false, fixture: (now) => tweak(defaultFixture(now)) });

const demo = (f: SimFixture) => f.firms.find((x) => x.sic === SIC)!;
const dossierOf = (f: SimFixture, code: string) => demo(f).dossiers.find((d) => d.code === code)!;
/** Rebuilds the simulator's world from the fixture, changed by `fn`. */
async function worldWhere(fn: (f: SimFixture) => void): Promise<void> {
  tweak = (f) => {
    fn(f);
    return f;
  };
  await sim.control.reset();
}

interface FileDto {
  id: string;
  dossierCode: string;
  name: string;
  gone: boolean;
  waitingOpenSince: string | null;
  prerequisites: { ok: boolean; checks: Array<{ name: string; ok: boolean; message?: string; remedy?: string }> };
}

describe(`reference sync (${engine})`, () => {
  let t: TestContext;
  let boss: PgBoss;
  let responses: string[];
  const alice = crypto.randomUUID();
  let token: string;
  let firmId: string;
  let first: Run;
  let fileIds: Map<string, string>;

  const files = async (): Promise<Map<string, FileDto>> => {
    const r = await t.call('GET', `/v1/firms/${firmId}/files`, { token });
    expect(r.status).toBe(200);
    return new Map((r.body.files as FileDto[]).map((f) => [f.dossierCode, f]));
  };
  const allAccounts = async (fileId: string, query = '') => {
    const out: Array<{ number: string; label: string; kind: string; collective: string | null }> = [];
    let cursor: string | null = null;
    do {
      const r = await t.call('GET', `/v1/files/${fileId}/accounts?limit=7${query}${cursor ? `&cursor=${cursor}` : ''}`, { token });
      expect(r.status, r.text).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(7);
      out.push(...r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
    return out;
  };
  const simExpected = () => {
    const codes = sim.control.firms().find((f) => f.sic === SIC)!.dossiers;
    const sum = (fn: (code: string) => number) => codes.reduce((n, c) => n + fn(c), 0);
    return {
      files: codes.length,
      accounts: sum((c) => sim.control.accounts(SIC, c).length),
      journals: sum((c) => sim.control.journals(SIC, c).length),
      periods: sum((c) => sim.control.periods(SIC, c).length),
    };
  };
  const rowsOf = async (table: string) =>
    (
      await t.services.db.query<{ n: number }>(`select count(*)::int as n from public.${table} where firm_id = $1 and gone_at is null`, [
        firmId,
      ])
    ).rows[0]!.n;

  beforeAll(async () => {
    t = await createTestContext({
      cegid: { cpaBaseUrl: sim.cpaBaseUrl, cfeBaseUrl: sim.cfeBaseUrl, timeoutMs: 5_000, maxAttempts: 2, retryBaseMs: 10 },
    });
    responses = recordResponses(t);
    boss = await startTestJobs(t);
    token = await t.token(alice);
    firmId = (await t.call('POST', '/v1/firms', { token, body: { name: 'Cabinet Lefèvre Expertise', sicCode: SIC } })).body.id;
    const conn = await t.call('PUT', `/v1/firms/${firmId}/connection`, { token, body: connectionBody(DEMO_FIRM) });
    expect(conn.body.status).toBe('connected');
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true } as Parameters<PgBoss['stop']>[0]).catch(() => {});
    await t?.close();
  });

  it('the sync queued by the connection creates one file per dossier with its accounts, journals and periods', async () => {
    const runs = (await t.call('GET', `/v1/firms/${firmId}/reference-sync`, { token })).body.runs as Run[];
    expect(runs.map((r) => r.trigger)).toEqual(['connection']);
    first = await waitForRun(t, token, firmId, runs[0]!.id);
    const expected = simExpected();
    expect(first.status).toBe('succeeded');
    expect(first.counts).toEqual({
      ...expected,
      created: expected.files + expected.accounts + expected.journals + expected.periods,
      updated: 0,
      gone: 0,
    });
    expect(first).toMatchObject({ startedAt: expect.any(String), finishedAt: expect.any(String) });

    const list = await files();
    expect([...list.keys()]).toEqual(['ANCIEN', 'BOULANG', 'CONSEIL', 'GARAGE', 'PHARMA']);
    expect(list.get('BOULANG')).toMatchObject({ name: 'Boulangerie Martin', gone: false, waitingOpenSince: null });
    fileIds = new Map([...list].map(([code, f]) => [code, f.id]));

    // Accounts, page by page, exactly as Quadra has them.
    const boulang = fileIds.get('BOULANG')!;
    const want = sim.control
      .accounts(SIC, 'BOULANG')
      .map((a) => ({ number: a.number, label: a.label, kind: a.kind, collective: a.collective ?? null }))
      .sort((a, b) => (a.number < b.number ? -1 : 1));
    expect(await allAccounts(boulang)).toEqual(want);
    expect((await allAccounts(boulang, '&kind=supplier')).map((a) => a.number)).toEqual(['FBNP', 'FEDF0001', 'FMOULIN', 'FORANGE']);
    expect((await allAccounts(boulang, '&kind=customer')).map((a) => [a.number, a.collective])).toEqual([
      ['CDUPONT', '41100000'],
      ['CMAIRIE', '41100000'],
    ]);

    const journals = await t.call('GET', `/v1/files/${boulang}/journals`, { token });
    expect(journals.body.journals).toEqual(
      sim.control
        .journals(SIC, 'BOULANG')
        .map((j) => ({ code: j.code, label: j.label, open: j.open }))
        .sort((a, b) => a.code.localeCompare(b.code)),
    );
    const periods = await t.call('GET', `/v1/files/${boulang}/periods`, { token });
    expect(periods.body.periods).toEqual(
      sim.control.periods(SIC, 'BOULANG').map((p) => ({ startsOn: p.start, endsOn: p.end, status: p.status })),
    );
  });

  it('rejects bad account queries', async () => {
    const f = fileIds.get('BOULANG')!;
    for (const q of ['?cursor=not-ours!', '?limit=0', '?limit=5000', '?kind=asset']) {
      const r = await t.call('GET', `/v1/files/${f}/accounts${q}`, { token });
      expect(r.status, q).toBe(422);
    }
  });

  it('a second sync is idempotent: same totals, nothing created, updated or gone, no duplicate', async () => {
    const run = await syncNow(t, token, firmId);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toEqual({ ...simExpected(), created: 0, updated: 0, gone: 0 });
    expect({
      accounts: await rowsOf('accounts'),
      journals: await rowsOf('journals'),
      periods: await rowsOf('periods'),
      files: await rowsOf('client_files'),
    }).toEqual({
      accounts: first.counts.accounts,
      journals: first.counts.journals,
      periods: first.counts.periods,
      files: first.counts.files,
    });
    const all = await t.services.db.query<{ n: number }>('select count(*)::int as n from public.accounts where firm_id = $1', [firmId]);
    expect(all.rows[0]!.n).toBe(first.counts.accounts);
    expect(new Map([...(await files())].map(([c, f]) => [c, f.id]))).toEqual(fileIds);
  });

  it("reflects Quadra's changes: a new account, a new label, a closed journal, a removed account, a removed dossier — and their return", async () => {
    await worldWhere((f) => {
      const b = dossierOf(f, 'BOULANG');
      b.accounts = b.accounts.filter((a) => a.number !== 'FORANGE');
      demo(f).dossiers = demo(f).dossiers.filter((d) => d.code !== 'GARAGE');
    });
    sim.control.addAccount(SIC, 'BOULANG', { number: '62560000', label: 'Missions', kind: 'general' });
    sim.control.addAccount(SIC, 'BOULANG', { number: '60610000', label: 'Eau, gaz, électricité', kind: 'general' });
    sim.control.setJournalOpen(SIC, 'CONSEIL', 'OD', false);

    const changed = await syncNow(t, token, firmId);
    expect(changed.status).toBe('succeeded');
    expect(changed.counts).toEqual({ ...simExpected(), created: 1, updated: 2, gone: 2 });
    const boulang = new Map((await allAccounts(fileIds.get('BOULANG')!)).map((a) => [a.number, a]));
    expect(boulang.get('62560000')).toEqual({ number: '62560000', label: 'Missions', kind: 'general', collective: null });
    expect(boulang.get('60610000')!.label).toBe('Eau, gaz, électricité');
    expect(boulang.has('FORANGE')).toBe(false);
    const od = (await t.call('GET', `/v1/files/${fileIds.get('CONSEIL')}/journals`, { token })).body.journals.find(
      (j: { code: string }) => j.code === 'OD',
    );
    expect(od).toEqual({ code: 'OD', label: 'Opérations diverses', open: false });
    const list = await files();
    expect([...list.keys()].at(-1)).toBe('GARAGE'); // gone files come last
    expect(list.get('GARAGE')).toMatchObject({ id: fileIds.get('GARAGE'), gone: true });
    // A gone file keeps its data for the entries that reference it.
    expect((await allAccounts(fileIds.get('GARAGE')!)).length).toBeGreaterThan(0);

    // Everything comes back: the same rows revive, the added account is now the one gone.
    await worldWhere(() => {});
    const back = await syncNow(t, token, firmId);
    expect(back.counts).toEqual({ ...first.counts, created: 0, updated: 4, gone: 1 });
    expect((await files()).get('GARAGE')).toMatchObject({ id: fileIds.get('GARAGE'), gone: false });
    const again = new Map((await allAccounts(fileIds.get('BOULANG')!)).map((a) => [a.number, a]));
    expect(again.has('FORANGE')).toBe(true);
    expect(again.has('62560000')).toBe(false);
    expect(again.get('60610000')!.label).toBe('Fournitures non stockables (eau, énergie)');
    const rows = await t.services.db.query<{ n: number; distinct_numbers: number }>(
      'select count(*)::int as n, count(distinct number)::int as distinct_numbers from public.accounts where file_id = $1',
      [fileIds.get('BOULANG')],
    );
    expect(rows.rows[0]).toEqual({ n: again.size + 1, distinct_numbers: again.size + 1 }); // + the gone 62560000, kept once
  });

  it("prerequisites report the fixture's failing dossiers, each with what to do in Quadra", async () => {
    const list = await files();
    const failing = [...list.values()].filter((f) => !f.prerequisites.ok).map((f) => f.dossierCode);
    expect(failing).toEqual(['ANCIEN']);
    const ancien = list.get('ANCIEN')!.prerequisites;
    expect(ancien.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['open_period']);
    expect(ancien.checks[0]!.remedy).toContain(BRIEF_PERIOD_ADVICE);
    const direct = await t.call('GET', `/v1/files/${fileIds.get('ANCIEN')}/prerequisites`, { token });
    expect(direct.body).toEqual(ancien);
    // PHARMA's closed expense-report journal does not stop the file, but it is named.
    const pharma = list.get('PHARMA')!.prerequisites.checks.find((c) => c.name === 'open_journals')!;
    expect(pharma.ok).toBe(true);
    expect(pharma.message).toContain('NF (Notes de frais)');

    // Break one rule per dossier in Quadra, sync, and each failure shows with its remedy.
    await worldWhere((f) => {
      const g = dossierOf(f, 'GARAGE');
      g.accounts = g.accounts.filter((a) => !a.number.startsWith('7'));
    });
    const previous = sim.control.periods(SIC, 'CONSEIL').find((p) => p.status === 'closed')!;
    sim.control.setPeriodStatus(SIC, 'CONSEIL', previous.code ?? previous.start, 'open');
    for (const j of sim.control.journals(SIC, 'BOULANG')) sim.control.setJournalOpen(SIC, 'BOULANG', j.code, false);
    expect((await syncNow(t, token, firmId)).status).toBe('succeeded');

    const broken = await files();
    const failed = (code: string) => broken.get(code)!.prerequisites.checks.filter((c) => !c.ok);
    expect(failed('CONSEIL')).toEqual([
      {
        name: 'previous_period_closed',
        ok: false,
        message: `The previous accounting period (${previous.start} to ${previous.end}) is still open in Quadra.`,
        remedy: expect.stringContaining(BRIEF_PERIOD_ADVICE),
      },
    ]);
    expect(failed('BOULANG')).toEqual([expect.objectContaining({ name: 'open_journals', remedy: OPEN_JOURNALS_REMEDY })]);
    expect(failed('GARAGE')).toEqual([
      expect.objectContaining({ name: 'chart_of_accounts', message: expect.stringContaining('class 7 (revenue)'), remedy: CHART_REMEDY }),
    ]);

    await worldWhere(() => {});
    await syncNow(t, token, firmId);
    expect([...(await files()).values()].filter((f) => !f.prerequisites.ok).map((f) => f.dossierCode)).toEqual(['ANCIEN']);
  });

  it("a Cegid error fails the run with Cegid's code and the remedy, and changes nothing", async () => {
    const snapshot = async () =>
      (
        await t.services.db.query(
          'select number, label, gone_at, updated_at from public.accounts where firm_id = $1 order by file_id, number',
          [firmId],
        )
      ).rows;
    const before = await snapshot();

    await worldWhere((f) => {
      demo(f).hasContainer = false;
    });
    const noContainer = await syncNow(t, token, firmId);
    expect(noContainer.status).toBe('failed');
    expect(noContainer.error!.code).toBe('ContainerNotFoundInSicSettings');
    expect(noContainer.error!.message).toContain('Regenerate the CFE API key in Cegid Life');
    expect(noContainer.error!.message).toContain('(Tools > API Keys > Cegid File Exchange)');
    expect(noContainer.counts).toMatchObject({ created: 0, updated: 0, gone: 0 });

    await worldWhere(() => {});
    sim.control.setFaults({ failNext: { count: 1_000, status: 503, service: 'cpa', pathContains: '/comptes' } });
    const unavailable = await syncNow(t, token, firmId);
    sim.control.clearFaults();
    expect(unavailable.status).toBe('failed');
    expect(unavailable.error).toEqual({ code: 'Unavailable', message: expect.stringContaining('Cegid is temporarily unavailable') });
    expect(await snapshot()).toEqual(before);

    expect((await syncNow(t, token, firmId)).status).toBe('succeeded');
  });

  it('a run abandoned by a dead worker is taken again, without duplicates; a live or finished run is not run twice', async () => {
    const insertRun = (status: string, startedAgoMs: number | null) =>
      asService(
        t.services.db,
        async (tx) =>
          (
            await tx.query<{ id: string }>(
              `insert into public.reference_syncs (firm_id, trigger, status, started_at) values ($1, 'manual', $2, $3) returning id`,
              [firmId, status, startedAgoMs === null ? null : new Date(Date.now() - startedAgoMs)],
            )
          ).rows[0]!.id,
      );
    const statusOf = async (id: string) =>
      (
        await t.services.db.query<{ status: string; counts: Record<string, number> }>(
          'select status, counts from public.reference_syncs where id = $1',
          [id],
        )
      ).rows[0]!;

    const abandoned = await insertRun('running', 60 * 60_000);
    await runReferenceSync(t.services, abandoned);
    expect(await statusOf(abandoned)).toEqual({ status: 'succeeded', counts: { ...first.counts, created: 0, updated: 0, gone: 0 } });
    await runReferenceSync(t.services, abandoned); // delivered again: already done
    expect((await statusOf(abandoned)).status).toBe('succeeded');

    const live = await insertRun('running', 1_000);
    await runReferenceSync(t.services, live);
    expect((await statusOf(live)).status).toBe('running'); // someone else is on it
    await runReferenceSync(t.services, 'not-a-uuid'); // garbage payload: ignored
    expect(await rowsOf('accounts')).toBe(first.counts.accounts);
    await asService(t.services.db, (tx) => tx.query('delete from public.reference_syncs where id = $1', [live]));
  });

  it('the nightly job queues one run per connected firm, once a night', async () => {
    const nightly = schedules.find((sc) => sc.job === referenceNightlyJob)!;
    expect(nightly.cron(t.services.config)).toBe(t.services.config.REFERENCE_CRON);
    // A firm whose connection failed gets no nightly run.
    const bob = await t.token(crypto.randomUUID());
    const other = (
      await t.call('POST', '/v1/firms', { token: bob, body: { name: 'Cabinet Sans Conteneur', sicCode: NO_CONTAINER_FIRM.sic } })
    ).body.id;
    expect(
      (await t.call('PUT', `/v1/firms/${other}/connection`, { token: bob, body: connectionBody(NO_CONTAINER_FIRM) })).body.status,
    ).toBe('failed');

    await t.services.jobs.send(referenceNightlyJob, {});
    let run: Run | undefined;
    for (const until = Date.now() + 20_000; !run && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      run = ((await t.call('GET', `/v1/firms/${firmId}/reference-sync`, { token })).body.runs as Run[]).find(
        (r) => r.trigger === 'nightly',
      );
    }
    expect(run).toBeDefined();
    expect((await waitForRun(t, token, firmId, run!.id)).status).toBe('succeeded');
    expect(await scheduleNightlyReferenceSyncs(t.services)).toBe(0); // the cron fired twice: nothing more
    const nightlyRuns = await t.services.db.query<{ firm_id: string }>(
      `select firm_id from public.reference_syncs where trigger = 'nightly'`,
    );
    expect(nightlyRuns.rows).toEqual([{ firm_id: firmId }]);
  });

  it('lists at most the last 20 runs, newest first', async () => {
    await asService(t.services.db, (tx) =>
      tx.query(
        `insert into public.reference_syncs (firm_id, trigger, status, created_at)
       select $1, 'manual', 'succeeded', now() - make_interval(days => g) from generate_series(1, 25) g`,
        [firmId],
      ),
    );
    const runs = (await t.call('GET', `/v1/firms/${firmId}/reference-sync`, { token })).body.runs as Array<Run & { createdAt: string }>;
    expect(runs).toHaveLength(20);
    expect(runs.map((r) => r.createdAt)).toEqual([...runs.map((r) => r.createdAt)].sort().reverse());
  });

  it("another firm's user gets 404 on every route of this issue, and reaches no Cegid", async () => {
    const mallory = await t.token(crypto.randomUUID());
    const ownFirm = (await t.call('POST', '/v1/firms', { token: mallory, body: { name: 'Cabinet Tiers', sicCode: 'OTHER1' } })).body.id;
    const file = fileIds.get('BOULANG')!;
    sim.control.clearRequests();
    const routes: Array<[string, string, unknown?]> = [
      ['GET', `/v1/firms/${firmId}/connection`],
      ['PUT', `/v1/firms/${firmId}/connection`, connectionBody(DEMO_FIRM)],
      ['POST', `/v1/firms/${firmId}/reference-sync`],
      ['GET', `/v1/firms/${firmId}/reference-sync`],
      ['GET', `/v1/firms/${firmId}/files`],
      ['GET', `/v1/files/${file}/prerequisites`],
      ['GET', `/v1/files/${file}/accounts`],
      ['GET', `/v1/files/${file}/journals`],
      ['GET', `/v1/files/${file}/periods`],
    ];
    for (const [method, path, body] of routes) {
      const r = await t.call(method, path, { token: mallory, ...(body ? { body } : {}) });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
    expect(sim.control.requests()).toEqual([]);
    // Unknown ids are 404 for members too; a malformed one is a 422.
    expect((await t.call('GET', `/v1/files/${crypto.randomUUID()}/journals`, { token })).status).toBe(404);
    expect((await t.call('GET', '/v1/files/not-a-uuid/journals', { token })).status).toBe(422);
    // Mallory's own firm is empty, and nothing of Alice's shows up in it.
    expect((await t.call('GET', `/v1/firms/${ownFirm}/files`, { token: mallory })).body).toEqual({ files: [] });
    expect((await t.call('GET', `/v1/firms/${ownFirm}/reference-sync`, { token: mallory })).body).toEqual({ runs: [] });
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = await t.call('GET', '/openapi.json');
    expect(doc.status, doc.text.slice(0, 300)).toBe(200);
    const paths = doc.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/v1/firms/{firmId}/connection']!).sort()).toEqual(['get', 'put']);
    expect(Object.keys(paths['/v1/firms/{firmId}/reference-sync']!).sort()).toEqual(['get', 'post']);
    for (const p of [
      '/v1/firms/{firmId}/files',
      '/v1/files/{fileId}/prerequisites',
      '/v1/files/{fileId}/accounts',
      '/v1/files/{fileId}/journals',
      '/v1/files/{fileId}/periods',
    ]) {
      expect(paths[p], p).toHaveProperty('get');
    }
  });

  it('across the whole flow, no response and no log line holds a secret, a full key, a token or a SAS signature', async () => {
    expect(responses.length).toBeGreaterThan(50);
    expect(t.logLines.length).toBeGreaterThan(50);
    expectNoSecrets([...responses, ...t.logLines], [DEMO_FIRM, NO_CONTAINER_FIRM]);
    const stored = await t.services.db.query<{ row: string }>('select row_to_json(c)::text as row from public.connections c');
    expectNoSecrets(
      stored.rows.map((r) => r.row),
      [DEMO_FIRM, NO_CONTAINER_FIRM],
    );
  });
});
