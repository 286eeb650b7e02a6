// What the hub and the accountants do during a soak: a firm connected through the public API,
// entries pushed in batches at random moments (retried with the same Idempotency-Key while the
// service is down), and dossiers opened in Quadra at random moments through the simulator's
// control routes. Every loop is bounded by a deadline or a count.
import { DEMO_FIRM, fiscalYears } from '../../src/sim/fixture.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Api {
  call<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
}

/** The public API with a bearer token; network errors and 5xx are retried (bounded) — the service may be down. */
export function apiClient(baseUrl: string, token: string, opts: { retryForMs: number }): Api {
  return {
    async call(method, path, body, headers = {}) {
      const deadline = Date.now() + opts.retryForMs;
      for (let i = 0; ; i++) {
        try {
          const res = await fetch(baseUrl + path, {
            method,
            signal: AbortSignal.timeout(30_000),
            headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
            ...(body ? { body: JSON.stringify(body) } : {}),
          });
          const json = await res.json().catch(() => undefined);
          if (res.status < 500 || Date.now() > deadline) return { status: res.status, body: json as any };
        } catch (e) {
          if (Date.now() > deadline)
            throw new Error(`${method} ${path}: service unreachable for ${opts.retryForMs} ms (${(e as Error).message})`);
        }
        await sleep(Math.min(500 * 2 ** Math.min(i, 3), 4000));
      }
    },
  };
}

export async function simControl(simUrl: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${simUrl}/_control${path}`, {
    method,
    signal: AbortSignal.timeout(60_000),
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (res.status >= 300) throw new Error(`simulator ${method} ${path} → ${res.status} ${await res.text()}`);
  return res.json();
}

const ACCOUNTS = ['60700000', '60610000', '60640000', '61320000', '62510000', '62600000', '62700000', '64100000'];
const SALES = ['70100000', '70600000', '70700000'];

/** A fourth dossier for the demo firm, like BOULANG: calendar year, everything open. */
export async function addSoakDossier(simUrl: string, code: string): Promise<void> {
  const cal = fiscalYears(new Date());
  await simControl(simUrl, 'POST', `/dossiers/${DEMO_FIRM.sic}`, {
    code,
    name: 'Traiteur Soak',
    periods: [cal.previous, cal.current],
    journals: ['AC', 'VE', 'BQ', 'OD'].map((j) => ({ code: j, label: j, open: true })),
    accounts: [...ACCOUNTS, ...SALES, '40100000', '41100000', '44566000', '44571000', '51200000']
      .map((n) => ({ number: n, label: `Compte ${n}`, kind: 'general' }))
      .concat([{ number: 'FEDF0001', label: 'EDF', kind: 'supplier', collective: '40100000' } as any]),
  });
}

/** Firm created, its four codes checked live (through the faults: retried), reference data pulled. */
export async function connectFirm(
  api: Api,
  dossiers: string[],
  deadlineMs: number,
): Promise<{ firmId: string; files: Map<string, string> }> {
  const firm = await api.call('POST', '/v1/firms', { name: 'Cabinet Soak', sicCode: DEMO_FIRM.sic });
  if (firm.status !== 201 && firm.status !== 200) throw new Error(`firm creation → ${firm.status} ${JSON.stringify(firm.body)}`);
  const firmId: string = firm.body.id;
  const end = Date.now() + deadlineMs;
  for (;;) {
    const conn = await api.call('PUT', `/v1/firms/${firmId}/connection`, {
      cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
      cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
    });
    if (conn.status === 200 && conn.body.status === 'connected') break;
    if (Date.now() > end) throw new Error(`connection never checked: ${conn.status} ${JSON.stringify(conn.body)}`);
    await sleep(1000);
  }
  for (;;) {
    const { body } = await api.call('GET', `/v1/firms/${firmId}/files`);
    const files = new Map<string, string>((body?.files ?? []).map((f: any) => [f.dossierCode, f.id]));
    const ready = (body?.files ?? []).filter((f: any) => dossiers.includes(f.dossierCode) && f.prerequisites?.ok);
    if (ready.length === dossiers.length) return { firmId, files };
    if (Date.now() > end) throw new Error(`reference data never complete: ${JSON.stringify(body).slice(0, 500)}`);
    const runs = (await api.call('GET', `/v1/firms/${firmId}/reference-sync`)).body?.runs ?? [];
    if (!runs.some((r: any) => r.status === 'queued' || r.status === 'running'))
      await api.call('POST', `/v1/firms/${firmId}/reference-sync`);
    await sleep(2000);
  }
}

export interface EntryPlan {
  externalId: string;
  dossier: string;
  body: object;
  lines: number;
}

/** `n` balanced entries of every kind, spread over the dossiers, all dated today. */
export function planEntries(n: number, dossiers: string[], runId: string, random: () => number): EntryPlan[] {
  const today = new Date().toISOString().slice(0, 10);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const out: EntryPlan[] = [];
  for (let i = 0; i < n; i++) {
    const dossier = dossiers[i % dossiers.length]!;
    const amount = 100 + Math.floor(random() * 500_000);
    const vat = Math.floor(amount / 5);
    const kind = pick(['purchase', 'sale', 'bank', 'expense_report'] as const);
    const externalId = `${runId}-${String(i).padStart(5, '0')}`;
    const lines =
      kind === 'purchase'
        ? [
            [pick(ACCOUNTS), amount, 0],
            ['44566000', vat, 0],
            ['FEDF0001', 0, amount + vat],
          ]
        : kind === 'sale'
          ? [
              ['41100000', amount + vat, 0],
              [pick(SALES), 0, amount],
              ['44571000', 0, vat],
            ]
          : kind === 'bank'
            ? [
                ['FEDF0001', amount, 0],
                ['51200000', 0, amount],
              ]
            : [
                ['62510000', amount, 0],
                ['51200000', 0, amount],
              ];
    const journalCode = { purchase: 'AC', sale: 'VE', bank: 'BQ', expense_report: 'OD' }[kind];
    out.push({
      externalId,
      dossier,
      lines: lines.length,
      body: {
        externalId,
        kind,
        journalCode,
        date: today,
        label: `Soak ${externalId}`,
        lines: lines.map(([account, debit, credit]) => ({ account, debit, credit })),
      },
    });
  }
  return out;
}

export interface PushLog {
  accepted: Map<string, string>;
  refused: string[];
  batches: number;
  lastPushAt?: number;
}

/** Pushes the plan in random batches spread over `spreadMs`; sometimes presses "Synchronize". */
export async function pushAll(
  api: Api,
  files: Map<string, string>,
  plan: EntryPlan[],
  spreadMs: number,
  random: () => number,
  log: PushLog,
): Promise<void> {
  const byDossier = new Map<string, EntryPlan[]>();
  for (const e of plan) byDossier.set(e.dossier, [...(byDossier.get(e.dossier) ?? []), e]);
  const batches: Array<{ dossier: string; entries: EntryPlan[] }> = [];
  for (const [dossier, list] of byDossier) {
    for (let i = 0; i < list.length; ) {
      const size = 5 + Math.floor(random() * 36);
      batches.push({ dossier, entries: list.slice(i, i + size) });
      i += size;
    }
  }
  batches.sort(() => random() - 0.5);
  const pause = spreadMs / Math.max(1, batches.length);
  for (const b of batches) {
    const fileId = files.get(b.dossier)!;
    const key = `soak-${b.entries[0]!.externalId}`;
    const res = await api.call(
      'POST',
      `/v1/files/${fileId}/entries`,
      { entries: b.entries.map((e) => e.body) },
      { 'idempotency-key': key },
    );
    if (res.status >= 300) throw new Error(`push ${key} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    for (const r of res.body.entries) {
      if (r.id) log.accepted.set(r.externalId, r.id);
      else log.refused.push(`${r.externalId}: ${JSON.stringify(r.errors)}`);
    }
    log.batches += 1;
    log.lastPushAt = Date.now();
    if (random() < 0.7) await api.call('POST', `/v1/files/${fileId}/sync`);
    await sleep(pause * (0.5 + random()));
  }
}

export interface OpenLog {
  at: number;
  dossier: string;
  deposits: Array<{ blobName: string; imported: number }>;
}

/** The accountants open dossiers at random moments until `stop()` says so; some more often than others. */
export async function openDossiersAtRandom(
  simUrl: string,
  weights: Record<string, number>,
  random: () => number,
  stop: () => boolean,
  log: OpenLog[],
): Promise<void> {
  const codes = Object.keys(weights);
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  while (!stop()) {
    await sleep(1000 + random() * 5000);
    if (stop()) break;
    let r = random() * total;
    const dossier = codes.find((c) => (r -= weights[c]!) < 0) ?? codes[0]!;
    try {
      const rep = await simControl(simUrl, 'POST', `/dossiers/${DEMO_FIRM.sic}/${dossier}/open`);
      log.push({
        at: Date.now(),
        dossier,
        deposits: (rep.deposits ?? []).map((d: any) => ({ blobName: d.blobName, imported: d.imported })),
      });
    } catch {
      /* the simulator is never faulted; a failure here shows in the figures */
    }
  }
}
