// Reference data of the client files (periods, accounts, journals) and the sync runs that refresh
// it. Writes are set-based: one statement per table per file, whatever the number of rows.
// Items that left Quadra keep their row with gone_at set (cleared if they come back), so entries
// that reference them keep their history and a re-sync never duplicates anything.
import type { PrerequisiteInput } from '../../domain/prerequisites.ts';
import type {
  AccountRowInput,
  Changes,
  FileRowInput,
  JournalRowInput,
  PeriodRowInput,
  RunError,
  SyncCounts,
} from '../../domain/reference-sync.ts';
import type { Queryable } from '../database.ts';
import type { DbEnum, Row } from '../rows.ts';
import { USABLE_CONNECTION } from './connections.ts';

// ---------------------------------------------------------------------------------------------
// Sync runs

export type SyncTrigger = DbEnum<'sync_trigger'>;
export type SyncStatus = DbEnum<'sync_run_status'>;

export type SyncRunRow = Pick<
  Row<'reference_syncs'>,
  'id' | 'firm_id' | 'trigger' | 'status' | 'error_code' | 'error_message' | 'created_at' | 'started_at' | 'finished_at'
> & { counts: Partial<SyncCounts> };

const RUN_COLUMNS = 'id, firm_id, trigger, status, counts, error_code, error_message, created_at, started_at, finished_at';

export async function createSyncRun(tx: Queryable, firmId: string, trigger: SyncTrigger, now: Date): Promise<string> {
  const r = await tx.query<{ id: string }>(
    `insert into public.reference_syncs (firm_id, trigger, status, created_at) values ($1, $2, 'queued', $3) returning id`,
    [firmId, trigger, now],
  );
  return r.rows[0]!.id;
}

/** A run of the firm still waiting for a worker, created after `since` (a double click reuses it). */
export async function findQueuedRun(tx: Queryable, firmId: string, since: Date): Promise<string | undefined> {
  const r = await tx.query<{ id: string }>(
    `select id from public.reference_syncs where firm_id = $1 and status = 'queued' and created_at >= $2 order by created_at desc limit 1`,
    [firmId, since],
  );
  return r.rows[0]?.id;
}

export async function listSyncRuns(tx: Queryable, firmId: string, limit: number): Promise<SyncRunRow[]> {
  const r = await tx.query<SyncRunRow>(
    `select ${RUN_COLUMNS} from public.reference_syncs where firm_id = $1 order by created_at desc, id desc limit $2`,
    [firmId, limit],
  );
  return r.rows;
}

/**
 * Marks the run `running` if a worker may take it: queued; or left `running` by a worker that
 * died (started before `staleBefore`, so a live run is never doubled); or failed on our side
 * (the queue's retry). A run that ended on a Cegid error or succeeded is final.
 */
export async function claimSyncRun(tx: Queryable, runId: string, now: Date, staleBefore: Date): Promise<{ firmId: string } | undefined> {
  const r = await tx.query<{ firm_id: string }>(
    `update public.reference_syncs set status = 'running', started_at = $2, finished_at = null, error_code = null, error_message = null
      where id = $1 and (status = 'queued'
                         or (status = 'running' and started_at < $3)
                         or (status = 'failed' and error_code = 'internal_error'))
      returning firm_id`,
    [runId, now, staleBefore],
  );
  return r.rows[0] && { firmId: r.rows[0].firm_id };
}

export async function finishSyncRun(
  tx: Queryable,
  runId: string,
  outcome: { counts: SyncCounts; error?: RunError },
  now: Date,
): Promise<void> {
  await tx.query(
    `update public.reference_syncs set status = $2, counts = $3::jsonb, error_code = $4, error_message = $5, finished_at = $6 where id = $1`,
    [
      runId,
      outcome.error ? 'failed' : 'succeeded',
      JSON.stringify(outcome.counts),
      outcome.error?.code ?? null,
      outcome.error?.message ?? null,
      now,
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Upserts (service side)

const CHANGE_COUNTS = `select (select count(*) from src)::int as seen,
                              (select count(*) from up where created)::int as created,
                              (select count(*) from up where not created)::int as updated,
                              (select count(*) from gone)::int as gone`;

/**
 * One client file per dossier, in one statement: new ones created, renamed ones updated, those
 * whose dossier left Quadra marked gone (and revived if it comes back). Unchanged rows are not
 * touched, so `updated` counts real changes. Returns the file id of every dossier.
 */
export async function upsertClientFiles(
  tx: Queryable,
  firmId: string,
  files: FileRowInput[],
  now: Date,
): Promise<{ changes: Changes; ids: Map<string, string> }> {
  const r = await tx.query<Changes>(
    `with src as (select * from jsonb_to_recordset($2::jsonb) as x(dossier_code text, name text)),
     up as (
       insert into public.client_files as f (firm_id, dossier_code, name, created_at, updated_at)
       select $1, src.dossier_code, src.name, $3, $3 from src
       on conflict (firm_id, dossier_code) do update set name = excluded.name, gone_at = null, updated_at = excluded.updated_at
        where (f.name, f.gone_at) is distinct from (excluded.name, null::timestamptz)
       returning (xmax = 0) as created
     ),
     gone as (
       update public.client_files f set gone_at = $3, updated_at = $3
        where f.firm_id = $1 and f.gone_at is null and not exists (select 1 from src where src.dossier_code = f.dossier_code)
       returning 1
     )
     ${CHANGE_COUNTS}`,
    [firmId, JSON.stringify(files), now],
  );
  const ids = await tx.query<{ id: string; dossier_code: string }>(
    'select id, dossier_code from public.client_files where firm_id = $1 and dossier_code = any($2::text[])',
    [firmId, files.map((f) => f.dossier_code)],
  );
  return { changes: r.rows[0]!, ids: new Map(ids.rows.map((x) => [x.dossier_code, x.id])) };
}

export interface FileReferenceData {
  periods: PeriodRowInput[];
  accounts: AccountRowInput[];
  journals: JournalRowInput[];
}

/**
 * Replaces a file's periods, accounts and journals with what Quadra holds: one statement per
 * table (upsert and mark-gone together). The file row is locked first so a concurrent sync or
 * send of the same file waits instead of interleaving.
 */
export async function syncFileReference(
  tx: Queryable,
  file: { id: string; firmId: string },
  data: FileReferenceData,
  now: Date,
): Promise<{ periods: Changes; accounts: Changes; journals: Changes }> {
  await tx.query('select id from public.client_files where id = $1 for update', [file.id]);
  const run = async (sql: string, rows: unknown[]) =>
    (await tx.query<Changes>(sql, [file.firmId, file.id, JSON.stringify(rows), now])).rows[0]!;

  const periods = await run(
    `with src as (select * from jsonb_to_recordset($3::jsonb) as x(starts_on date, ends_on date, status public.period_status)),
     up as (
       insert into public.periods as p (firm_id, file_id, starts_on, ends_on, status, updated_at)
       select $1, $2, src.starts_on, src.ends_on, src.status, $4 from src
       on conflict (file_id, starts_on) do update set ends_on = excluded.ends_on, status = excluded.status, gone_at = null, updated_at = excluded.updated_at
        where (p.ends_on, p.status, p.gone_at) is distinct from (excluded.ends_on, excluded.status, null::timestamptz)
       returning (xmax = 0) as created
     ),
     gone as (
       update public.periods p set gone_at = $4, updated_at = $4
        where p.file_id = $2 and p.gone_at is null and not exists (select 1 from src where src.starts_on = p.starts_on)
       returning 1
     )
     ${CHANGE_COUNTS}`,
    data.periods,
  );
  const accounts = await run(
    `with src as (select * from jsonb_to_recordset($3::jsonb) as x(number text, label text, kind public.account_kind, collective text)),
     up as (
       insert into public.accounts as a (firm_id, file_id, number, label, kind, collective, updated_at)
       select $1, $2, src.number, src.label, src.kind, src.collective, $4 from src
       on conflict (file_id, number) do update set label = excluded.label, kind = excluded.kind, collective = excluded.collective, gone_at = null, updated_at = excluded.updated_at
        where (a.label, a.kind, a.collective, a.gone_at) is distinct from (excluded.label, excluded.kind, excluded.collective, null::timestamptz)
       returning (xmax = 0) as created
     ),
     gone as (
       update public.accounts a set gone_at = $4, updated_at = $4
        where a.file_id = $2 and a.gone_at is null and not exists (select 1 from src where src.number = a.number)
       returning 1
     )
     ${CHANGE_COUNTS}`,
    data.accounts,
  );
  const journals = await run(
    `with src as (select * from jsonb_to_recordset($3::jsonb) as x(code text, label text, is_open boolean)),
     up as (
       insert into public.journals as j (firm_id, file_id, code, label, is_open, updated_at)
       select $1, $2, src.code, src.label, src.is_open, $4 from src
       on conflict (file_id, code) do update set label = excluded.label, is_open = excluded.is_open, gone_at = null, updated_at = excluded.updated_at
        where (j.label, j.is_open, j.gone_at) is distinct from (excluded.label, excluded.is_open, null::timestamptz)
       returning (xmax = 0) as created
     ),
     gone as (
       update public.journals j set gone_at = $4, updated_at = $4
        where j.file_id = $2 and j.gone_at is null and not exists (select 1 from src where src.code = j.code)
       returning 1
     )
     ${CHANGE_COUNTS}`,
    data.journals,
  );
  await tx.query('update public.client_files set synced_at = $2 where id = $1', [file.id, now]);
  return { periods, accounts, journals };
}

// ---------------------------------------------------------------------------------------------
// Prerequisites

export type PrerequisiteFacts = Omit<PrerequisiteInput, 'today'>;

// What a file's prerequisites are judged on, as JSON columns of a statement over files (`fileId`:
// the SQL expression of a file's id), so files and their facts come back in one round trip. Only
// general accounts' classes matter: one account per kind and first digit stands for the chart.
const factColumns = (fileId: string) => `
  coalesce((select json_agg(json_build_object('startsOn', p.starts_on, 'endsOn', p.ends_on, 'status', p.status) order by p.starts_on, p.ends_on)
              from public.periods p where p.file_id = ${fileId} and p.gone_at is null), '[]') as periods,
  coalesce((select json_agg(json_build_object('number', a.number, 'kind', a.kind) order by a.kind, a.number)
              from (select distinct on (x.kind, left(x.number, 1)) x.number, x.kind from public.accounts x
                     where x.file_id = ${fileId} and x.gone_at is null order by x.kind, left(x.number, 1), x.number) a), '[]') as accounts,
  coalesce((select json_agg(json_build_object('code', j.code, 'label', j.label, 'isOpen', j.is_open) order by j.code)
              from public.journals j where j.file_id = ${fileId} and j.gone_at is null), '[]') as journals`;

/** What the prerequisites of several files are judged on, in one statement (under RLS for users, or as service). */
export async function prerequisiteFacts(tx: Queryable, fileIds: string[]): Promise<Map<string, PrerequisiteFacts>> {
  if (fileIds.length === 0) return new Map();
  const r = await tx.query<PrerequisiteFacts & { file_id: string }>(
    `select f.id as file_id, ${factColumns('f.id')} from unnest($1::uuid[]) as f(id)`,
    [fileIds],
  );
  return new Map(r.rows.map(({ file_id, ...facts }) => [file_id, facts]));
}

// ---------------------------------------------------------------------------------------------
// Reads for the API (under RLS)

export type ClientFileRow = Pick<
  Row<'client_files'>,
  'id' | 'firm_id' | 'dossier_code' | 'name' | 'waiting_open_since' | 'gone_at' | 'synced_at'
>;
const FILE_COLUMNS = 'id, firm_id, dossier_code, name, waiting_open_since, gone_at, synced_at';

/**
 * The firm's client files (current first) with the facts of their prerequisites, in one statement;
 * undefined when the firm is not visible to the caller.
 */
export async function firmFilesWithFacts(q: Queryable, firmId: string): Promise<Array<ClientFileRow & PrerequisiteFacts> | undefined> {
  const r = await q.query<ClientFileRow & PrerequisiteFacts & { firm_seen: string }>(
    `select fm.id as firm_seen, ${FILE_COLUMNS.split(', ')
      .map((c) => `f.${c}`)
      .join(', ')}, ${factColumns('f.id')}
       from public.firms fm left join public.client_files f on f.firm_id = fm.id
      where fm.id = $1 order by (f.gone_at is not null), f.dossier_code, f.id`,
    [firmId],
  );
  if (r.rows.length === 0) return undefined;
  return r.rows[0]!.id === null ? [] : r.rows.map(({ firm_seen: _, ...file }) => file);
}

export async function getClientFile(tx: Queryable, fileId: string): Promise<ClientFileRow | undefined> {
  const r = await tx.query<ClientFileRow>(`select ${FILE_COLUMNS} from public.client_files where id = $1`, [fileId]);
  return r.rows[0];
}

export type AccountRow = Pick<Row<'accounts'>, 'number' | 'label' | 'kind' | 'collective'>;

/** Keyset page of a file's accounts (by number, unique per file), still in Quadra. */
export async function listAccounts(
  tx: Queryable,
  fileId: string,
  q: { kind?: AccountRow['kind'] | undefined; after?: string | undefined; limit: number },
): Promise<AccountRow[]> {
  const r = await tx.query<AccountRow>(
    `select number, label, kind, collective from public.accounts
      where file_id = $1 and gone_at is null and ($2::public.account_kind is null or kind = $2) and ($3::text is null or number collate "C" > $3)
      order by number collate "C" limit $4`,
    [fileId, q.kind ?? null, q.after ?? null, q.limit],
  );
  return r.rows;
}

export async function listJournals(tx: Queryable, fileId: string): Promise<Array<{ code: string; label: string; is_open: boolean }>> {
  const r = await tx.query<{ code: string; label: string; is_open: boolean }>(
    'select code, label, is_open from public.journals where file_id = $1 and gone_at is null order by code',
    [fileId],
  );
  return r.rows;
}

export async function listPeriods(
  tx: Queryable,
  fileId: string,
): Promise<Array<{ starts_on: string; ends_on: string; status: 'open' | 'closed' }>> {
  const r = await tx.query<{ starts_on: string; ends_on: string; status: 'open' | 'closed' }>(
    'select starts_on, ends_on, status from public.periods where file_id = $1 and gone_at is null order by starts_on',
    [fileId],
  );
  return r.rows;
}

/**
 * The nightly runs: one queued run per firm whose connection the jobs may use (USABLE_CONNECTION), unless the firm already got one since
 * `since` (the cron job ran twice or was retried). Returns every nightly run still queued since
 * then, so a retry also re-enqueues runs whose job was lost between commit and enqueue.
 */
export async function createNightlyRuns(tx: Queryable, now: Date, since: Date): Promise<string[]> {
  await tx.query(
    `insert into public.reference_syncs (firm_id, trigger, status, created_at)
     select c.firm_id, 'nightly', 'queued', $1 from public.connections c join public.firms f on f.id = c.firm_id
      where ${USABLE_CONNECTION}
        and not exists (select 1 from public.reference_syncs r where r.firm_id = c.firm_id and r.trigger = 'nightly' and r.created_at >= $2)`,
    [now, since],
  );
  const r = await tx.query<{ id: string }>(
    `select id from public.reference_syncs where trigger = 'nightly' and status = 'queued' and created_at >= $1 order by created_at, id`,
    [since],
  );
  return r.rows.map((x) => x.id);
}
