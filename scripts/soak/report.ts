// The soak's verdict, from two independent sides: the service's own database (statuses, attempts,
// deposits) and the simulator's Quadra (the lines it imported, per entry reference). An entry is
// "imported twice" when Quadra holds its lines twice, whatever the service believes.
import pg from 'pg';
import { DEMO_FIRM } from '../../src/sim/fixture.ts';
import type { ProxyEvent } from './proxy.ts';
import type { OpenLog } from './load.ts';
import { simControl } from './load.ts';

export interface EntryRow {
  id: string;
  external_id: string;
  quadra_ref: string;
  status: string;
  duplicate_in_quadra: boolean;
  line_count: number;
  dossier: string;
  deposit_id: string | null;
}

export async function loadEntries(dbUrl: string, firmId: string): Promise<EntryRow[]> {
  return query<EntryRow>(
    dbUrl,
    `select e.id, e.external_id, e.quadra_ref, e.status, e.duplicate_in_quadra, e.line_count, f.dossier_code as dossier, e.deposit_id
       from public.entries e join public.client_files f on f.id = e.file_id where e.firm_id = $1`,
    [firmId],
  );
}

export async function query<T>(dbUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** How many times Quadra imported each reference: its lines there / its line count. */
export async function importsByReference(simUrl: string, dossiers: string[], entries: EntryRow[]): Promise<Map<string, number>> {
  const lines = new Map<string, number>();
  for (const d of dossiers) {
    for (const l of (await simControl(simUrl, 'GET', `/dossiers/${DEMO_FIRM.sic}/${d}/entries`)) as Array<{ reference: string }>) {
      const ref = l.reference.trim();
      if (ref) lines.set(`${d}|${ref}`, (lines.get(`${d}|${ref}`) ?? 0) + 1);
    }
  }
  return new Map(entries.map((e) => [e.id, (lines.get(`${e.dossier}|${e.quadra_ref}`) ?? 0) / e.line_count]));
}

export interface Tally {
  entries: number;
  posted: number;
  failedCheck: number;
  unfinished: number;
  lost: number;
  twice: number;
  flaggedDuplicate: number;
  notInQuadra: number;
  simTwice: number | null;
  attempts: number;
  byStatus: Record<string, number>;
  attemptKinds: Record<string, number>;
  depositStatus: Record<string, number>;
  blobsLeft: number;
  lostIds: string[];
  twiceIds: string[];
  failedIds: string[];
  unfinishedIds: string[];
}

export async function tally(dbUrl: string, simUrl: string, firmId: string, dossiers: string[], pushedIds: Set<string>): Promise<Tally> {
  const entries = await loadEntries(dbUrl, firmId);
  const imports = await importsByReference(simUrl, dossiers, entries);
  const byStatus: Record<string, number> = {};
  for (const e of entries) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
  const inDb = new Set(entries.map((e) => e.id));
  const missingRows = [...pushedIds].filter((id) => !inDb.has(id));
  // Lost: accepted by the API and then gone, or called posted while Quadra has no copy.
  const lostIds = [...missingRows, ...entries.filter((e) => e.status === 'posted' && (imports.get(e.id) ?? 0) === 0).map((e) => e.id)];
  const twiceIds = entries.filter((e) => (imports.get(e.id) ?? 0) >= 2).map((e) => e.id);
  const attemptRows = await query<{ kind: string; outcome: string; n: number }>(
    dbUrl,
    'select kind::text, outcome::text, count(*)::int as n from public.attempts where firm_id = $1 group by 1, 2 order by 1, 2',
    [firmId],
  );
  const depositRows = await query<{ status: string; n: number }>(
    dbUrl,
    'select status::text, count(*)::int as n from public.deposits where firm_id = $1 group by 1 order by 1',
    [firmId],
  );
  const blobs = (await simControl(simUrl, 'GET', `/firms/${DEMO_FIRM.sic}/blobs`)) as unknown[];
  // The simulator's own per-reference import count, where it keeps one: a second opinion.
  let simTwice: number | null = 0;
  for (const d of dossiers) {
    const counts = (await simControl(simUrl, 'GET', `/dossiers/${DEMO_FIRM.sic}/${d}/import-counts`).catch(() => null)) as Record<
      string,
      number
    > | null;
    if (!counts) {
      simTwice = null;
      break;
    }
    simTwice += entries.filter((e) => e.dossier === d && (counts[e.quadra_ref] ?? 0) >= 2).length;
  }
  return {
    entries: entries.length,
    posted: byStatus.posted ?? 0,
    failedCheck: byStatus.failed_check ?? 0,
    unfinished: (byStatus.pending ?? 0) + (byStatus.sent ?? 0),
    lost: lostIds.length,
    twice: twiceIds.length,
    flaggedDuplicate: entries.filter((e) => e.duplicate_in_quadra).length,
    simTwice,
    notInQuadra: entries.filter((e) => (imports.get(e.id) ?? 0) === 0).length,
    attempts: attemptRows.reduce((a, r) => a + r.n, 0),
    byStatus,
    attemptKinds: Object.fromEntries(attemptRows.map((r) => [`${r.kind}/${r.outcome}`, r.n])),
    depositStatus: Object.fromEntries(depositRows.map((r) => [r.status, r.n])),
    blobsLeft: blobs.length,
    lostIds,
    twiceIds,
    failedIds: entries.filter((e) => e.status === 'failed_check').map((e) => e.id),
    unfinishedIds: entries.filter((e) => e.status === 'pending' || e.status === 'sent').map((e) => e.id),
  };
}

/**
 * The story of one entry, for a defect report: its attempts, every deposit that held it (with its
 * blob's requests through the proxy) and every opening that imported one of those blobs.
 */
export async function timeline(
  dbUrl: string,
  entryId: string,
  t0: number,
  proxyEvents: ProxyEvent[],
  proxyStart: number,
  opens: OpenLog[],
): Promise<string[]> {
  const rel = (ms: number) => `+${((ms - t0) / 1000).toFixed(1).padStart(6)}s`;
  const [entry] = await query<EntryRow>(
    dbUrl,
    'select id, external_id, quadra_ref, status, duplicate_in_quadra, line_count, deposit_id from public.entries where id = $1',
    [entryId],
  );
  if (!entry) return [`${entryId}: not in the database`];
  const attempts = await query<{
    at: Date;
    kind: string;
    outcome: string;
    deposit_id: string | null;
    error_code: string | null;
    detail: string | null;
  }>(
    dbUrl,
    'select at, kind::text, outcome::text, deposit_id, error_code, detail from public.attempts where entry_id = $1 order by at, id',
    [entryId],
  );
  const depIds = [...new Set([entry.deposit_id, ...attempts.map((a) => a.deposit_id)].filter((d): d is string => !!d))];
  const deposits = await query<Record<string, unknown>>(dbUrl, 'select * from public.deposits where id = any($1::uuid[]) order by seq', [
    depIds,
  ]);
  const out = [
    `${entry.external_id} ${entry.id} ref ${entry.quadra_ref}: ${entry.status}${entry.duplicate_in_quadra ? ' (flagged duplicateInQuadra)' : ''}`,
  ];
  for (const a of attempts)
    out.push(
      `  ${rel(new Date(a.at).getTime())} attempt ${a.kind}/${a.outcome}${a.error_code ? ` [${a.error_code}]` : ''} dep ${a.deposit_id?.slice(0, 8) ?? '-'}: ${(a.detail ?? '').slice(0, 120)}`,
    );
  for (const d of deposits) {
    const name = String(d.blob_name);
    const times = ['created_at', 'upload_started_at', 'uploaded_at', 'imported_seen_at', 'verify_at', 'verified_at']
      .filter((k) => d[k])
      .map((k) => `${k} ${rel(new Date(d[k] as string).getTime())}`)
      .join(', ');
    out.push(
      `  deposit ${String(d.id).slice(0, 8)} seq ${d.seq} ${d.status}${d.replaces_id ? ` replaces ${String(d.replaces_id).slice(0, 8)}` : ''}${d.error_code ? ` error ${d.error_code}` : ''}: ${times}`,
    );
    for (const e of proxyEvents.filter((x) => x.path.endsWith(`/${name}`))) {
      out.push(`    ${rel(proxyStart + e.t)} blob ${e.method} → ${e.fault}${e.status !== undefined ? ` ${e.status}` : ''}`);
    }
    for (const o of opens.filter((x) => x.deposits.some((dd) => dd.blobName === name))) {
      out.push(`    ${rel(o.at)} Quadra imported it (dossier ${o.dossier} opened)`);
    }
  }
  return out;
}
