import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { nightlyJob } from '../../src/jobs/definitions.ts';
import { schedules, slotsBetween } from '../../src/jobs/schedules.ts';

const iso = (ds: Date[]) => ds.map((d) => d.toISOString());
const config = loadConfig({ NODE_ENV: 'test' });

describe('the schedules', () => {
  it('one list: sends every 10 min, nightly at 02:00, reference data at 01:30, sweep every 15 min, events each minute', () => {
    expect(schedules.map((s) => [s.key, s.cron(config)])).toEqual([
      ['auto-send', '*/10 * * * *'],
      ['nightly-verification', '0 2 * * *'],
      ['reference-nightly', '30 1 * * *'],
      ['sweep', '*/15 * * * *'],
      ['deliver-events', '* * * * *'],
    ]);
    expect(schedules.find((s) => s.key === 'nightly-verification')!.job).toBe(nightlyJob);
  });

  it('02:00 Paris in winter and summer', () => {
    expect(iso(slotsBetween('0 2 * * *', 'Europe/Paris', new Date('2027-01-10T00:00:00Z'), new Date('2027-01-11T00:00:00Z')))).toEqual([
      '2027-01-10T01:00:00.000Z',
    ]);
    expect(iso(slotsBetween('0 2 * * *', 'Europe/Paris', new Date('2027-07-09T12:00:00Z'), new Date('2027-07-10T12:00:00Z')))).toEqual([
      '2027-07-10T00:00:00.000Z',
    ]);
  });

  it('the spring change (02:00 does not exist): the night still fires once, right after the gap', () => {
    expect(iso(slotsBetween('0 2 * * *', 'Europe/Paris', new Date('2027-03-27T12:00:00Z'), new Date('2027-03-29T12:00:00Z')))).toEqual([
      '2027-03-28T01:00:00.000Z',
      '2027-03-29T00:00:00.000Z',
    ]);
  });

  it('the autumn change (02:00 happens twice): the night fires once', () => {
    expect(iso(slotsBetween('0 2 * * *', 'Europe/Paris', new Date('2027-10-30T12:00:00Z'), new Date('2027-11-01T12:00:00Z')))).toEqual([
      '2027-10-31T00:00:00.000Z',
      '2027-11-01T01:00:00.000Z',
    ]);
  });

  it('slots are in (after, upTo]: a tick exactly on a slot fires it, the next tick does not again', () => {
    const at = new Date('2027-01-10T09:10:00Z');
    expect(iso(slotsBetween('*/10 * * * *', 'Europe/Paris', new Date('2027-01-10T09:05:00Z'), at))).toEqual([at.toISOString()]);
    expect(slotsBetween('*/10 * * * *', 'Europe/Paris', at, new Date('2027-01-10T09:19:59Z'))).toEqual([]);
  });
});
