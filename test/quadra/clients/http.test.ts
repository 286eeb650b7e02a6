import { describe, expect, it } from 'vitest';
import { CegidError, redact } from '../../../src/quadra/errors.ts';
import { backoff, parseRetryAfter } from '../../../src/quadra/http.ts';

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    expect(parseRetryAfter('1.5')).toBe(1500);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2025-03-01T10:00:00Z');
    expect(parseRetryAfter('Sat, 01 Mar 2025 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 09:59:00 GMT', now)).toBe(0); // past: no wait
  });

  it('ignores absent or unparseable values', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('backoff', () => {
  it('doubles per attempt, stays within [half, full] and under the cap', () => {
    expect(backoff(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoff(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoff(3, 100, 10_000, () => 1)).toBe(400);
    expect(backoff(20, 100, 1_000, () => 1)).toBe(1_000);
    for (let i = 0; i < 50; i++) {
      const d = backoff(2, 100, 10_000);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(200);
    }
  });
});

describe('redact', () => {
  it('removes given secrets, bearer tokens and SAS signatures', () => {
    const text =
      'failed for my-secret-value with Authorization: Bearer abc.def-ghi at http://x/c?sv=2024&se=2025&sig=AbC%2Bd%3D&sp=r, client_secret=zzz';
    const out = redact(text, ['my-secret-value']);
    expect(out).not.toContain('my-secret-value');
    expect(out).not.toContain('abc.def-ghi');
    expect(out).not.toContain('AbC%2Bd%3D');
    expect(out).not.toContain('zzz');
  });
});

describe('CegidError', () => {
  it('gives plain-words remedies and user errors per code', () => {
    const e = new CegidError({ service: 'cfe', status: 404, code: 'ContainerNotFoundInSicSettings', message: 'x' });
    expect(e.retryable).toBe(false);
    expect(e.remedy).toContain('Regenerate the CFE API key in Cegid Life');
    expect(e.remedy).toContain('Tools > API Keys > Cegid File Exchange');
    expect(e.toUserError()).toEqual({
      code: 'ContainerNotFoundInSicSettings',
      message: expect.stringContaining('Administration > User Management > API Keys'),
    });

    const forbidden = new CegidError({ service: 'cpa', status: 403, code: 'Forbidden', message: 'x' });
    expect(forbidden.remedy).toContain('Cegid Collaborative Portal');
    expect(forbidden.remedy).toContain('Cegid sales representative');

    const timeout = new CegidError({ service: 'cpa', code: 'Timeout', message: 'x' });
    expect(timeout.retryable).toBe(true);
    expect(timeout.remedy).toContain('nothing was changed');
  });

  it('serialises only its own safe fields', () => {
    const e = new CegidError({
      service: 'cpa',
      status: 401,
      code: 'Unauthorized',
      message: 'bad key k-123456 secret s-abcdef',
      secrets: ['k-123456', 's-abcdef'],
    });
    const json = JSON.stringify(e);
    expect(json).not.toContain('k-123456');
    expect(json).not.toContain('s-abcdef');
    expect(JSON.parse(json)).toMatchObject({ name: 'CegidError', service: 'cpa', status: 401, code: 'Unauthorized', retryable: false });
  });
});
