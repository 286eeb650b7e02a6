// `npm run demo`: the whole product, scripted, in well under a minute. The API and its jobs on an
// embedded database (a fresh temporary one), the Quadra simulator over real HTTP with its own
// Azurite, a firm connected with its four codes, entries of every kind pushed with a document,
// sent, one dossier opened and one not, the clock moved through the 12-hour check and three nights.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { nextNight } from '../src/domain/entries/lifecycle.ts';
import { nightlyJob, verifyDepositJob } from '../src/jobs/definitions.ts';
import { runNow } from '../src/jobs/index.ts';
import { mintToken } from '../src/lib/auth.ts';
import { fmt, localize } from '../src/i18n/index.ts';
import { devSecret } from '../src/lib/dev-secrets.ts';
import { startService } from '../src/server.ts';
import { DEMO_FIRM, startSimulator } from '../src/sim/index.ts';

const started = performance.now();
const dataDir = mkdtempSync(join(tmpdir(), 'quadra-sync-demo-'));
let clock = new Date();
const sim = await startSimulator();
sim.control.setNow(() => clock);
const config = loadConfig({ ...process.env, DATABASE_URL: undefined, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' } as Record<
  string,
  string | undefined
>);
const service = await startService(config, { cpaBaseUrl: sim.cpaBaseUrl, cfeBaseUrl: sim.cfeBaseUrl, now: () => clock, schedules: false });
const s = service.services;
const token = await mintToken({ secret: devSecret(dataDir, 'jwt.secret'), sub: crypto.randomUUID() });

const bold = (t: string) => (process.stdout.isTTY ? `\x1b[1m${t}\x1b[0m` : t);
const step = (t: string) => console.log(`\n${bold(`▸ ${t}`)}  ${dim(`[clock ${clock.toISOString().slice(0, 16).replace('T', ' ')} UTC]`)}`);
const dim = (t: string) => (process.stdout.isTTY ? `\x1b[2m${t}\x1b[0m` : t);
// Amounts and stored messages as the API writes them in DEFAULT_LANGUAGE (English unless set: fr for French).
const lang = config.DEFAULT_LANGUAGE;
const euros = (cents: number) => fmt(lang).money(cents).padStart(11);

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(service.url + path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body ? { body: body instanceof FormData ? body : JSON.stringify(body) } : {}),
  });
  const json = (await res.json().catch(() => undefined)) as any;
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const until = async (what: string, probe: () => Promise<boolean>) => {
  const end = Date.now() + 20_000;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
};

try {
  step('A firm connects once with its four codes (CPA key + secret, CFE key + secret)');
  const firm = await api('POST', '/v1/firms', { name: 'Cabinet Lefèvre Expertise', sicCode: DEMO_FIRM.sic });
  const conn = await api('PUT', `/v1/firms/${firm.id}/connection`, {
    cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
    cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
  });
  console.log(
    `  connection ${conn.status}: ${conn.checks.map((c: any) => `${c.name} ${c.ok ? 'ok' : `failed (${c.code})`}`).join(', ')}; keys ${conn.cpaKeyHint} / ${conn.cfeKeyHint}`,
  );

  step('Reference data pulled from Quadra: client files, chart of accounts, subsidiary accounts, journals, periods');
  const run = await api('POST', `/v1/firms/${firm.id}/reference-sync`);
  await until('reference sync', async () =>
    (await api('GET', `/v1/firms/${firm.id}/reference-sync`)).runs.some((r: any) => r.id === run.runId && r.status === 'succeeded'),
  );
  const { files } = await api('GET', `/v1/firms/${firm.id}/files`);
  for (const f of files) {
    const failing = f.prerequisites.checks.filter((c: any) => !c.ok).map((c: any) => c.name);
    console.log(
      `  ${f.dossierCode.padEnd(8)} ${f.name.padEnd(28)} ${failing.length ? `prerequisites failing: ${failing.join(', ')}` : 'prerequisites ok'}`,
    );
  }
  const fileId = (code: string) => files.find((f: any) => f.dossierCode === code).id;

  step('The hub pushes validated entries of every kind, with a supporting document');
  const form = new FormData();
  form.append('file', new File([new TextEncoder().encode('%PDF-1.4\n% facture Moulins de Savoie\n%%EOF\n')], 'facture-moulins.pdf'));
  const doc = await api('POST', `/v1/files/${fileId('BOULANG')}/documents`, form);
  console.log(`  document ${doc.fileName} stored as ${doc.attachmentName} (${doc.contentType}, checked by content)`);
  const today = clock.toISOString().slice(0, 10);
  const e = (
    externalId: string,
    kind: string,
    journalCode: string,
    label: string,
    lines: Array<[string, number, number]>,
    extra: object = {},
  ) => ({
    externalId,
    kind,
    journalCode,
    date: today,
    label,
    lines: lines.map(([account, debit, credit]) => ({ account, debit, credit })),
    ...extra,
  });
  const boulang = [
    e(
      'ACH-0001',
      'purchase',
      'AC',
      'Moulins de Savoie — farine T65',
      [
        ['60700000', 50000, 0],
        ['44566000', 10000, 0],
        ['FMOULIN', 0, 60000],
      ],
      { documentIds: [doc.documentId], pieceRef: '1042' },
    ),
    e('VTE-0001', 'sale', 'VE', 'Dupont Traiteur — 200 viennoiseries', [
      ['CDUPONT', 36000, 0],
      ['70100000', 0, 30000],
      ['44571000', 0, 6000],
    ]),
    e('NDF-0001', 'expense_report', 'NF', 'Déplacement salon Sirha Lyon', [
      ['62510000', 18000, 0],
      ['42100000', 0, 18000],
    ]),
    e('BQ-0001', 'bank', 'BQ', 'Prélèvement EDF novembre', [
      ['FEDF0001', 8400, 0],
      ['51200000', 0, 8400],
    ]),
    e('ACH-0002', 'purchase', 'AC', 'Nouveau fournisseur emballages éco-conçus 🌱', [
      ['60640000', 2500, 0],
      ['FEMBALLAGES', 0, 2500],
    ]),
    e('ACH-0003', 'purchase', 'AC', 'Erreur de saisie', [
      ['60700000', 1000, 0],
      ['FMOULIN', 0, 900],
    ]),
    e('OD-0001', 'bank', 'OD', 'Régularisation caisse', [
      ['53000000', 4200, 0],
      ['51200000', 0, 4200],
    ]),
  ];
  const pushed = await api('POST', `/v1/files/${fileId('BOULANG')}/entries`, { entries: boulang }, { 'idempotency-key': 'demo-boulang-1' });
  for (const r of pushed.entries) {
    if (r.errors) console.log(`  ${r.externalId.padEnd(9)} refused: ${r.errors.map((x: any) => x.message).join('; ')}`);
    else console.log(`  ${r.externalId.padEnd(9)} accepted${r.warnings.length ? `, ${r.warnings.length} warning(s):` : ''}`);
    for (const w of r.warnings ?? []) console.log(`             ⚠ ${w.message}`);
  }
  await api(
    'POST',
    `/v1/files/${fileId('GARAGE')}/entries`,
    {
      entries: [
        e('GAR-0001', 'purchase', 'AC', 'Pièces détachées Bosch', [
          ['60700000', 24000, 0],
          ['44566000', 4800, 0],
          ['FORANGE', 0, 28800],
        ]),
      ],
    },
    { 'idempotency-key': 'demo-garage-1' },
  );
  console.log('  GAR-0001  accepted (file GARAGE)');

  step('Preview: exactly what Quadra will receive (Windows-1252, fixed columns, CRLF)');
  const preview = await api('POST', `/v1/files/${fileId('BOULANG')}/preview`);
  console.log(`  ${preview.entryCount} entries, ${preview.lineCount} lines; first lines:`);
  for (const line of preview.ascii.split('\r\n').slice(0, 3)) console.log(dim(`  ${line.trimEnd()}`));

  step('Synchronize: one deposit per file through Cegid File Exchange');
  await api('POST', `/v1/files/${fileId('BOULANG')}/sync`);
  await api('POST', `/v1/files/${fileId('GARAGE')}/sync`);
  await until('deposits', async () => {
    const tabs = await Promise.all(['BOULANG', 'GARAGE'].map((c) => api('GET', `/v1/files/${fileId(c)}/entries?status=pending`)));
    return tabs.every((t) => t.items.length === 0);
  });
  for (const b of await sim.control.listBlobs(DEMO_FIRM.sic)) console.log(`  in the exchange container: ${b.name} (${b.size} bytes)`);

  step('The accountant opens BOULANG in Quadra (which imports its deposit); GARAGE is never opened');
  sim.control.setJournalOpen(DEMO_FIRM.sic, 'BOULANG', 'OD', false); // closed in Quadra meanwhile: Quadra will refuse OD-0001
  const imported = await sim.control.openDossier(DEMO_FIRM.sic, 'BOULANG');
  console.log(
    `  Quadra imported ${imported.imported} lines; accounts created without a label: ${imported.createdAccounts.join(', ') || 'none'}`,
  );
  const refused = new Map(imported.rejected.map((r) => [r.reference, r.reason]));
  for (const [ref, reason] of refused) console.log(`  Quadra refused the entry with reference ${ref}: ${reason}`);

  const deposits = async () =>
    (await s.db.query<{ id: string }>('select id from public.deposits where verified_at is null and verify_at is not null')).rows;
  clock = new Date(clock.getTime() + 12 * 3_600_000 + 60_000);
  step('12 hours later: verification collects the entries from Quadra and compares');
  for (const d of await deposits()) await runNow(verifyDepositJob, { depositId: d.id }, s);
  await printStates();

  for (let night = 1; night <= 3; night++) {
    clock = nextNight(clock);
    step(`Night ${night} (02:00 Europe/Paris): verify first, re-send only what is missing${night === 3 ? ', then decide' : ''}`);
    await runNow(nightlyJob, {}, s);
    await printStates();
  }

  step('Final state');
  const after = await api('GET', `/v1/firms/${firm.id}/files`);
  for (const f of after.files.filter((x: any) => ['BOULANG', 'GARAGE'].includes(x.dossierCode))) {
    console.log(
      `  file ${f.dossierCode}: ${f.waitingOpenSince ? `waiting to be opened in Quadra since ${fmt(lang).dateTime(f.waitingOpenSince)} — open the file in Quadra to trigger the retrieval of entries` : 'no flag'}`,
    );
  }
  const gar = (await api('GET', `/v1/files/${fileId('GARAGE')}/entries`)).items[0];
  const timeline = await api('GET', `/v1/entries/${gar.id}`);
  console.log(`  attempt history of ${gar.externalId}:`);
  for (const a of timeline.attempts)
    console.log(
      `    ${fmt(lang).dateTime(a.at).padEnd(22)} ${`${a.kind}${a.night ? ` (night ${a.night})` : ''}`.padEnd(16)} ${a.outcome.padEnd(13)} ${dim(a.detail ?? '')}`,
    );
  console.log(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
} finally {
  await service.stop();
  await sim.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

async function printStates() {
  const rows = (
    await s.db.query<{
      dossier_code: string;
      external_id: string;
      status: string;
      total_cents: number;
      nights_tried: number;
      status_message: string | null;
      duplicate_in_quadra: boolean;
    }>(
      `select f.dossier_code, e.external_id, e.status, e.total_cents, e.nights_tried, e.status_message, e.duplicate_in_quadra
       from public.entries e join public.client_files f on f.id = e.file_id order by f.dossier_code, e.external_id`,
    )
  ).rows;
  for (const r of rows) {
    console.log(
      `  ${r.dossier_code.padEnd(8)} ${r.external_id.padEnd(9)} ${euros(r.total_cents)}  ${r.status.padEnd(12)} ${dim(localize(r.status_message ?? '', lang))}`,
    );
  }
}
