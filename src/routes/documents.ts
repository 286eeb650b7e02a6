import { createHash } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { findDocumentByContent, insertDocument } from '../db/repos/documents.ts';
import { getFile } from '../db/repos/entries.ts';
import { asUser } from '../db/scoped.ts';
import { AppError, notFound, unprocessable } from '../lib/errors.ts';
import { foldControls } from '../lib/text.ts';
import type { Services } from '../services.ts';
import { errorResponses, FileParams, json } from './schemas/common.ts';
import { DocumentSchema } from './schemas/entries.ts';
import { router } from './env.ts';
import { msg } from '../i18n/index.ts';

// The type is read from the content, not from what the client claims.
const SIGNATURES: Array<{ type: 'application/pdf' | 'image/jpeg' | 'image/png'; ext: string; magic: number[] }> = [
  { type: 'application/pdf', ext: 'pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/jpeg', ext: 'jpg', magic: [0xff, 0xd8, 0xff] },
  { type: 'image/png', ext: 'png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
];

export function sniffDocument(bytes: Uint8Array) {
  return SIGNATURES.find((s) => s.magic.every((b, i) => bytes[i] === b));
}

const UploadForm = z.object({ file: z.any().openapi({ type: 'string', format: 'binary', description: 'A PDF, JPEG or PNG' }) });

export function documentRoutes(s: Services) {
  return router().openapi(
    createRoute({
      method: 'post',
      path: '/v1/files/{fileId}/documents',
      tags: ['documents'],
      summary: 'Upload a supporting document (PDF, JPEG or PNG; type checked by content)',
      description: 'Multipart form with one `file` field. The same content uploaded twice to a file returns the same document.',
      request: { params: FileParams, body: { required: true, content: { 'multipart/form-data': { schema: UploadForm } } } },
      responses: { 201: json(DocumentSchema, 'Stored'), 200: json(DocumentSchema, 'Already stored'), ...errorResponses },
    }),
    async (c) => {
      const { fileId } = c.req.valid('param');
      const form = await c.req.parseBody().catch(() => {
        throw new AppError('invalid_form', msg('error.invalid_form'));
      });
      const file = form.file;
      if (!(file instanceof File))
        throw unprocessable('validation_error', msg('error.no_file_field'), {
          issues: [{ path: 'file', message: 'required' }],
        });
      if (file.size > s.config.DOCUMENT_MAX_BYTES)
        throw new AppError('document_too_large', msg('error.document_too_large', { limit: s.config.DOCUMENT_MAX_BYTES }));
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (bytes.length === 0) throw unprocessable('empty_document', msg('error.empty_document'));
      const kind = sniffDocument(bytes);
      if (!kind) throw new AppError('unsupported_document_type', msg('error.unsupported_document'));
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      // Shown back as is and never written to Quadra (which gets the 8.3 attachment name): control
      // characters are replaced rather than refused, so an odd name never stops an upload.
      const name = foldControls(file.name || `document.${kind.ext}`).slice(0, 255);

      const out = await asUser(s.db, c.get('user'), async (tx) => {
        const f = await getFile(tx, fileId);
        if (!f) throw notFound('File');
        const existing = await findDocumentByContent(tx, fileId, sha256);
        if (existing) return { created: false, row: existing };
        return { created: true, row: await insertDocument(tx, f, { name, type: kind.type, ext: kind.ext, sha256, bytes }) };
      });
      const r = out.row;
      return c.json(
        {
          documentId: r.id,
          fileName: r.file_name,
          contentType: r.content_type,
          sizeBytes: r.size_bytes,
          sha256,
          attachmentName: r.attachment_name,
        },
        out.created ? 201 : 200,
      );
    },
  );
}
