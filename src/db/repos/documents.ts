// Supporting documents of a client file: stored once per content (sha256), named 8.3 for the zip.
import type { Queryable } from '../database.ts';
import type { Row } from '../rows.ts';

export type DocumentRow = Pick<Row<'documents'>, 'id' | 'file_name' | 'content_type' | 'size_bytes' | 'attachment_name'>;
const COLUMNS = 'id, file_name, content_type, size_bytes, attachment_name';

export async function findDocumentByContent(tx: Queryable, fileId: string, sha256: string): Promise<DocumentRow | undefined> {
  return (
    await tx.query<DocumentRow>(`select ${COLUMNS} from public.documents where file_id = $1 and sha256 = $2 limit 1`, [fileId, sha256])
  ).rows[0];
}

/** Stores a document under the next 8.3 name, the one it carries in the deposit zip and at position 182. */
export async function insertDocument(
  tx: Queryable,
  file: { id: string; firm_id: string },
  doc: { name: string; type: string; ext: string; sha256: string; bytes: Uint8Array },
): Promise<DocumentRow> {
  return (
    await tx.query<DocumentRow>(
      `insert into public.documents (firm_id, file_id, file_name, content_type, size_bytes, sha256, content, attachment_name)
     values ($1, $2, $3, $4, $5, $6, $7, lpad(nextval('public.document_seq')::text, 8, '0') || '.' || $8)
     returning ${COLUMNS}`,
      [file.firm_id, file.id, doc.name, doc.type, doc.bytes.length, doc.sha256, doc.bytes, doc.ext],
    )
  ).rows[0]!;
}
