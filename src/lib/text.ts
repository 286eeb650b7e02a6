// Text the API accepts. Postgres text cannot hold NUL (U+0000), so a NUL anywhere in a request is
// refused up front with the field it sits in, instead of failing in the database. Other control
// characters are decided per field where the schema is declared (see routes/schemas/common.ts).

export const NUL = '\u0000';

/** C0 and C1 control characters (tab, line breaks and NUL included). */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Half of a UTF-16 surrogate pair standing alone (JSON allows `\ud800`): not a character, so it
 * cannot be stored as UTF-8 text nor written in Windows-1252.
 */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface TextIssue {
  path: string;
  message: string;
  code: 'nul_character' | 'unpaired_surrogate';
}

const LONE_SURROGATE_MESSAGE = 'Text cannot contain half of a surrogate pair (e.g. \\ud800 alone): it is not a character';

/**
 * The paths (`entries.0.lines.1.label`) of every string or object key holding a NUL or a lone surrogate, at most
 * `limit` of them. Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function findNul(value: unknown, limit = 20): TextIssue[] {
  const issues: TextIssue[] = [];
  const stack: Array<{ v: unknown; path: string }> = [{ v: value, path: '' }];
  const at = (path: string, key: string) => (path ? `${path}.${key}` : key);
  while (stack.length && issues.length < limit) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes(NUL))
        issues.push({ path: path || '(body)', code: 'nul_character', message: 'Text cannot contain the NUL character (\\u0000)' });
      else if (LONE_SURROGATE.test(v)) issues.push({ path: path || '(body)', code: 'unpaired_surrogate', message: LONE_SURROGATE_MESSAGE });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: at(path, String(i)) });
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        if (k.includes(NUL)) {
          issues.push({
            path: at(path, k.replaceAll(NUL, '\\u0000')),
            code: 'nul_character',
            message: 'A field name cannot contain the NUL character (\\u0000)',
          });
        } else if (LONE_SURROGATE.test(k)) {
          issues.push({
            path: at(path, k.replace(new RegExp(LONE_SURROGATE.source, 'g'), '?')),
            code: 'unpaired_surrogate',
            message: LONE_SURROGATE_MESSAGE,
          });
        } else stack.push({ v: (v as Record<string, unknown>)[k], path: at(path, k) });
      }
    }
  }
  return issues;
}

/** A display-only text (an uploaded file's name): control characters become `_`. */
export const foldControls = (text: string) => text.replace(new RegExp(CONTROL_CHARACTERS.source, 'g'), '_');
