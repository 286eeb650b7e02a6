// Entry builders and pipeline steps for tests, through the same routes and job handlers production runs.
import { nextNight } from '../../src/domain/entries/lifecycle.ts';
import { nightlyJob, sendFileJob, sweepJob, verifyDepositJob } from '../../src/jobs/definitions.ts';
import { runNow } from '../../src/jobs/index.ts';
import type { World } from './world.ts';

let seq = 0;
export const uniq = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

export function purchase(
  over: Partial<{
    externalId: string;
    date: string;
    journalCode: string;
    label: string;
    supplier: string;
    amount: number;
    documentIds: string[];
    kind: string;
  }> = {},
) {
  const amount = over.amount ?? 12_000;
  const vat = Math.round(amount / 6);
  return {
    externalId: over.externalId ?? uniq('ach'),
    kind: over.kind ?? 'purchase',
    journalCode: over.journalCode ?? 'AC',
    date: over.date ?? '2026-11-02',
    label: over.label ?? 'Moulins de Savoie farine',
    ...(over.documentIds ? { documentIds: over.documentIds } : {}),
    lines: [
      { account: '60700000', debit: amount - vat, credit: 0 },
      { account: '44566000', debit: vat, credit: 0 },
      { account: over.supplier ?? 'FMOULIN', debit: 0, credit: amount },
    ],
  };
}

export async function push(w: World, dossier: string, entries: unknown[], key = uniq('key')) {
  const r = await w.t.call('POST', `/v1/files/${w.files.get(dossier)}/entries`, {
    token: w.token,
    body: { entries },
    headers: { 'idempotency-key': key },
  });
  if (r.status !== 202) throw new Error(`push: ${r.status} ${r.text}`);
  return r.body as {
    accepted: number;
    refused: number;
    entries: Array<{ id?: string; externalId: string; warnings?: any[]; errors?: any[] }>;
  };
}

export async function entry(w: World, id: string) {
  const r = await w.t.call('GET', `/v1/entries/${id}`, { token: w.token });
  if (r.status !== 200) throw new Error(`entry: ${r.status} ${r.text}`);
  return r.body;
}

/** "Synchronize", as the job runs it. */
export const send = (w: World, dossier: string) => runNow(sendFileJob, { fileId: w.files.get(dossier)! }, w.t.services);

export async function depositsOf(w: World, dossier: string) {
  return (
    await w.t.services.db.query<{
      id: string;
      status: string;
      blob_name: string;
      replaces_id: string | null;
      seq: number;
      verify_at: Date | null;
    }>('select id, status, blob_name, replaces_id, seq, verify_at from public.deposits where file_id = $1 order by seq', [
      w.files.get(dossier),
    ])
  ).rows;
}

/** 12 hours later: the verification job of every deposit due, as pg-boss would run it. */
export async function twelveHoursLater(w: World) {
  w.at(new Date(w.now().getTime() + 12 * 3_600_000 + 60_000));
  const due = (
    await w.t.services.db.query<{ id: string }>('select id from public.deposits where verified_at is null and verify_at <= $1', [w.now()])
  ).rows;
  for (const d of due) await runNow(verifyDepositJob, { depositId: d.id }, w.t.services);
}

/**
 * The next night at 02:00 Paris time: the nightly job, then the sweep once the import grace
 * period has passed (as its 15-minute schedule would), which finishes attempts put off by it.
 */
export async function nextNightRun(w: World) {
  w.at(nextNight(w.now()));
  await runNow(nightlyJob, {}, w.t.services);
  w.at(new Date(w.now().getTime() + (w.t.services.config.IMPORT_GRACE_MINUTES + 1) * 60_000));
  await runNow(sweepJob, {}, w.t.services);
}

export const runSweep = (w: World) => runNow(sweepJob, {}, w.t.services);
