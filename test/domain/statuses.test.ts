import { describe, expect, expectTypeOf, it } from 'vitest';
import { Constants, type Database } from '../../src/db/types.gen.ts';
import * as S from '../../src/domain/statuses.ts';

type Enums = Database['public']['Enums'];

describe('named status sets', () => {
  it("the domain's state names are exactly the database enums", () => {
    expectTypeOf<S.EntryStatus>().toEqualTypeOf<Enums['entry_status']>();
    expectTypeOf<S.DepositStatus>().toEqualTypeOf<Enums['deposit_status']>();
  });

  it('each set holds states of its enum, and its predicate says exactly its members', () => {
    const entry = [...Constants.public.Enums.entry_status];
    const deposit = [...Constants.public.Enums.deposit_status];
    const sets: Array<[readonly string[], ((s: string | null | undefined) => boolean) | undefined, string[]]> = [
      [S.OPEN_ENTRY_STATUSES, S.isOpenEntry, entry],
      [S.CORRECTABLE_ENTRY_STATUSES, undefined, entry],
      [S.UNSETTLED_UPLOAD_STATUSES, S.isUnsettledUpload, deposit],
      [S.IN_CONTAINER_STATUSES, S.isInContainer, deposit],
      [S.LEFT_UNTAKEN_STATUSES, S.isLeftUntaken, deposit],
      [S.AWAITING_VERIFICATION_STATUSES, S.isAwaitingVerification, deposit],
      [S.IMPORTABLE_STATUSES, undefined, deposit],
    ];
    for (const [set, is, all] of sets) {
      for (const s of set) expect(all).toContain(s);
      if (is) for (const s of all) expect(is(s), s).toBe(set.includes(s));
      if (is) {
        expect(is(undefined)).toBe(false);
        expect(is(null)).toBe(false);
      }
    }
  });

  it('the sets the night sorts deposits by do not overlap', () => {
    const groups = [S.UNSETTLED_UPLOAD_STATUSES, S.IN_CONTAINER_STATUSES, S.LEFT_UNTAKEN_STATUSES, ['imported']].flat();
    expect(new Set(groups).size).toBe(groups.length);
    expect(new Set(groups)).toEqual(new Set(Constants.public.Enums.deposit_status));
  });
});
