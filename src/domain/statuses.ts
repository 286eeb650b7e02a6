// The named sets of entry and deposit states the rules speak of, each with a small predicate, so a
// rule reads "an open entry" or "an upload not settled yet" instead of an inline list of states.
// The states themselves are the database enums (entry_status, deposit_status; src/db/types.gen.ts);
// these lists are checked against them in test/domain/statuses.test.ts. The SQL uses the same sets
// (`sqlIn` in src/db/literal.ts), so a state added to a set reaches the statements too.

export type EntryStatus = 'pending' | 'sent' | 'posted' | 'failed_check';
export type DepositStatus = 'preparing' | 'uploaded' | 'replacing' | 'replaced' | 'imported' | 'failed' | 'unconfirmed';

const is =
  <S extends string>(set: readonly S[]) =>
  (status: string | null | undefined): status is S =>
    set.includes(status as S);

/** Entries still in play: not yet posted nor failed: the night may verify, re-send or decide them. */
export const OPEN_ENTRY_STATUSES = ['pending', 'sent'] as const satisfies readonly EntryStatus[];
export const isOpenEntry = is(OPEN_ENTRY_STATUSES);

/** Entries the user may still correct (a fix, then revalidate). */
export const CORRECTABLE_ENTRY_STATUSES = ['failed_check'] as const satisfies readonly EntryStatus[];

/**
 * An upload not settled yet: still being prepared, or sent without an answer. Its entries may be in
 * Quadra's hands, so the night neither re-sends nor judges them until send.ts / unconfirmed.ts settle it.
 */
export const UNSETTLED_UPLOAD_STATUSES = ['preparing', 'unconfirmed'] as const satisfies readonly DepositStatus[];
export const isUnsettledUpload = is(UNSETTLED_UPLOAD_STATUSES);

/** Deposits waiting in the CFE container: the night may still withdraw them (or look for them). */
export const IN_CONTAINER_STATUSES = ['uploaded', 'replacing'] as const satisfies readonly DepositStatus[];
export const isInContainer = is(IN_CONTAINER_STATUSES);

/** Deposits out of the container without Quadra having taken them: their entries must go again. */
export const LEFT_UNTAKEN_STATUSES = ['failed', 'replaced'] as const satisfies readonly DepositStatus[];
export const isLeftUntaken = is(LEFT_UNTAKEN_STATUSES);

/** Deposits whose 12-hour verification is still to come (uploaded, or already taken by Quadra). */
export const AWAITING_VERIFICATION_STATUSES = ['uploaded', 'imported'] as const satisfies readonly DepositStatus[];
export const isAwaitingVerification = is(AWAITING_VERIFICATION_STATUSES);

/** Deposits that may become `imported` (Quadra took them): anything that reached the container. */
export const IMPORTABLE_STATUSES = ['uploaded', 'replacing', 'unconfirmed'] as const satisfies readonly DepositStatus[];
