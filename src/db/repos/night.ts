// A night's plan (src/domain/entries/night-plan.ts), written in the night's one transaction: each
// group's outcome with its attempt, the re-sends by night, the holds of what the file's reference
// data no longer accepts, and the claim of the re-send's deposit. No rule here: the plan decided.
import type { NightPlan } from '../../domain/entries/night-plan.ts';
import { OPEN_ENTRY_STATUSES } from '../../domain/statuses.ts';
import type { Queryable } from '../database.ts';
import * as attempts from './attempts.ts';
import * as deposits from './deposits.ts';
import { heldByReference, holdsNightLease } from './entries.ts';
import * as outcomes from './entry-outcomes.ts';
import { text } from '../../i18n/index.ts';

export interface AppliedNight {
  depositId: string | undefined;
  resent: number;
  heldByReference: number;
}

/**
 * Applies `plan` to the file's entries. `newDeposit` is the re-send's deposit, claimed when anything
 * goes out again. Refuses (throws) when the night lease `owner` holds is gone: another run took the
 * file over, and its plan is the one that counts.
 */
export async function applyNightPlan(
  tx: Queryable,
  p: {
    plan: NightPlan;
    fileId: string;
    firmId: string;
    owner: string;
    now: Date;
    newDeposit: { id: string; blobName: string; leaseSeconds: number };
  },
): Promise<AppliedNight> {
  const { plan, fileId, now } = p;
  for (const step of plan.steps) {
    const entryIds = step.ids;
    switch (step.outcome) {
      case 'deferred':
        await outcomes.deferred(tx, { ids: entryIds, until: step.until, now });
        await attempts.record(tx, { entryIds }, { kind: 'verify', outcome: 'not_found', at: now, detail: step.detail });
        break;
      case 'held':
        await outcomes.resendHeld(tx, { ids: entryIds, until: step.until, message: step.message, now });
        await attempts.record(
          tx,
          { entryIds },
          { kind: 'resend', outcome: 'held', at: now, errorCode: 'prerequisite_failed', detail: step.message },
        );
        break;
      case 'failed_check':
        await outcomes.failedCheck(tx, { ids: entryIds, nights: step.night, message: step.message, now });
        await attempts.record(
          tx,
          { entryIds },
          { kind: 'decide', outcome: 'failed_check', at: now, night: step.night, detail: step.message },
        );
        break;
      case 'file_waiting':
        await outcomes.fileWaiting(tx, { fileId, ids: entryIds, nights: step.night, until: step.until, message: step.message, now });
        await attempts.record(
          tx,
          { entryIds },
          { kind: 'decide', outcome: 'file_waiting', at: now, night: step.night, detail: step.message },
        );
        break;
    }
  }
  // Out again: what was due for a re-send, what waits outside the container, and every other
  // unposted entry of a deposit withdrawn tonight (it left the container with the others).
  const outIds = await outcomes.resendable(tx, { fileId, withdrawn: plan.withdrawn, candidates: plan.candidates, except: plan.except });
  // What the file's reference data no longer accepts is held, not deposited; an entry already past
  // its nights (waiting for its file to be opened) is re-sent as before.
  const waiting = new Set(plan.waiting);
  const byReference = new Set(
    await heldByReference(
      tx,
      fileId,
      outIds.filter((id) => !waiting.has(id)),
    ),
  );
  const resendIds = outIds.filter((id) => !byReference.has(id));
  for (const { night, ids, detail } of plan.resendByNight) {
    await outcomes.resentOnNight(tx, { ids, night, until: plan.until, now });
    await attempts.record(tx, { entryIds: ids }, { kind: 'verify', outcome: 'not_found', at: now, night, detail });
  }
  if (plan.withdrawn.length) {
    // Carries the entry's night, like the night's verification and re-send beside it.
    await attempts.record(
      tx,
      { depositIds: plan.withdrawn, statuses: OPEN_ENTRY_STATUSES },
      {
        kind: 'resend',
        outcome: 'replaced',
        at: now,
        detail: text('life.withdrawn_before_taken'),
      },
    );
  }
  if (byReference.size) {
    const ids = [...byReference];
    await outcomes.resendHeld(tx, { ids, until: plan.referenceHold.until, message: plan.referenceHold.message, now, outOfContainer: true });
    await attempts.record(
      tx,
      { entryIds: ids },
      { kind: 'resend', outcome: 'held', at: now, errorCode: 'reference_changed', detail: plan.referenceHold.message },
    );
  }
  let depositId: string | undefined;
  if (resendIds.length) {
    const claimed = await deposits.claim(tx, {
      id: p.newDeposit.id,
      firmId: p.firmId,
      fileId,
      blobName: p.newDeposit.blobName,
      now,
      leaseSeconds: p.newDeposit.leaseSeconds,
      entries: { ids: resendIds },
      replacesId: plan.withdrawn[0] ?? null,
    });
    depositId = claimed?.id;
    await outcomes.dueUnlessScheduled(tx, { ids: resendIds, until: plan.until, now });
  }
  // Decided from rows read under the lease: checked last, after the entries, in the order the
  // checks lock rows (entries, then the file).
  if (!(await holdsNightLease(tx, fileId, p.owner)))
    throw new Error('the night lease ran out and another run took the file over; this run decides nothing');
  return { depositId, resent: resendIds.length, heldByReference: byReference.size };
}
