// The account map of a client file (hub account -> Quadra account). Returns data; the rules about
// what a mapping may be live in src/domain/entries/account-map.ts and the pipeline.
import type { Queryable } from '../database.ts';
import type { Row } from '../rows.ts';

export type AccountMapRow = Pick<Row<'account_maps'>, 'hub_account' | 'quadra_account' | 'created_at' | 'updated_at'> & {
  /** Quadra's label of the target, null when Quadra does not have that account. */
  quadra_label: string | null;
};

const COLUMNS = `m.hub_account, m.quadra_account, m.created_at, m.updated_at,
  (select a.label from public.accounts a where a.file_id = m.file_id and a.number = m.quadra_account and a.gone_at is null) as quadra_label`;

export async function listAccountMap(tx: Queryable, fileId: string): Promise<AccountMapRow[]> {
  return (
    await tx.query<AccountMapRow>(`select ${COLUMNS} from public.account_maps m where m.file_id = $1 order by m.hub_account`, [fileId])
  ).rows;
}

/** The file's map as pairs, for the rules. */
export async function loadAccountMap(tx: Queryable, fileId: string): Promise<Map<string, string>> {
  const r = await tx.query<{ hub_account: string; quadra_account: string }>(
    'select hub_account, quadra_account from public.account_maps where file_id = $1',
    [fileId],
  );
  return new Map(r.rows.map((x) => [x.hub_account, x.quadra_account]));
}

export async function upsertAccountMapping(
  tx: Queryable,
  file: { id: string; firm_id: string },
  hub: string,
  quadra: string,
): Promise<{ row: AccountMapRow; created: boolean }> {
  const r = await tx.query<{ created: boolean }>(
    `insert into public.account_maps as m (firm_id, file_id, hub_account, quadra_account) values ($1, $2, $3, $4)
     on conflict (file_id, hub_account) do update set quadra_account = excluded.quadra_account, updated_at = now()
     returning (xmax = 0) as created`,
    [file.firm_id, file.id, hub, quadra],
  );
  const row = (
    await tx.query<AccountMapRow>(`select ${COLUMNS} from public.account_maps m where m.file_id = $1 and m.hub_account = $2`, [
      file.id,
      hub,
    ])
  ).rows[0]!;
  return { row, created: r.rows[0]!.created };
}

export async function deleteAccountMapping(tx: Queryable, fileId: string, hub: string): Promise<boolean> {
  return (await tx.query('delete from public.account_maps where file_id = $1 and hub_account = $2', [fileId, hub])).affectedRows > 0;
}
