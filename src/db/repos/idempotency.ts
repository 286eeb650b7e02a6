// The answers of pushes, kept by Idempotency-Key per firm: a replay gets the first answer byte for
// byte; the same key with another request is refused by the pipeline (push.ts).
import type { Queryable } from '../database.ts';

export interface StoredAnswer {
  request_hash: string;
  status_code: number;
  response: string;
}

/** The answer stored for this key of the firm, if any. */
export async function idempotentAnswer(tx: Queryable, firmId: string, key: string): Promise<StoredAnswer | undefined> {
  return (
    await tx.query<StoredAnswer>(
      'select request_hash, status_code, response from public.idempotency_keys where firm_id = $1 and key = $2',
      [firmId, key],
    )
  ).rows[0];
}

export async function rememberAnswer(
  tx: Queryable,
  a: { firmId: string; key: string; fileId: string; requestHash: string; status: number; response: string },
): Promise<void> {
  await tx.query(
    'insert into public.idempotency_keys (firm_id, key, file_id, request_hash, status_code, response) values ($1, $2, $3, $4, $5, $6)',
    [a.firmId, a.key, a.fileId, a.requestHash, a.status, a.response],
  );
}
