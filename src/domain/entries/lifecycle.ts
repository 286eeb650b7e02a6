// The entry state machine's time and decision rules (sync-rules.md §5). Pure: given `now`.

export const NIGHTS = 3;
export const FAILED_CHECK_MESSAGE = 'A problem seems to have occurred during the synchronization of this entry. Please verify.';
export const FILE_WAITING_MESSAGE = 'Nothing sent to this file has reached Quadra yet: open the file in Quadra to trigger the retrieval of entries, then you can close it again.';

/**
 * The next nightly run strictly after `now`: `hour`:00 wall-clock time in `timeZone`
 * (Europe/Paris by default), correct across daylight-saving changes.
 */
export function nextNight(now: Date, hour = 2, timeZone = 'Europe/Paris'): Date {
  for (let dayOffset = 0; dayOffset <= 2; dayOffset++) {
    const day = new Date(now.getTime() + dayOffset * 86_400_000);
    const [y, m, d] = ymdIn(day, timeZone);
    const candidate = zonedTime(y, m, d, hour, timeZone);
    if (candidate.getTime() > now.getTime()) return candidate;
  }
  throw new Error('unreachable: a night always comes within two days');
}

function ymdIn(date: Date, timeZone: string): [number, number, number] {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(date);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return [get('year'), get('month'), get('day')];
}

function offsetMinutes(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(date);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - date.getTime()) / 60_000);
}

/** The instant when the wall clock in `timeZone` shows y-m-d hour:00. */
export function zonedTime(y: number, m: number, d: number, hour: number, timeZone: string): Date {
  const guess = Date.UTC(y, m - 1, d, hour);
  const first = guess - offsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess - offsetMinutes(new Date(first), timeZone) * 60_000);
}

/**
 * After the third unsuccessful night: the entry failed its check only if Quadra demonstrably
 * received this file's deposits (an entry of the same batch or of a later batch was posted);
 * otherwise the file was most likely never opened, and the entry is not to blame.
 */
export function decideAfterNights(entryBatchSeq: number, postedBatchSeqsOfFile: Iterable<number>): 'failed_check' | 'file_waiting' {
  for (const seq of postedBatchSeqsOfFile) if (seq >= entryBatchSeq) return 'failed_check';
  return 'file_waiting';
}

export type NightAction = 'resend' | 'decide';
/** Nights 1 and 2 re-send what is still missing; night 3 (and any later night) decides. */
export function nightAction(nightsTried: number): NightAction {
  return nightsTried + 1 < NIGHTS ? 'resend' : 'decide';
}
