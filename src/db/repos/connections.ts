// A firm's Cegid connection: the four codes, sealed (AES-256-GCM) before they reach the database,
// with the result of their last live check. Reads used by routes never select the ciphertext.
import { AppError } from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import type { Queryable } from '../database.ts';
import type { DbEnum, Row as TableRow } from '../rows.ts';
import { msg } from '../../i18n/index.ts';

export type ConnectionStatus = DbEnum<'connection_status'>;

export interface ConnectionCheck {
  name: 'cpa' | 'cfe';
  ok: boolean;
  code?: string;
  message?: string;
}

export interface ConnectionView {
  /** The outcome of the last check, as stored. */
  status: ConnectionStatus;
  /** USABLE_CONNECTION: whether the jobs may use the keys (checked fine AND the SIC code's claim verified). */
  usable: boolean;
  checks: ConnectionCheck[];
  cpaKeyHint: string;
  cfeKeyHint: string;
  checkedAt: Date;
}

export interface KeyPair {
  apiKey: string;
  secret: string;
}

/** What the user may see of a key: its last 4 characters. */
export const keyHint = (key: string) => `…${key.slice(-4)}`;

/**
 * A connection the jobs may use (connections `c` joined to firms `f`): its last check passed AND
 * the firm holds its SIC code's claim. The claim can be gone while the row still says connected
 * (keys refused later, the claim released, then the save of that refusal failed); using the keys
 * then could deposit for a SIC code the firm no longer proves, so both are required.
 */
export const USABLE_CONNECTION = `c.status = 'connected' and f.sic_verified_at is not null`;

type Row = Pick<TableRow<'connections'>, 'status' | 'cpa_key_hint' | 'cfe_key_hint' | 'checked_at'> & {
  checks: ConnectionCheck[];
  usable: boolean;
};
const toView = (r: Row): ConnectionView => ({
  status: r.status,
  usable: r.usable,
  checks: r.checks,
  cpaKeyHint: r.cpa_key_hint,
  cfeKeyHint: r.cfe_key_hint,
  checkedAt: r.checked_at,
});
// Connections `c` joined to firms `f`: what the user sees says whether the jobs may use the keys,
// by the jobs' own rule, so the hub never shows connected while the entries say not connected.
const VIEW_COLUMNS = `c.status, c.checks, c.cpa_key_hint, c.cfe_key_hint, c.checked_at, (${USABLE_CONNECTION}) as usable`;

export async function getConnection(tx: Queryable, firmId: string): Promise<ConnectionView | undefined> {
  const r = await tx.query<Row>(
    `select ${VIEW_COLUMNS} from public.connections c join public.firms f on f.id = c.firm_id where c.firm_id = $1`,
    [firmId],
  );
  return r.rows[0] && toView(r.rows[0]);
}

/** Seals the keys and stores them with the check's outcome (one row per firm, replaced). */
export async function saveConnection(
  tx: Queryable,
  secrets: SecretBox,
  c: { firmId: string; cpa: KeyPair; cfe: KeyPair; status: ConnectionStatus; checks: ConnectionCheck[]; checkedAt: Date },
): Promise<ConnectionView> {
  const sealed = await secrets.seal(JSON.stringify({ cpa: c.cpa, cfe: c.cfe }));
  const r = await tx.query<Row>(
    `with c as (
       insert into public.connections as k (firm_id, status, cpa_key_hint, cfe_key_hint, secrets_ciphertext, secrets_key_id, checks, checked_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $8)
       on conflict (firm_id) do update set
         status = excluded.status, cpa_key_hint = excluded.cpa_key_hint, cfe_key_hint = excluded.cfe_key_hint,
         secrets_ciphertext = excluded.secrets_ciphertext, secrets_key_id = excluded.secrets_key_id,
         checks = excluded.checks, checked_at = excluded.checked_at, updated_at = excluded.updated_at
       returning firm_id, status, checks, cpa_key_hint, cfe_key_hint, checked_at)
     select ${VIEW_COLUMNS} from c join public.firms f on f.id = c.firm_id`,
    [
      c.firmId,
      c.status,
      keyHint(c.cpa.apiKey),
      keyHint(c.cfe.apiKey),
      sealed.ciphertext,
      sealed.keyId,
      JSON.stringify(c.checks),
      c.checkedAt,
    ],
  );
  return toView(r.rows[0]!);
}

export const notConnected = () => new AppError('not_connected', msg('error.not_connected'));

export type SealedConnection = Pick<TableRow<'connections'>, 'status' | 'secrets_ciphertext' | 'secrets_key_id'> &
  Pick<TableRow<'firms'>, 'sic_code'> & {
    /** USABLE_CONNECTION: connected and the SIC code's claim verified. */
    usable: boolean;
  };

/** The firm's sealed keys and SIC code with whether the jobs may use them (for jobs, asService). */
export async function loadSealedConnection(tx: Queryable, firmId: string): Promise<SealedConnection | undefined> {
  const r = await tx.query<SealedConnection>(
    `select f.sic_code, c.status, c.secrets_ciphertext, c.secrets_key_id, (${USABLE_CONNECTION}) as usable
       from public.connections c join public.firms f on f.id = c.firm_id
      where c.firm_id = $1`,
    [firmId],
  );
  return r.rows[0];
}

/** Whether the jobs may use the firm's connection (USABLE_CONNECTION), without reading its keys. */
export async function connectionUsable(tx: Queryable, firmId: string): Promise<boolean> {
  const r = await tx.query<{ usable: boolean }>(
    `select exists (select 1 from public.connections c join public.firms f on f.id = c.firm_id
                     where c.firm_id = $1 and ${USABLE_CONNECTION}) as usable`,
    [firmId],
  );
  return r.rows[0]!.usable;
}
