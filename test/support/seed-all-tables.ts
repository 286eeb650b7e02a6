import type { Database } from '../../src/db/database.ts';
import { asService } from '../../src/db/scoped.ts';

/** Every table RLS guards, with a column each test may update. */
export const guardedTables = {
  firms: 'name',
  firm_members: 'role',
  connections: 'cpa_key_hint',
  client_files: 'name',
  accounts: 'label',
  journals: 'label',
  periods: 'status',
  reference_syncs: 'error_message',
  documents: 'file_name',
  deposits: 'etag',
  entries: 'label',
  entry_lines: 'label',
  entry_documents: 'firm_id',
  attempts: 'detail',
  idempotency_keys: 'request_hash',
  account_maps: 'quadra_account',
  entry_count_deltas: 'n',
  webhook_endpoints: 'description',
  events: 'data',
  webhook_deliveries: 'attempts',
  webhook_attempts: 'error',
} as const;

/** One row in every table for a new firm whose admin is `userId`; returns the firm id. */
export async function seedFirmEverywhere(db: Database, userId: string, sic: string): Promise<string> {
  return asService(db, async (tx) => {
    const q = async (sql: string, params: unknown[] = []) => (await tx.query<Record<string, string>>(sql, params)).rows[0]!;
    const firm = (await q(`insert into firms (name, sic_code) values ($1, $2) returning id`, [`Firm ${sic}`, sic])).id!;
    await q(`insert into firm_members (firm_id, user_id, role) values ($1, $2, 'admin') returning firm_id`, [firm, userId]);
    await q(
      `insert into connections (firm_id, status, cpa_key_hint, cfe_key_hint, secrets_ciphertext, secrets_key_id) values ($1, 'connected', '…1234', '…5678', 'x.y', 'k') returning firm_id`,
      [firm],
    );
    const file = (await q(`insert into client_files (firm_id, dossier_code, name) values ($1, 'D1', 'Dossier') returning id`, [firm])).id!;
    await q(`insert into accounts (firm_id, file_id, number, label, kind) values ($1, $2, '60610000', 'Achats', 'general') returning id`, [
      firm,
      file,
    ]);
    await q(`insert into journals (firm_id, file_id, code, label, is_open) values ($1, $2, 'AC', 'Achats', true) returning id`, [
      firm,
      file,
    ]);
    await q(
      `insert into periods (firm_id, file_id, starts_on, ends_on, status) values ($1, $2, '2026-01-01', '2026-12-31', 'open') returning id`,
      [firm, file],
    );
    await q(`insert into reference_syncs (firm_id, trigger, status) values ($1, 'manual', 'succeeded') returning id`, [firm]);
    const doc = (
      await q(
        `insert into documents (firm_id, file_id, file_name, content_type, size_bytes, sha256, content, attachment_name) values ($1, $2, 'a.pdf', 'application/pdf', 4, 'h', '\\x25504446', '00000001.pdf') returning id`,
        [firm, file],
      )
    ).id!;
    const dep = (
      await q(`insert into deposits (firm_id, file_id, blob_name, status) values ($1, $2, $3, 'uploaded') returning id`, [
        firm,
        file,
        `D1/${crypto.randomUUID()}.zip`,
      ])
    ).id!;
    const entry = (
      await q(
        `insert into entries (firm_id, file_id, external_id, kind, journal_code, entry_date, label, quadra_ref, deposit_id, batch_deposit_id) values ($1, $2, 'ext-1', 'purchase', 'AC', '2026-03-01', 'Achat', $3, $4, $4) returning id`,
        [firm, file, `T${sic}`.slice(0, 10), dep],
      )
    ).id!;
    await tx.query(
      `insert into entry_lines (entry_id, line_no, firm_id, account, debit_cents, credit_cents) values ($1, 1, $2, '60610000', 100, 0), ($1, 2, $2, '40100000', 0, 100)`,
      [entry, firm],
    );
    await q(`insert into entry_documents (entry_id, document_id, firm_id) values ($1, $2, $3) returning entry_id`, [entry, doc, firm]);
    await q(`insert into attempts (firm_id, entry_id, deposit_id, kind, outcome) values ($1, $2, $3, 'send', 'sent') returning id`, [
      firm,
      entry,
      dep,
    ]);
    await q(
      `insert into account_maps (firm_id, file_id, hub_account, quadra_account) values ($1, $2, '6064000000', '60640000') returning hub_account`,
      [firm, file],
    );
    await q(
      `insert into idempotency_keys (firm_id, key, file_id, request_hash, status_code, response) values ($1, 'k1', $2, 'h', 202, '{}') returning key`,
      [firm, file],
    );
    const hook = (
      await q(
        `insert into webhook_endpoints (firm_id, url, secret_ciphertext, secret_key_id) values ($1, 'https://hub.example.com/events', 'x.y', 'k') returning id`,
        [firm],
      )
    ).id!;
    const ev = (
      await q(`insert into events (firm_id, type, object_id, data) values ($1, 'webhook.ping', $2, '{}') returning id`, [firm, hook])
    ).id!;
    const del = (
      await q(`insert into webhook_deliveries (firm_id, endpoint_id, event_id) values ($1, $2, $3) returning id`, [firm, hook, ev])
    ).id!;
    await q(`insert into webhook_attempts (firm_id, delivery_id, endpoint_id, duration_ms) values ($1, $2, $3, 1) returning id`, [
      firm,
      del,
      hook,
    ]);
    return firm;
  });
}
