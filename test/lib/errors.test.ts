import { describe, expect, it } from 'vitest';
import { fromDatabaseError } from '../../src/lib/errors.ts';

describe('fromDatabaseError: what a request caused is a 4xx, a fault of ours stays a 500', () => {
  it.each(['22P02', '22007', '22008', '22009', '22003', '22021', '22P05', '22001'])(
    '%s (a value the request carried) is 422 invalid_value',
    (code) => {
      const e = fromDatabaseError({ code, message: 'invalid input syntax for type uuid: "select secret"' });
      expect(e?.status).toBe(422);
      expect(e?.code).toBe('invalid_value');
      expect(e?.message).not.toContain('select');
    },
  );

  // Division by zero, a bad parameter to a function, a bad regular expression, a JSON path
  // error...: our SQL is wrong, not the request. Answering 422 would blame the caller and hide
  // the fault from the error log (mapped errors are not logged).
  it.each(['22012', '22023', '2201B', '22004', '2202E', '22P04', '22000'])('%s (a fault of our SQL) is left to the 500 handler', (code) => {
    expect(fromDatabaseError({ code, message: 'division by zero' })).toBeUndefined();
  });

  it('54000 (too large for an index or a row) is 422 value_too_large', () => {
    expect(fromDatabaseError({ code: '54000' })?.code).toBe('value_too_large');
  });

  it.each([
    [{ code: '57P01', message: 'terminating connection due to administrator command' }],
    [{ code: '08006', message: 'connection failure' }],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
    [{ message: 'Connection terminated unexpectedly' }],
    [{ code: '53300', message: 'sorry, too many clients already' }],
  ])('a lost or refused database connection (%o) is 503 database_unavailable, never a 500', (err) => {
    const e = fromDatabaseError(err);
    expect(e?.status).toBe(503);
    expect(e?.code).toBe('database_unavailable');
    expect(e?.message).not.toMatch(/127\.0\.0\.1|administrator|clients/);
  });
});
