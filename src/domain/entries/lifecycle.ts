// The entry state machine's time and decision rules (sync-rules.md §5). Pure: given `now`.

export const NIGHTS = 3;
export const FAILED_CHECK_MESSAGE = 'A problem seems to have occurred during the synchronization of this entry. Please verify.';
/** Why an entry its file's reference data no longer accepts is held (entries.ts HELD_BY_REFERENCE). */
export const REFERENCE_HOLD_REASON = 'its journal is closed or its date is outside every open period in Quadra.';
/** A first send's hold: the entry never went out, so the user may still correct it. */
export const SEND_REFERENCE_HOLD_MESSAGE = `Held: ${REFERENCE_HOLD_REASON} Open them in Quadra, sync the reference data, or correct the entry.`;
/** A night's hold: the entry went out once, so it stays as it is (Quadra may hold that version later). */
export const RESEND_REFERENCE_HOLD_MESSAGE = `The re-send is held: ${REFERENCE_HOLD_REASON} Open them in Quadra and sync the reference data: it is sent again on the next night. Its nights still count: held on the third, it ends in failed_check, where it can be corrected.`;
export const FILE_WAITING_MESSAGE = 'None of the latest entries sent to this file has reached Quadra: open the file in Quadra to trigger the retrieval of entries, then you can close it again.';

/**
 * The next nightly run strictly after `now`: `hour`:00 wall-clock time in `timeZone`
 * (Europe/Paris by default), correct across daylight-saving changes.
 */
export function nextNight(now: Date, hour = 2, timeZone = 'Europe/Paris'): Date {
  // Walk local calendar days (not 24-hour steps: a day can last 23 or 25 hours).
  const [y, m, d] = ymdIn(now, timeZone);
  for (let k = 0; k <= 2; k++) {
    const day = new Date(Date.UTC(y, m - 1, d + k));
    const candidate = zonedTime(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), hour, timeZone);
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

/**
 * The instant when the wall clock in `timeZone` shows y-m-d hour:00. When the clocks skip that
 * hour, the first instant after the jump; when it happens twice, the second.
 */
export function zonedTime(y: number, m: number, d: number, hour: number, timeZone: string): Date {
  const guess = Date.UTC(y, m - 1, d, hour);
  // The offsets a day either side bracket any change on that day.
  const candidates = [guess - offsetMinutes(new Date(guess - 86_400_000), timeZone) * 60_000,
    guess - offsetMinutes(new Date(guess + 86_400_000), timeZone) * 60_000];
  const shows = (t: number) => {
    const [yy, mm, dd] = ymdIn(new Date(t), timeZone);
    return yy === y && mm === m && dd === d && hourIn(new Date(t), timeZone) === hour;
  };
  const valid = candidates.filter(shows);
  return new Date(valid.length === 1 ? valid[0]! : Math.max(...candidates));
}

function hourIn(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).formatToParts(date);
  const h = Number(parts.find((p) => p.type === 'hour')!.value);
  const min = Number(parts.find((p) => p.type === 'minute')!.value);
  return min === 0 ? h : -1;
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
