// The night's decision as pure functions (src/domain/entries/night-plan.ts), over its whole input
// space: every combination of nights tried, found or missing, deposit state, posted batches,
// prerequisites and settling deposits, with the rule each output must follow.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideAfterNights, FAILED_CHECK_MESSAGE, FILE_WAITING_MESSAGE, nightAction } from '../../src/domain/entries/lifecycle.ts';
import { planNight, sortNight, wouldResend, type NightEntry, type NightSortFacts } from '../../src/domain/entries/night-plan.ts';
import type { DepositStatus } from '../../src/domain/statuses.ts';

const STATES: DepositStatus[] = ['preparing', 'uploaded', 'replacing', 'replaced', 'imported', 'failed', 'unconfirmed'];
const now = new Date('2026-11-03T01:00:00Z');
const nextRun = new Date('2026-11-04T01:00:00Z');

const facts = fc
  .record({
    nights: fc.integer({ min: 1, max: 6 }),
    deposits: fc.array(fc.constantFrom(...STATES), { minLength: 0, maxLength: 4 }),
    entries: fc.array(
      fc.record({
        nightsTried: fc.nat({ max: 7 }),
        deposit: fc.option(fc.nat({ max: 3 })),
        batchSeq: fc.option(fc.nat({ max: 5 })),
        missing: fc.boolean(),
      }),
      { maxLength: 8 },
    ),
    postedBatchSeqs: fc.array(fc.nat({ max: 5 }), { maxLength: 3 }),
    prerequisiteFailure: fc.option(fc.constant('The period is closed.')),
  })
  .map((f) => {
    const depositIds = f.deposits.map((_, i) => `d${i}`);
    const entries: NightEntry[] = f.entries.map((e, i) => ({
      id: `e${i}`,
      nightsTried: e.nightsTried,
      batchSeq: e.batchSeq,
      depositId: e.deposit !== null && e.deposit < depositIds.length ? depositIds[e.deposit]! : null,
    }));
    const sortFacts: NightSortFacts = {
      entries,
      missing: new Set(entries.filter((_, i) => f.entries[i]!.missing).map((e) => e.id)),
      postedBatchSeqs: f.postedBatchSeqs,
      prerequisiteFailure: f.prerequisiteFailure,
      deposits: new Map(depositIds.map((id, i) => [id, f.deposits[i]!])),
      nights: f.nights,
    };
    return sortFacts;
  });

const e = (id: string, nightsTried: number, depositId: string | null = 'd1', batchSeq: number | null = 1): NightEntry => ({
  id,
  nightsTried,
  depositId,
  batchSeq,
});

describe('sortNight', () => {
  it('3 nights: nights 1 and 2 re-send, night 3 fails when the batch was posted, else waits', () => {
    const s = sortNight({
      entries: [e('a', 0), e('b', 1), e('c', 2), e('d', 2, 'd2', 4), e('found', 0)],
      missing: new Set(['a', 'b', 'c', 'd']),
      postedBatchSeqs: [1],
      prerequisiteFailure: null,
      deposits: new Map([
        ['d1', 'uploaded'],
        ['d2', 'uploaded'],
      ]),
      nights: 3,
    });
    expect(s.resend.map((x) => x.id)).toEqual(['a', 'b']);
    expect(s.fail.map((x) => x.id)).toEqual(['c']);
    expect(s.wait.map((x) => x.id)).toEqual(['d']);
    expect(s.containers).toEqual([
      { depositId: 'd1', action: 'withdraw', startWithdrawing: true },
      { depositId: 'd2', action: 'look' },
    ]);
  });

  it('a failing prerequisite holds every re-send, not the decisions', () => {
    const s = sortNight({
      entries: [e('a', 0), e('c', 2)],
      missing: new Set(['a', 'c']),
      postedBatchSeqs: [1],
      prerequisiteFailure: 'Closed.',
      deposits: new Map([['d1', 'uploaded']]),
      nights: 3,
    });
    expect(s).toMatchObject({ resend: [], held: [e('a', 0)], heldReason: 'Closed.', fail: [e('c', 2)] });
  });

  it('a deposit out of the container is known, one being replaced is withdrawn without starting again', () => {
    const s = sortNight({
      entries: [e('a', 0, 'd1'), e('b', 0, 'd2')],
      missing: new Set(['a', 'b']),
      postedBatchSeqs: [],
      prerequisiteFailure: null,
      deposits: new Map([
        ['d1', 'imported'],
        ['d2', 'replacing'],
      ]),
      nights: 3,
    });
    expect(s.containers).toEqual([
      { depositId: 'd1', action: 'known' },
      { depositId: 'd2', action: 'withdraw', startWithdrawing: false },
    ]);
  });

  it("property: each missing entry is sorted once, by the lifecycle's rules; found entries never", () => {
    fc.assert(
      fc.property(facts, (f) => {
        const s = sortNight(f);
        const all = [...s.resend, ...s.held, ...s.fail, ...s.wait].map((x) => x.id);
        expect(new Set(all).size).toBe(all.length);
        expect(new Set(all)).toEqual(f.missing);
        for (const x of f.entries.filter((y) => f.missing.has(y.id))) {
          const where = s.resend.includes(x) ? 'resend' : s.held.includes(x) ? 'held' : s.fail.includes(x) ? 'fail' : 'wait';
          if (nightAction(x.nightsTried, f.nights) === 'resend') expect(where).toBe(f.prerequisiteFailure ? 'held' : 'resend');
          else
            expect(where).toBe(
              decideAfterNights(x.batchSeq ?? Number.MAX_SAFE_INTEGER, f.postedBatchSeqs) === 'failed_check' ? 'fail' : 'wait',
            );
        }
        expect(s.heldReason !== null).toBe(s.held.length > 0);
        expect(wouldResend(f.entries, f.missing, f.nights)).toBe(s.resend.length + s.held.length > 0);
      }),
    );
  });

  it('property: each deposit gets one step; only deposits in the container are withdrawn or looked for, and one looked for holds only waiting entries', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const s = sortNight(f);
        const ids = s.containers.map((c) => c.depositId);
        expect(new Set(ids).size).toBe(ids.length);
        for (const c of s.containers) {
          const state = f.deposits.get(c.depositId)!;
          const inContainer = state === 'uploaded' || state === 'replacing';
          expect(c.action === 'known').toBe(!inContainer);
          if (c.action === 'look') {
            expect(state).toBe('uploaded');
            expect([...s.resend, ...s.fail].some((x) => x.depositId === c.depositId)).toBe(false);
          }
          if (c.action === 'withdraw') expect(c.startWithdrawing).toBe(state === 'uploaded');
        }
        // Every deposit of an entry re-sent, failed or waiting has its step; held entries' deposits stay.
        for (const x of [...s.resend, ...s.fail, ...s.wait]) if (x.depositId) expect(ids).toContain(x.depositId);
      }),
    );
  });
});

describe('planNight', () => {
  const sort = (f: NightSortFacts) => sortNight(f);

  it('a deposit Quadra took moments ago defers its entries for the grace period; the others are decided', () => {
    const f: NightSortFacts = {
      entries: [e('a', 0, 'd1'), e('b', 0, 'd2'), e('c', 2, 'd2')],
      missing: new Set(['a', 'b', 'c']),
      postedBatchSeqs: [1],
      prerequisiteFailure: null,
      deposits: new Map([
        ['d1', 'imported'],
        ['d2', 'uploaded'],
      ]),
      nights: 3,
    };
    const p = planNight({
      sort: sort(f),
      deposits: f.deposits,
      withdrawn: new Set(['d2']),
      taken: new Set(['d1']),
      settling: new Set(['d1']),
      now,
      graceMinutes: 60,
      nextRun,
      nights: 3,
    });
    expect(p.steps).toEqual([
      {
        outcome: 'deferred',
        ids: ['a'],
        until: new Date(now.getTime() + 3_600_000),
        detail: expect.stringContaining('checked again in 60 minutes'),
      },
      { outcome: 'failed_check', ids: ['c'], night: 3, message: FAILED_CHECK_MESSAGE },
    ]);
    expect(p.resendByNight).toEqual([{ night: 1, ids: ['b'], detail: 'Not found in Quadra on night 1 of 3: sent again' }]);
    expect(p).toMatchObject({
      candidates: ['b'],
      except: ['c'],
      withdrawn: ['d2'],
      until: nextRun,
      report: { failedCheck: 1, deferred: 1, waiting: 0, heldByPrerequisite: 0 },
    });
  });

  it('a waiting entry is deposited again only when no deposit in the container holds it', () => {
    const f: NightSortFacts = {
      entries: [e('w1', 2, 'd1', 9), e('w2', 2, 'd2', 9), e('w3', 2, null, 9)],
      missing: new Set(['w1', 'w2', 'w3']),
      postedBatchSeqs: [],
      prerequisiteFailure: null,
      deposits: new Map([
        ['d1', 'uploaded'],
        ['d2', 'failed'],
      ]),
      nights: 3,
    };
    const p = planNight({
      sort: sort(f),
      deposits: f.deposits,
      withdrawn: new Set(),
      taken: new Set(['d2']),
      settling: new Set(),
      now,
      graceMinutes: 60,
      nextRun,
      nights: 3,
    });
    expect(p.steps).toEqual([
      { outcome: 'file_waiting', ids: ['w1', 'w2', 'w3'], night: 3, until: nextRun, message: FILE_WAITING_MESSAGE },
    ]);
    expect(p.candidates).toEqual(['w2', 'w3']);
    expect(p.waiting).toEqual(['w1', 'w2', 'w3']);
  });

  it('property: deferred exactly when its deposit settles; groups disjoint; re-sends on a night within 1..N; failed never go out again', () => {
    fc.assert(
      fc.property(
        facts,
        fc.array(fc.nat({ max: 3 }), { maxLength: 3 }),
        fc.array(fc.nat({ max: 3 }), { maxLength: 3 }),
        (f, settlingIx, withdrawnIx) => {
          const s = sort(f);
          const settling = new Set(settlingIx.map((i) => `d${i}`));
          const withdrawn = new Set(withdrawnIx.map((i) => `d${i}`));
          const p = planNight({
            sort: s,
            deposits: f.deposits,
            withdrawn,
            taken: new Set(settling),
            settling,
            now,
            graceMinutes: 30,
            nextRun,
            nights: f.nights,
          });
          const stepIds = p.steps.flatMap((x) => x.ids);
          const resent = p.resendByNight.flatMap((x) => x.ids);
          expect(new Set([...stepIds, ...resent]).size).toBe(stepIds.length + resent.length);
          const deferred = new Set(p.steps.find((x) => x.outcome === 'deferred')?.ids ?? []);
          for (const x of [...s.resend, ...s.fail, ...s.wait])
            expect(deferred.has(x.id)).toBe(x.depositId !== null && settling.has(x.depositId));
          for (const x of s.held) expect(deferred.has(x.id)).toBe(false);
          for (const r of p.resendByNight) {
            expect(r.night).toBeGreaterThanOrEqual(1);
            expect(r.night).toBeLessThanOrEqual(f.nights);
          }
          for (const id of p.except) expect(p.candidates).not.toContain(id);
          expect(p.except).toEqual(p.steps.find((x) => x.outcome === 'failed_check')?.ids ?? []);
          for (const id of p.candidates) expect(resent.includes(id) || p.waiting.includes(id)).toBe(true);
          expect(p.report.waiting).toBe(s.wait.length);
        },
      ),
    );
  });
});
