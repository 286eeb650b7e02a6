// `npm run cegid:check`: against the simulator everything holds and nothing is deposited; against a
// deliberately different wire (renamed fields, another envelope, no health check) it prints each
// difference. Both through the command itself, and through its module.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reportMarkdown } from '../../src/quadra/conformance-report.ts';
import { runConformance } from '../../src/quadra/conformance.ts';
import { DEV_VENDOR_IDENTITY } from '../../src/quadra/token-source.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { useSimulator } from '../support/simulator.ts';
import { startWireServer, type WireServer } from '../support/wire-server.ts';

const sim = useSimulator();
const root = resolve(import.meta.dirname, '../..');
const demoKeys = {
  sicCode: DEMO_FIRM.sic,
  cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
  cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
};
const SECRETS = [DEMO_FIRM.cpa.key, DEMO_FIRM.cpa.secret, DEMO_FIRM.cfe.key, DEMO_FIRM.cfe.secret, 'sig=', 'sim_cpa_', 'sim_cfe_'];

/** The command as a firm runs it, keys in its environment (asynchronously: the servers answer from this process). */
async function cegidCheck(cpaBaseUrl: string, cfeBaseUrl: string, extra: string[] = []) {
  const out = join(mkdtempSync(join(tmpdir(), 'cegid-check-')), 'report.md');
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['scripts/cegid-check.ts', '--out', out, ...extra], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      CPA_BASE_URL: cpaBaseUrl,
      CFE_BASE_URL: cfeBaseUrl,
      CEGID_SIC: DEMO_FIRM.sic,
      CEGID_CPA_KEY: DEMO_FIRM.cpa.key,
      CEGID_CPA_SECRET: DEMO_FIRM.cpa.secret,
      CEGID_CFE_KEY: DEMO_FIRM.cfe.key,
      CEGID_CFE_SECRET: DEMO_FIRM.cfe.secret,
      CEGID_TIMEOUT_MS: '5000',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const status = await new Promise<number | null>((done) => child.on('close', done));
  return { status, stdout, stderr, report: readFileSync(out, 'utf8') };
}

let wire: WireServer | undefined;
afterEach(async () => {
  await wire?.stop();
  wire = undefined;
});

describe('cegid:check against the simulator', () => {
  it('every published and modeled detail holds; it only read, and deposited nothing', async () => {
    const report = await runConformance({
      cpaBaseUrl: sim.cpaBaseUrl,
      cfeBaseUrl: sim.cfeBaseUrl,
      ...demoKeys,
      identity: DEV_VENDOR_IDENTITY,
      dossier: 'BOULANG',
    });
    expect(report.findings.filter((f) => f.outcome === 'differs' || f.outcome === 'failed')).toEqual([]);
    expect(report.summary.held).toBeGreaterThan(60);
    // Entries were compared field by field (BOULANG has lines in its periods).
    expect(report.findings).toContainEqual(expect.objectContaining({ step: 'CPA entries', detail: 'field EcritureDate', outcome: 'held' }));
    const steps = new Set(report.findings.map((f) => f.step));
    expect([...steps]).toEqual([
      'CPA token',
      'CPA health check',
      'CPA dossiers',
      'CPA periods',
      'CPA accounts',
      'CPA journals',
      'CPA entries',
      'CFE token',
      'CFE container',
    ]);
    // Read only: CPA lists and the CFE container, no blob request at all, nothing in the container.
    const methods = sim.control.requests().map((r) => `${r.method} ${r.path.split('?')[0]}`);
    expect(new Set(methods)).toEqual(
      new Set([
        'POST /cpa/token',
        'GET /cpa/api/v1/security/getHealthCheck',
        'POST /cpa/api/v1/dossiers',
        'POST /cpa/api/v1/comptabilite/exercices',
        'POST /cpa/api/v1/comptabilite/comptes',
        'POST /cpa/api/v1/comptabilite/journaux',
        'POST /cpa/api/v1/comptabilite/ecritures',
        'POST /cfe/token',
        'GET /cfe/sic/100200/container',
      ]),
    );
    expect(await sim.control.listBlobs(DEMO_FIRM.sic)).toEqual([]);
    const text = reportMarkdown(report) + JSON.stringify(report);
    for (const s of SECRETS) expect(text, s).not.toContain(s);
  });

  it('the command prints the report, writes it for the firm to send, and exits 0', async () => {
    const r = await cegidCheck(sim.cpaBaseUrl, sim.cfeBaseUrl, ['--dossier', 'BOULANG']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\*\*\d+ held, 0 differ, 0 failed\*\*/);
    expect(r.stdout).not.toContain('## What differed');
    expect(r.report).toBe(r.stdout);
    expect(r.stderr).toContain('send it to Quadra Sync support');
    for (const s of SECRETS) expect(r.stdout + r.stderr, s).not.toContain(s);
  }, 60_000);
});

/** Not our model: no health check, `{ total, items }` lists, English and ISO fields, decimal-comma strings, another container field. */
async function startOtherWire(): Promise<WireServer> {
  const list = (items: unknown[]) => ({ body: { total: items.length, items } });
  return startWireServer((r) => {
    if (r.path === '/cpa/api/v1/dossiers') return list([{ code: 'BOULANG', name: 'Boulangerie' }]);
    if (r.path === '/cpa/api/v1/comptabilite/exercices') return list([{ DateDebut: '2025-01-01', DateFin: '2025-12-31', Cloture: 'N' }]);
    if (r.path === '/cpa/api/v1/comptabilite/comptes') return list([]);
    if (r.path === '/cpa/api/v1/comptabilite/journaux') return { status: 404, body: { code: 'NotFound' } };
    if (r.path === '/cpa/api/v1/comptabilite/ecritures') {
      const line = {
        NumLigne: 1,
        JournalCode: 'VE',
        date: '2025-03-15',
        CompteNum: '70600000',
        Debit: '0,00',
        Credit: '12,50',
        DateImport: '2025-03-16T09:00:00Z',
      };
      return list([line]);
    }
    if (r.path === '/cfe/sic/100200/container') return { body: { url: 'https://x.blob.core.windows.net/c?sv=1&sig=SECRETSIG' } };
    return undefined;
  });
}

describe('cegid:check against a different wire', () => {
  it('prints each difference: the health check, the envelope, renamed fields, formats, a missing path', async () => {
    wire = await startOtherWire();
    const report = await runConformance({
      cpaBaseUrl: `${wire.url}/cpa`,
      cfeBaseUrl: `${wire.url}/cfe`,
      ...demoKeys,
      identity: DEV_VENDOR_IDENTITY,
      dossier: 'BOULANG',
    });
    const text = reportMarkdown(report);
    const differed = text.slice(text.indexOf('## What differed'), text.indexOf('## Every detail checked'));
    for (const line of [
      '- CPA health check — GET /api/v1/security/getHealthCheck (published): expected 2xx, seen 404 NotFound',
      '- CPA dossiers — envelope NbPage (published): expected a count, seen missing',
      '- CPA dossiers — envelope Data (published): expected a list, seen missing',
      '- CPA dossiers — field NumeroDossier (modeled): expected present, seen missing',
      '- CPA periods — field DateDebut (modeled): expected dd/mm/yyyy, seen yyyy-mm-dd',
      '- CPA periods — field Cloture (modeled): expected boolean, seen string',
      '- CPA journals — POST /api/v1/comptabilite/journaux (modeled): expected 200, seen 404 NotFound',
      '- CPA entries — field EcritureDate (published): expected dd/mm/yyyy, seen missing',
      '- CPA entries — field Credit format (modeled): expected number, seen string, decimal comma',
      '- CFE container — field containerUrl (modeled): expected a URL, seen missing',
    ]) {
      expect(differed).toContain(line);
    }
    // What it found instead is named, so the model can be corrected from the report alone.
    expect(text).toContain('| CPA dossiers | the answer holds | observed |  | total, items | note |');
    expect(text).toContain('| CPA entries | other fields sent | observed |  | date | note |');
    expect(text).toContain('| CPA entries | field EcritureLib | published | present | missing | note |');
    // The token and the lists that match still held.
    expect(text).toContain("| CPA token | POST /token with the application's identity | published | 200 | 200 | held |");
    expect(text).not.toContain('SECRETSIG');
  });

  it('the command exits 1 and prints the differences', async () => {
    wire = await startOtherWire();
    const r = await cegidCheck(`${wire.url}/cpa`, `${wire.url}/cfe`, ['--dossier', 'BOULANG']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('## What differed');
    expect(r.stdout).toContain('- CPA entries — envelope Data (published): expected a list, seen missing');
    expect(r.stdout).toMatch(/\*\*\d+ held, \d+ differ, 0 failed\*\*/);
  }, 60_000);
});
