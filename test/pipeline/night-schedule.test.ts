import { describe, expect, it } from 'vitest';
import { nextNight } from '../../src/domain/entries/lifecycle.ts';
import { nextNightlyRun } from '../../src/pipeline/night-schedule.ts';

describe('nextNightlyRun', () => {
  it('a daily schedule at the top of an hour is the next night at that hour', () => {
    const now = new Date('2026-11-29T10:00:00Z');
    expect(nextNightlyRun('0 2 * * *', 'Europe/Paris', now)).toEqual(nextNight(now, 2, 'Europe/Paris'));
    expect(nextNightlyRun('0 2 * * *', 'Europe/Paris', now).toISOString()).toBe('2026-11-30T01:00:00.000Z');
  });

  it("keeps nextNight's daylight-saving answers (the hour skipped in March)", () => {
    const now = new Date('2026-03-28T12:00:00Z');
    expect(nextNightlyRun('0 2 * * *', 'Europe/Paris', now)).toEqual(nextNight(now, 2, 'Europe/Paris'));
  });

  it('any other schedule: its next run strictly after now', () => {
    expect(nextNightlyRun('*/3 * * * *', 'Europe/Paris', new Date('2026-11-29T10:01:30Z')).toISOString()).toBe('2026-11-29T10:03:00.000Z');
    expect(nextNightlyRun('*/3 * * * *', 'Europe/Paris', new Date('2026-11-29T10:03:00Z')).toISOString()).toBe('2026-11-29T10:06:00.000Z');
    expect(nextNightlyRun('30 1 * * *', 'Europe/Paris', new Date('2026-11-29T10:00:00Z')).toISOString()).toBe('2026-11-30T00:30:00.000Z');
  });
});
