import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FAILED_CHECK_MESSAGE,
  DEFAULT_NIGHTLY_ATTEMPTS,
  decideAfterNights,
  nextNight,
  nightAction,
  notFoundOnNightDetail,
  resendReferenceHoldMessage,
  resentWording,
  zonedTime,
} from '../../src/domain/entries/lifecycle.ts';
import { loadConfig } from '../../src/config.ts';

// ---------------------------------------------------------------------------------------------
// Wall-clock helpers, independent of the code under test
// ---------------------------------------------------------------------------------------------

const PARIS = 'Europe/Paris' as const;
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface Wall {
  date: string;
  h: number;
  min: number;
  s: number;
}
/** What a wall clock in `timeZone` shows at instant `t`. */
function wall(t: Date | number, timeZone: string = PARIS): Wall {
  const parts = formatter(timeZone).formatToParts(typeof t === 'number' ? new Date(t) : t);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    h: Number(get('hour')),
    min: Number(get('minute')),
    s: Number(get('second')),
  };
}
const at = (iso: string): Date => new Date(iso);
const iso = (d: Date): string => d.toISOString();
const HOUR = 3_600_000;

/** y-m-d shifted by `days` calendar days. */
function addDays(date: string, days: number): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

/**
 * Whether `t` is a sane instant for "`hour`:00 on local date `date`": the wall clock shows
 * exactly hour:00:00 that day, or (the day the clocks jump over hour:00) t is the first instant
 * after the jump: one millisecond earlier the clock showed a time before hour:00 of that day.
 */
function isNightOf(t: Date, date: string, hour: number, timeZone: string): boolean {
  const w = wall(t, timeZone);
  if (w.date !== date) return false;
  if (w.h === hour && w.min === 0 && w.s === 0) return true;
  const before = wall(t.getTime() - 1, timeZone);
  return before.date === date && before.h < hour && w.h > hour && w.min === 0 && w.s === 0;
}

// ---------------------------------------------------------------------------------------------
// Messages and constants
// ---------------------------------------------------------------------------------------------

describe('constants', () => {
  it("FAILED_CHECK_MESSAGE is the brief's sentence, verbatim", () => {
    expect(FAILED_CHECK_MESSAGE).toBe('A problem seems to have occurred during the synchronization of this entry. Please verify.');
  });

  it("three nights by default (the brief's), and the configuration's default is that one", () => {
    expect(DEFAULT_NIGHTLY_ATTEMPTS).toBe(3);
    expect(loadConfig({}).NIGHTLY_ATTEMPTS).toBe(3);
    expect(loadConfig({ NIGHTLY_ATTEMPTS: '5' }).NIGHTLY_ATTEMPTS).toBe(5);
    expect(() => loadConfig({ NIGHTLY_ATTEMPTS: '0' })).toThrow(/NIGHTLY_ATTEMPTS/);
  });

  it('the messages say the configured number of nights', () => {
    expect(notFoundOnNightDetail(2, 5)).toBe('Not found in Quadra on night 2 of 5: sent again');
    expect(resendReferenceHoldMessage(3)).toContain('held on the third,');
    expect(resendReferenceHoldMessage(5)).toContain('held on the fifth,');
    expect(resentWording(5).onNight).toContain('on night {night} of 5.');
  });
});

// ---------------------------------------------------------------------------------------------
// nightAction
// ---------------------------------------------------------------------------------------------

describe('nightAction', () => {
  it('nights 1 and 2 (0 or 1 tried before) re-send', () => {
    expect(nightAction(0, 3)).toBe('resend');
    expect(nightAction(1, 3)).toBe('resend');
  });

  it('night 3 (2 tried before) decides, and so does any later night', () => {
    expect(nightAction(2, 3)).toBe('decide');
    expect(nightAction(3, 3)).toBe('decide');
    expect(nightAction(4, 3)).toBe('decide');
    expect(nightAction(100, 3)).toBe('decide');
  });

  it('with 5 nights, nights 1 to 4 re-send and night 5 decides', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => nightAction(n, 5))).toEqual(['resend', 'resend', 'resend', 'resend', 'decide', 'decide']);
  });

  it('is monotonic: once it decides, it always decides', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), fc.integer({ min: 1, max: 30 }), (n, nights) => {
        expect(nightAction(n, nights)).toBe(n < nights - 1 ? 'resend' : 'decide');
        if (nightAction(n, nights) === 'decide') expect(nightAction(n + 1, nights)).toBe('decide');
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// decideAfterNights
// ---------------------------------------------------------------------------------------------

describe('decideAfterNights', () => {
  it('an entry of the same batch was posted → failed_check', () => {
    expect(decideAfterNights(5, [5])).toBe('failed_check');
  });

  it('an entry of a later batch was posted → failed_check', () => {
    expect(decideAfterNights(5, [6])).toBe('failed_check');
    expect(decideAfterNights(5, [1, 2, 9])).toBe('failed_check');
  });

  it('only earlier batches were posted → file_waiting', () => {
    expect(decideAfterNights(5, [4])).toBe('file_waiting');
    expect(decideAfterNights(5, [1, 2, 3, 4])).toBe('file_waiting');
  });

  it('nothing of the file was posted → file_waiting', () => {
    expect(decideAfterNights(5, [])).toBe('file_waiting');
    expect(decideAfterNights(1, new Set<number>())).toBe('file_waiting');
  });

  it('the first batch: any posted batch counts', () => {
    expect(decideAfterNights(1, [1])).toBe('failed_check');
    expect(decideAfterNights(1, [3])).toBe('failed_check');
  });

  it('accepts any iterable, including a generator', () => {
    function* seqs(): Generator<number> {
      yield 1;
      yield 7;
    }
    expect(decideAfterNights(7, seqs())).toBe('failed_check');
    expect(decideAfterNights(8, new Set([1, 7]))).toBe('file_waiting');
  });

  it("property: failed_check exactly when some posted seq is >= the entry's", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.array(fc.integer({ min: 1, max: 1_000 }), { maxLength: 20 }), (seq, posted) => {
        expect(decideAfterNights(seq, posted)).toBe(posted.some((p) => p >= seq) ? 'failed_check' : 'file_waiting');
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// nextNight: Europe/Paris at 02:00 (the defaults)
// ---------------------------------------------------------------------------------------------

describe('nextNight: defaults (02:00 Europe/Paris)', () => {
  it('winter: 02:00 CET is 01:00Z, the next day when the night has passed', () => {
    expect(iso(nextNight(at('2026-01-15T12:00:00Z')))).toBe('2026-01-16T01:00:00.000Z');
  });

  it('winter: later the same night when it is not yet 02:00 local', () => {
    expect(iso(nextNight(at('2026-01-15T00:30:00Z')))).toBe('2026-01-15T01:00:00.000Z'); // 01:30 local
    expect(iso(nextNight(at('2026-01-14T23:30:00Z')))).toBe('2026-01-15T01:00:00.000Z'); // 00:30 local, UTC still the 14th
  });

  it('summer: 02:00 CEST is 00:00Z', () => {
    expect(iso(nextNight(at('2026-07-10T12:00:00Z')))).toBe('2026-07-11T00:00:00.000Z');
    expect(iso(nextNight(at('2026-07-10T22:30:00Z')))).toBe('2026-07-11T00:00:00.000Z'); // 00:30 local on the 11th
    expect(iso(nextNight(at('2026-07-10T23:59:59.999Z')))).toBe('2026-07-11T00:00:00.000Z');
  });

  it('exactly at 02:00 local → the next day (strictly after now)', () => {
    expect(iso(nextNight(at('2026-01-15T01:00:00Z')))).toBe('2026-01-16T01:00:00.000Z');
    expect(iso(nextNight(at('2026-07-11T00:00:00Z')))).toBe('2026-07-12T00:00:00.000Z');
  });

  it('one millisecond before 02:00 local → that very 02:00; one after → the next day', () => {
    expect(iso(nextNight(at('2026-01-15T00:59:59.999Z')))).toBe('2026-01-15T01:00:00.000Z');
    expect(iso(nextNight(at('2026-01-15T01:00:00.001Z')))).toBe('2026-01-16T01:00:00.000Z');
  });

  it('across the end of a month, of a year, and on a leap day', () => {
    expect(iso(nextNight(at('2026-01-31T12:00:00Z')))).toBe('2026-02-01T01:00:00.000Z');
    expect(iso(nextNight(at('2026-12-31T12:00:00Z')))).toBe('2027-01-01T01:00:00.000Z');
    expect(iso(nextNight(at('2028-02-28T12:00:00Z')))).toBe('2028-02-29T01:00:00.000Z');
    expect(iso(nextNight(at('2027-02-28T12:00:00Z')))).toBe('2027-03-01T01:00:00.000Z');
  });

  it('does not mutate now', () => {
    const now = at('2026-01-15T12:00:00Z');
    nextNight(now);
    expect(iso(now)).toBe('2026-01-15T12:00:00.000Z');
  });
});

describe('nextNight: daylight-saving changes in Paris (2026)', () => {
  describe('spring forward, 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z, so 02:00 local does not exist', () => {
    it('the night of the change is the first valid instant after the gap: 01:00Z, which reads 03:00 local', () => {
      const now = at('2026-03-28T12:00:00Z');
      const night = nextNight(now);
      expect(iso(night)).toBe('2026-03-29T01:00:00.000Z');
      // Sane: a single instant, within that local day, after now, right after the jump.
      expect(night.getTime()).toBeGreaterThan(now.getTime());
      expect(wall(night)).toEqual({ date: '2026-03-29', h: 3, min: 0, s: 0 });
      expect(wall(night.getTime() - 1)).toMatchObject({ date: '2026-03-29', h: 1, min: 59, s: 59 });
      expect(iso(zonedTime(2026, 3, 29, 2, PARIS))).toBe('2026-03-29T01:00:00.000Z');
    });

    it('from 01:30 local that night (before the jump) → the same instant', () => {
      expect(iso(nextNight(at('2026-03-29T00:30:00Z')))).toBe('2026-03-29T01:00:00.000Z');
      expect(iso(nextNight(at('2026-03-29T00:59:59.999Z')))).toBe('2026-03-29T01:00:00.000Z');
    });

    it('from the jump itself → 02:00 CEST the next day (00:00Z)', () => {
      expect(iso(nextNight(at('2026-03-29T01:00:00Z')))).toBe('2026-03-30T00:00:00.000Z');
    });

    it('from the evening before, 23:00-23:59 CET on 2026-03-28 → still the night of 2026-03-29', () => {
      // 22:30Z is 23:30 CET on the 28th. The night of the 29th (01:00Z, 2.5 hours later) must not be skipped.
      for (const now of ['2026-03-28T22:00:00Z', '2026-03-28T22:30:00Z', '2026-03-28T22:59:59Z']) {
        expect({ now, night: iso(nextNight(at(now))) }).toEqual({ now, night: '2026-03-29T01:00:00.000Z' });
      }
    });

    it('from 22:59 CET and from 00:00 CET on either side of that hour → the night of 2026-03-29', () => {
      expect(iso(nextNight(at('2026-03-28T21:59:00Z')))).toBe('2026-03-29T01:00:00.000Z');
      expect(iso(nextNight(at('2026-03-28T23:00:00Z')))).toBe('2026-03-29T01:00:00.000Z');
    });
  });

  describe('fall back, 2026-10-25: 03:00 CEST goes back to 02:00 CET at 01:00Z, so 02:00 local happens twice', () => {
    it('the night of the change is at 02:00 local: one single instant, the second 02:00 (01:00Z)', () => {
      const now = at('2026-10-24T12:00:00Z');
      const night = nextNight(now);
      expect(iso(night)).toBe('2026-10-25T01:00:00.000Z');
      expect(wall(night)).toEqual({ date: '2026-10-25', h: 2, min: 0, s: 0 });
      expect(iso(zonedTime(2026, 10, 25, 2, PARIS))).toBe('2026-10-25T01:00:00.000Z');
    });

    it('from just after midnight and from 01:30 CEST that night → the same instant', () => {
      expect(iso(nextNight(at('2026-10-24T22:30:00Z')))).toBe('2026-10-25T01:00:00.000Z');
      expect(iso(nextNight(at('2026-10-24T23:30:00Z')))).toBe('2026-10-25T01:00:00.000Z');
    });

    it('from the first 02:00 and 02:30 (CEST) → the second 02:00 (CET), still that night, after now', () => {
      expect(iso(nextNight(at('2026-10-25T00:00:00Z')))).toBe('2026-10-25T01:00:00.000Z');
      expect(iso(nextNight(at('2026-10-25T00:30:00Z')))).toBe('2026-10-25T01:00:00.000Z');
    });

    it('from the night itself → 02:00 CET the next day (01:00Z)', () => {
      expect(iso(nextNight(at('2026-10-25T01:00:00Z')))).toBe('2026-10-26T01:00:00.000Z');
    });

    it('from the evening before (23:30 CEST on the 24th) → the night of the 25th', () => {
      expect(iso(nextNight(at('2026-10-24T21:30:00Z')))).toBe('2026-10-25T01:00:00.000Z');
    });
  });

  it('chaining nextNight through two years gives one night per local day, at 02:00 (03:00 the spring-forward night)', () => {
    let t = at('2025-12-31T12:00:00Z');
    let [y, m, d] = [2026, 1, 1];
    for (let i = 0; i < 730; i++) {
      t = nextNight(t);
      const expected = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      expect(isNightOf(t, expected, 2, PARIS), `${iso(t)} should be the night of ${expected}`).toBe(true);
      [y, m, d] = addDays(expected, 1);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// nextNight: other hours and time zones
// ---------------------------------------------------------------------------------------------

describe('nextNight: other hours and time zones', () => {
  const noon = at('2026-01-15T12:00:00Z');

  it('other hours in Paris', () => {
    expect(iso(nextNight(noon, 0))).toBe('2026-01-15T23:00:00.000Z'); // 00:00 CET on the 16th
    expect(iso(nextNight(noon, 23))).toBe('2026-01-15T22:00:00.000Z');
    expect(iso(nextNight(noon, 13))).toBe('2026-01-16T12:00:00.000Z'); // 13:00 local is exactly now
    expect(iso(nextNight(noon, 14))).toBe('2026-01-15T13:00:00.000Z');
    expect(iso(nextNight(at('2026-07-15T12:00:00Z'), 4))).toBe('2026-07-16T02:00:00.000Z');
  });

  it('UTC', () => {
    expect(iso(nextNight(noon, 2, 'UTC'))).toBe('2026-01-16T02:00:00.000Z');
    expect(iso(nextNight(at('2026-01-16T02:00:00Z'), 2, 'UTC'))).toBe('2026-01-17T02:00:00.000Z');
  });

  it('east of UTC, without daylight saving: Tokyo (+9) and Kolkata (+5:30)', () => {
    expect(iso(nextNight(noon, 2, 'Asia/Tokyo'))).toBe('2026-01-15T17:00:00.000Z');
    expect(iso(nextNight(noon, 2, 'Asia/Kolkata'))).toBe('2026-01-15T20:30:00.000Z');
    expect(iso(nextNight(at('2026-01-15T20:30:00Z'), 2, 'Asia/Kolkata'))).toBe('2026-01-16T20:30:00.000Z');
  });

  it('west of UTC: New York in winter (-5) and summer (-4)', () => {
    expect(iso(nextNight(noon, 2, 'America/New_York'))).toBe('2026-01-16T07:00:00.000Z');
    expect(iso(nextNight(at('2026-07-15T12:00:00Z'), 2, 'America/New_York'))).toBe('2026-07-16T06:00:00.000Z');
    // 23:00 local on the 15th is already the 16th in UTC.
    expect(iso(nextNight(at('2026-01-16T04:00:00Z'), 2, 'America/New_York'))).toBe('2026-01-16T07:00:00.000Z');
  });

  it('southern hemisphere: Sydney in January (+11, summer time) and July (+10)', () => {
    expect(iso(nextNight(noon, 2, 'Australia/Sydney'))).toBe('2026-01-15T15:00:00.000Z');
    expect(iso(nextNight(at('2026-07-15T12:00:00Z'), 2, 'Australia/Sydney'))).toBe('2026-07-15T16:00:00.000Z');
  });

  it('Sydney springs forward on 2026-10-04 (02:00 → 03:00): the night is the first instant after the jump', () => {
    const night = nextNight(at('2026-10-03T12:00:00Z'), 2, 'Australia/Sydney');
    expect(iso(night)).toBe('2026-10-03T16:00:00.000Z');
    expect(wall(night, 'Australia/Sydney')).toEqual({ date: '2026-10-04', h: 3, min: 0, s: 0 });
  });

  it('New York springs forward on 2026-03-08 (02:00 EST → 03:00 EDT at 07:00Z): "02:00" that day is the first instant after the jump, as in Paris', () => {
    const night = zonedTime(2026, 3, 8, 2, 'America/New_York');
    // Not 06:00Z, which reads 01:00 EST: an hour BEFORE the requested time.
    expect(iso(night)).toBe('2026-03-08T07:00:00.000Z');
  });

  it('New York, 01:30 EST on 2026-03-08 → the night of that same day, not the next one', () => {
    const now = at('2026-03-08T06:30:00Z');
    const night = nextNight(now, 2, 'America/New_York');
    expect(night.getTime()).toBeGreaterThan(now.getTime());
    expect(wall(night, 'America/New_York').date).toBe('2026-03-08');
    expect(iso(night)).toBe('2026-03-08T07:00:00.000Z');
  });
});

// ---------------------------------------------------------------------------------------------
// zonedTime and nextNight: sweeps and properties
// ---------------------------------------------------------------------------------------------

const ZONES = ['Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'Asia/Tokyo', 'UTC'] as const;

describe('zonedTime (sweep)', () => {
  it('Paris, every hour of every day of 2026: the wall clock shows that hour that day, or the first instant after the spring jump', () => {
    const bad: string[] = [];
    for (let i = 0; i < 365; i++) {
      const [y, m, d] = addDays('2026-01-01', i);
      const date = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      for (let hour = 0; hour < 24; hour++) {
        const t = zonedTime(y, m, d, hour, PARIS);
        if (!isNightOf(t, date, hour, PARIS)) bad.push(`${date} ${hour}:00 -> ${iso(t)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('every zone, 02:00 of every day of 2024-2028: the wall clock shows 02:00 that day, or the first instant after a jump over it', () => {
    const bad: string[] = [];
    for (const zone of ZONES) {
      for (let i = 0; i < 1_827; i++) {
        const [y, m, d] = addDays('2024-01-01', i);
        const date = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const t = zonedTime(y, m, d, 2, zone);
        if (!isNightOf(t, date, 2, zone)) bad.push(`${zone} ${date} 02:00 -> ${iso(t)} (reads ${JSON.stringify(wall(t, zone))})`);
      }
    }
    expect(bad).toEqual([]);
  });
});

/**
 * Model of nextNight: the earliest of zonedTime(day) over the local days around now that comes
 * after now (zonedTime itself is checked by the sweeps above).
 */
function veryNextNight(n: Date, hour: number, zone: string): number {
  const today = wall(n, zone).date;
  const candidates = [-1, 0, 1, 2]
    .map((k) => addDays(today, k))
    .map(([y, m, d]) => zonedTime(y, m, d, hour, zone).getTime())
    .filter((t) => t > n.getTime());
  return Math.min(...candidates);
}

describe('nextNight (properties)', () => {
  // DST changes of 2025-2026 per zone; instants around them are where nextNight can go wrong.
  const TRANSITIONS: Record<(typeof ZONES)[number], string[]> = {
    'Europe/Paris': ['2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z', '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z'],
    'America/New_York': ['2025-03-09T07:00:00Z', '2025-11-02T06:00:00Z', '2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z'],
    'Australia/Sydney': ['2025-04-05T16:00:00Z', '2025-10-04T16:00:00Z', '2026-04-04T16:00:00Z', '2026-10-03T16:00:00Z'],
    // No daylight saving: any of the above will do.
    'Asia/Kolkata': ['2026-03-29T01:00:00Z', '2026-10-03T16:00:00Z'],
    'Asia/Tokyo': ['2026-03-08T07:00:00Z', '2026-10-25T01:00:00Z'],
    UTC: ['2026-03-29T01:00:00Z', '2026-11-01T06:00:00Z'],
  };
  // Minutes within ±26 hours of a change, plus a few milliseconds to hit exact boundaries.
  const near = (zone: (typeof ZONES)[number]) =>
    fc
      .tuple(
        fc.constantFrom(...TRANSITIONS[zone].map((s) => Date.parse(s))),
        fc.integer({ min: -26 * 60, max: 26 * 60 }),
        fc.constantFrom(0, 1, 59_999),
      )
      .map(([t, minutes, ms]) => new Date(t + minutes * 60_000 + ms));
  const anyInstant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true });
  const nowIn = (zone: (typeof ZONES)[number]) => fc.oneof({ weight: 3, arbitrary: near(zone) }, { weight: 1, arbitrary: anyInstant });
  const now = nowIn(PARIS);

  it('sweep: every 10 minutes within ±30 hours of each change, every zone, 02:00: the very next night', () => {
    const bad: string[] = [];
    for (const zone of ZONES) {
      for (const change of TRANSITIONS[zone]) {
        for (let minutes = -30 * 60; minutes <= 30 * 60; minutes += 10) {
          const n = new Date(Date.parse(change) + minutes * 60_000);
          const expected = veryNextNight(n, 2, zone);
          const actual = nextNight(n, 2, zone).getTime();
          if (actual !== expected)
            bad.push(
              `${zone} now=${iso(n)} (${JSON.stringify(wall(n, zone))}): expected ${new Date(expected).toISOString()}, got ${new Date(actual).toISOString()}`,
            );
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('Paris at 02:00: strictly after now, at most 25 hours later, and on the night of a local day', () => {
    fc.assert(
      fc.property(now, (n) => {
        const night = nextNight(n);
        expect(night.getTime()).toBeGreaterThan(n.getTime());
        expect(night.getTime() - n.getTime()).toBeLessThanOrEqual(25 * HOUR);
        expect(isNightOf(night, wall(night).date, 2, PARIS)).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('any zone and hour: the very next night, i.e. the earliest of zonedTime(day) over the local days around now that is after now', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES).chain((zone) => fc.tuple(nowIn(zone), fc.constant(zone))),
        fc.constantFrom(0, 1, 2, 3, 4, 12, 23),
        ([n, zone], hour) => {
          const expected = veryNextNight(n, hour, zone);
          expect({ now: iso(n), zone, hour, night: iso(nextNight(n, hour, zone)) }).toEqual({
            now: iso(n),
            zone,
            hour,
            night: new Date(expected).toISOString(),
          });
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
