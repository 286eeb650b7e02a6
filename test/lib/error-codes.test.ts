// The one list of error codes (src/lib/error-codes.ts) is the one the hub reads: in the OpenAPI
// document and in docs/errors.md, exactly. That every answered code is listed is checked by every
// HTTP test (test/support/context.ts) and the no-5xx property; that every AppError names a listed
// code, by the type checker (AppError takes an ErrorCode) and by the scan below for hand-built answers.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { ERROR_CODE_LIST, ERROR_CODES } from '../../src/lib/error-codes.ts';
import { AppError } from '../../src/lib/errors.ts';
import { createTestContext } from '../support/context.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('the list of error codes', () => {
  it('each code is snake_case, has a status and a sentence', () => {
    for (const c of ERROR_CODE_LIST) {
      expect(c).toMatch(/^[a-z]+(_[a-z0-9]+)*$/);
      expect(ERROR_CODES[c].status).toBeGreaterThanOrEqual(400);
      expect(ERROR_CODES[c].description).toMatch(/^[A-Z`].+\.$/);
    }
  });

  it('AppError takes its status from the list', () => {
    expect(new AppError('file_gone', 'x').status).toBe(409);
    expect(new AppError('validation_error', 'x').status).toBe(422);
  });

  it('docs/errors.md lists exactly these codes, with their status', () => {
    const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z_0-9]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual(ERROR_CODE_LIST.map((c) => [c, ERROR_CODES[c].status]));
  });

  it("the OpenAPI document lists exactly these codes, and each error response names its status's codes", async () => {
    const t = await createTestContext();
    try {
      const doc = (await (await createApp(t.services).request('/openapi.json')).json()) as any;
      expect(doc.components.schemas.ErrorCode.enum).toEqual(ERROR_CODE_LIST);
      expect(doc.components.schemas.Error.properties.error.properties.code.$ref).toBe('#/components/schemas/ErrorCode');
      const push = doc.paths['/v1/files/{fileId}/entries'].post.responses;
      expect(push['409'].description).toContain('idempotency_key_reused');
      expect(push['422'].description).toContain('validation_error');
    } finally {
      await t.close();
    }
  });

  it('no answer in src/ is built by hand with a code: they go through errorBody or AppError', () => {
    const files = readdirSync(join(ROOT, 'src'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts') && !f.startsWith('sim'));
    for (const f of files) {
      const text = readFileSync(join(ROOT, 'src', f), 'utf8');
      expect(text, f).not.toMatch(/\.json\(\s*\{\s*error:/);
    }
  });
});
