import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { today } from '../../src/domain/calendar.ts';
import {
  BRIEF_PERIOD_ADVICE,
  CHART_REMEDY,
  OPEN_JOURNALS_REMEDY,
  checkPrerequisites,
  failingChecks,
  type PrerequisiteInput,
  type PrerequisiteName,
} from '../../src/domain/prerequisites.ts';

const TODAY = '2026-11-02';
const y2025 = { startsOn: '2025-01-01', endsOn: '2025-12-31', status: 'closed' as const };
const y2026 = { startsOn: '2026-01-01', endsOn: '2026-12-31', status: 'open' as const };
const PCG = ['40100000', '41100000', '44566000', '51200000', '60610000', '70600000'].map((number) => ({
  number,
  kind: 'general' as const,
}));
const JOURNALS = [
  { code: 'AC', label: 'Achats', isOpen: true },
  { code: 'BQ', label: 'Banque', isOpen: true },
];

const good = (over: Partial<PrerequisiteInput> = {}): PrerequisiteInput => ({
  periods: [y2025, y2026],
  accounts: PCG,
  journals: JOURNALS,
  today: TODAY,
  ...over,
});
const check = (input: PrerequisiteInput, name: PrerequisiteName) => checkPrerequisites(input).checks.find((c) => c.name === name)!;

describe('checkPrerequisites', () => {
  it('a ready file passes the four checks, in a fixed order, without remedies', () => {
    const r = checkPrerequisites(good());
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => c.name)).toEqual(['open_period', 'previous_period_closed', 'chart_of_accounts', 'open_journals']);
    expect(r.checks.every((c) => c.ok && c.remedy === undefined)).toBe(true);
    expect(check(good(), 'open_period').message).toBe('Open period: 2026-01-01 to 2026-12-31.');
  });

  describe('open period', () => {
    it("fails without any period, with the brief's advice verbatim", () => {
      const c = check(good({ periods: [] }), 'open_period');
      expect(c).toMatchObject({ ok: false, message: 'This file has no accounting period in Quadra.' });
      expect(c.remedy).toContain(BRIEF_PERIOD_ADVICE);
      expect(c.remedy).toContain(
        'access the Accounting Administration or Period Management section, usually accessible via the Processing or Administration menu. Make sure the previous period has been properly closed before creating a new one',
      );
    });
    it('fails when every period is closed (and then the previous-period check has nothing to say)', () => {
      const input = good({ periods: [{ ...y2025 }, { startsOn: '2024-01-01', endsOn: '2024-12-31', status: 'closed' }] });
      expect(check(input, 'open_period')).toMatchObject({
        ok: false,
        message: 'No accounting period of this file covers today (2026-11-02) in Quadra.',
      });
      expect(check(input, 'previous_period_closed').ok).toBe(true);
    });
    it('fails when the period covering today is closed', () => {
      const c = check(good({ periods: [y2025, { ...y2026, status: 'closed' }] }), 'open_period');
      expect(c).toMatchObject({
        ok: false,
        message: 'The accounting period covering today (2026-01-01 to 2026-12-31) is closed in Quadra.',
      });
    });
    it('an open period that does not cover today does not count (the new year is not created yet)', () => {
      const input = good({ periods: [{ ...y2025, status: 'open' }], today: '2026-01-05' });
      expect(check(input, 'open_period').ok).toBe(false);
      // ...and the year that ended must be closed before the new one is created.
      expect(check(input, 'previous_period_closed')).toMatchObject({
        ok: false,
        message: 'The previous accounting period (2025-01-01 to 2025-12-31) is still open in Quadra.',
      });
    });
    it('bounds are inclusive', () => {
      expect(check(good({ today: '2026-01-01' }), 'open_period').ok).toBe(true);
      expect(check(good({ today: '2026-12-31' }), 'open_period').ok).toBe(true);
    });
    it('a fiscal year across two calendar years', () => {
      const input = good({
        periods: [
          { startsOn: '2025-07-01', endsOn: '2026-06-30', status: 'closed' },
          { startsOn: '2026-07-01', endsOn: '2027-06-30', status: 'open' },
        ],
      });
      expect(checkPrerequisites(input).ok).toBe(true);
    });
  });

  describe('previous period closed', () => {
    it("fails when the previous period is still open, with the brief's advice", () => {
      const c = check(good({ periods: [{ ...y2025, status: 'open' }, y2026] }), 'previous_period_closed');
      expect(c.ok).toBe(false);
      expect(c.message).toBe('The previous accounting period (2025-01-01 to 2025-12-31) is still open in Quadra.');
      expect(c.remedy).toContain(BRIEF_PERIOD_ADVICE);
    });
    it("passes for a file's first period", () => {
      expect(check(good({ periods: [y2026] }), 'previous_period_closed')).toMatchObject({
        ok: true,
        message: 'There is no earlier period.',
      });
    });
    it('looks at the latest period before the current one only, whatever the order and gaps', () => {
      const old = { startsOn: '2023-01-01', endsOn: '2023-12-31', status: 'open' as const };
      const gap = { startsOn: '2024-01-01', endsOn: '2024-06-30', status: 'closed' as const };
      expect(check(good({ periods: [y2026, gap, old] }), 'previous_period_closed')).toMatchObject({
        ok: true,
        message: 'Previous period closed: 2024-01-01 to 2024-06-30.',
      });
      expect(check(good({ periods: [y2026, { ...gap, status: 'open' }, old] }), 'previous_period_closed').ok).toBe(false);
    });
    it('a later open period does not matter', () => {
      const next = { startsOn: '2027-01-01', endsOn: '2027-12-31', status: 'open' as const };
      expect(checkPrerequisites(good({ periods: [y2025, y2026, next] })).ok).toBe(true);
    });
  });

  describe('chart of accounts', () => {
    it('fails without any general account', () => {
      const c = check(good({ accounts: [] }), 'chart_of_accounts');
      expect(c).toMatchObject({ ok: false, message: 'This file has no general account in Quadra.', remedy: CHART_REMEDY });
    });
    it('names each missing class', () => {
      const c = check(good({ accounts: PCG.filter((a) => !/^[67]/.test(a.number)) }), 'chart_of_accounts');
      expect(c).toMatchObject({
        ok: false,
        message: 'The chart of accounts has no general account in class 6 (expenses), class 7 (revenue).',
      });
    });
    it('subsidiary accounts do not make a chart complete, nor are they required', () => {
      const subsidiaries = [
        { number: '4FOURN01', kind: 'supplier' as const },
        { number: '5CLIENT', kind: 'customer' as const },
      ];
      expect(check(good({ accounts: [...PCG.filter((a) => !/^[45]/.test(a.number)), ...subsidiaries] }), 'chart_of_accounts').ok).toBe(
        false,
      );
      expect(check(good({ accounts: PCG }), 'chart_of_accounts').ok).toBe(true);
    });
    it('classes 1 to 3 are not required', () => {
      expect(check(good({ accounts: PCG.filter((a) => /^[4-7]/.test(a.number)) }), 'chart_of_accounts').ok).toBe(true);
    });
  });

  describe('open journals', () => {
    it('fails without any journal', () => {
      expect(check(good({ journals: [] }), 'open_journals')).toMatchObject({ ok: false, remedy: OPEN_JOURNALS_REMEDY });
    });
    it('fails when every journal is closed, naming them', () => {
      const c = check(good({ journals: JOURNALS.map((j) => ({ ...j, isOpen: false })) }), 'open_journals');
      expect(c).toMatchObject({
        ok: false,
        message: 'Every journal of this file is closed in Quadra: AC (Achats), BQ (Banque).',
        remedy: OPEN_JOURNALS_REMEDY,
      });
    });
    it('passes with one open journal, and names the closed ones', () => {
      const c = check(good({ journals: [...JOURNALS, { code: 'NF', label: 'Notes de frais', isOpen: false }] }), 'open_journals');
      expect(c.ok).toBe(true);
      expect(c.remedy).toBeUndefined();
      expect(c.message).toBe(
        'Open journals: AC, BQ. Closed in Quadra: NF (Notes de frais); entries in a closed journal wait until it is reopened.',
      );
    });
  });

  describe('properties', () => {
    const date = fc
      .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 11, 31) })
      .map((ms) => new Date(ms).toISOString().slice(0, 10));
    const period = fc
      .tuple(date, date, fc.constantFrom('open' as const, 'closed' as const))
      // biome-ignore lint/complexity/useMathMinMax: ISO date strings, which Math.min would turn into NaN
      .map(([a, b, status]) => ({ startsOn: a < b ? a : b, endsOn: a < b ? b : a, status }));
    const input = fc.record({
      periods: fc.array(period, { maxLength: 6 }),
      accounts: fc.array(
        fc.record({
          number: fc.stringMatching(/^[0-9A-Z]{1,8}$/),
          kind: fc.constantFrom('general' as const, 'customer' as const, 'supplier' as const),
        }),
        { maxLength: 12 },
      ),
      journals: fc.array(fc.record({ code: fc.stringMatching(/^[A-Z]{2}$/), isOpen: fc.boolean() }), { maxLength: 6 }),
      today: date,
    });

    it('ok is every check ok; a failing check always says why and what to do; a passing one never prescribes', () => {
      fc.assert(
        fc.property(input, (i) => {
          const r = checkPrerequisites(i);
          expect(r.checks).toHaveLength(4);
          expect(r.ok).toBe(r.checks.every((c) => c.ok));
          for (const c of r.checks) {
            if (c.ok) expect(c.remedy).toBeUndefined();
            else {
              expect(c.message).toBeTruthy();
              expect(c.remedy).toBeTruthy();
            }
          }
        }),
        { numRuns: 500 },
      );
    });

    it('each check is exactly its rule', () => {
      fc.assert(
        fc.property(input, (i) => {
          const r = checkPrerequisites(i);
          const by = (n: PrerequisiteName) => r.checks.find((c) => c.name === n)!.ok;
          expect(by('open_period')).toBe(i.periods.some((p) => p.status === 'open' && p.startsOn <= i.today && i.today <= p.endsOn));
          expect(by('open_journals')).toBe(i.journals.some((j) => j.isOpen));
          const classes = new Set(i.accounts.filter((a) => a.kind === 'general').map((a) => a.number[0]));
          expect(by('chart_of_accounts')).toBe(['4', '5', '6', '7'].every((d) => classes.has(d)));
          // Never depends on input order.
          const reversed = checkPrerequisites({
            ...i,
            periods: [...i.periods].reverse(),
            journals: [...i.journals].reverse(),
            accounts: [...i.accounts].reverse(),
          });
          expect(reversed.checks.map((c) => c.ok)).toEqual(r.checks.map((c) => c.ok));
        }),
        { numRuns: 500 },
      );
    });
  });
});

describe('failingChecks', () => {
  it('names each failing check with its message and remedy, and nothing for a ready file', () => {
    expect(failingChecks(checkPrerequisites(good()))).toEqual([]);
    const r = checkPrerequisites(good({ journals: [{ code: 'AC', label: 'Achats', isOpen: false }] }));
    const journals = check(good({ journals: [{ code: 'AC', label: 'Achats', isOpen: false }] }), 'open_journals');
    expect(failingChecks(r)).toEqual([{ code: 'open_journals', message: `${journals.message} ${OPEN_JOURNALS_REMEDY}` }]);
  });
});

describe("today (the firm's date)", () => {
  it("is the calendar date in the firm's time zone", () => {
    expect(today('Europe/Paris', new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(today('Europe/Paris', new Date('2026-06-30T21:59:59Z'))).toBe('2026-06-30');
    expect(today('UTC', new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });
});
