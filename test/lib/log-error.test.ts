import { describe, expect, it } from 'vitest';
import { logError } from '../../src/lib/log-error.ts';

describe('logError: one shape for an error in a log line', () => {
  it("keeps the name and the message, not the error's own fields", () => {
    const err = Object.assign(new TypeError('bad'), { params: ['secret-value'] });
    expect(logError(err)).toEqual({ name: 'TypeError', message: 'bad' });
  });
  it('adds the stack only when asked', () => {
    expect(logError(new Error('x'), { stack: true }).stack).toContain('Error: x');
  });
  it('a thrown non-error is named by its type', () => {
    expect(logError('boom')).toEqual({ name: 'string', message: 'boom' });
  });
});
