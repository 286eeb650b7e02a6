import type { Queryable } from '../database.ts';
import type { DbEnum, Row } from '../rows.ts';

export type FirmRow = Pick<Row<'firms'>, 'id' | 'name' | 'sic_code' | 'created_at'> & { role: DbEnum<'member_role'> };

export async function createFirm(tx: Queryable, name: string, sicCode: string): Promise<string> {
  const r = await tx.query<{ id: string }>('select private.create_firm($1, $2) as id', [name, sicCode]);
  return r.rows[0]!.id;
}

/** The caller's firms with the caller's role (RLS limits firms to the caller's own). */
export async function listMyFirms(tx: Queryable, userId: string): Promise<FirmRow[]> {
  const r = await tx.query<FirmRow>(
    `select f.id, f.name, f.sic_code, m.role, f.created_at
       from public.firms f join public.firm_members m on m.firm_id = f.id and m.user_id = $1
      order by f.created_at, f.id`,
    [userId],
  );
  return r.rows;
}

export async function getMyFirm(tx: Queryable, userId: string, firmId: string): Promise<FirmRow | undefined> {
  const r = await tx.query<FirmRow>(
    `select f.id, f.name, f.sic_code, m.role, f.created_at
       from public.firms f join public.firm_members m on m.firm_id = f.id and m.user_id = $1
      where f.id = $2`,
    [userId, firmId],
  );
  return r.rows[0];
}

/**
 * The caller's role in the firm that owns a client file; undefined when the file is not one of
 * the caller's firms' (RLS hides it, as it hides a file that does not exist).
 */
export async function myRoleForFile(tx: Queryable, userId: string, fileId: string): Promise<DbEnum<'member_role'> | undefined> {
  const r = await tx.query<{ role: DbEnum<'member_role'> }>(
    `select m.role from public.client_files f join public.firm_members m on m.firm_id = f.firm_id and m.user_id = $1
      where f.id = $2`,
    [userId, fileId],
  );
  return r.rows[0]?.role;
}

/**
 * Claims the firm's SIC code once Cegid has accepted its keys for it (service role: users cannot
 * set the claim). Fails with 23505 on firms_verified_sic_code_key when another firm already
 * proved the same code.
 */
export async function claimSicCode(tx: Queryable, firmId: string, at: Date): Promise<void> {
  await tx.query('update public.firms set sic_verified_at = coalesce(sic_verified_at, $2) where id = $1', [firmId, at]);
}

/** Cegid refused the firm's keys: the firm no longer proves its SIC code, another may. */
export async function releaseSicCode(tx: Queryable, firmId: string): Promise<void> {
  await tx.query('update public.firms set sic_verified_at = null where id = $1 and sic_verified_at is not null', [firmId]);
}
