import { describe, expect, it } from 'vitest';
import { today } from '../../src/domain/calendar.ts';

describe('today', () => {
  it("is the date in the firm's time zone, not the UTC date", () => {
    // 00:30 in Paris on 1 January is still 31 December in UTC.
    expect(today('Europe/Paris', new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(today('UTC', new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
    // Summer time: Paris is UTC+2.
    expect(today('Europe/Paris', new Date('2026-06-30T22:00:00Z'))).toBe('2026-07-01');
    expect(today('Europe/Paris', new Date('2026-06-30T21:59:59Z'))).toBe('2026-06-30');
  });
});
