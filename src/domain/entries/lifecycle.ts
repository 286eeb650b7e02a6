// The entry state machine's time and decision rules (sync-rules.md §5). Pure: given `now`.
import { text } from '../../i18n/index.ts';

/**
 * The brief's number of nights an entry missing from Quadra is re-sent and verified again before
 * the decision. The service reads NIGHTLY_ATTEMPTS (src/config.ts), whose default this is; every
 * rule, statement and message below takes that number as `nights`.
 */
export const DEFAULT_NIGHTLY_ATTEMPTS = 3;
// The texts are the catalogue's (src/i18n/en.ts), stored in English and read back in the caller's language.
export const FAILED_CHECK_MESSAGE = text('life.failed_check');
/** Why an entry its file's reference data no longer accepts is held (entries.ts HELD_BY_REFERENCE). */
export const REFERENCE_HOLD_REASON = text('life.reference_hold_reason');
/** A first send's hold: the entry never went out, so the user may still correct it. */
export const SEND_REFERENCE_HOLD_MESSAGE = text('life.send_hold');
/** A night's hold: the entry went out once, so it stays as it is (Quadra may hold that version later). */
export const resendReferenceHoldMessage = (nights: number) => text('life.resend_hold', { ordinal: ordinal(nights) });
const ORDINALS = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];
const ordinal = (n: number) => ORDINALS[n] ?? `${n}th`;
/** A first verification that found nothing: the entry waits for the nights. */
export const notFoundAfterSendMessage = (hours: number, nights: number) => text('life.not_found_after_send', { hours, nights });
/** The verification a night records before re-sending. */
export const notFoundOnNightDetail = (night: number, nights: number) => text('life.not_found_on_night', { night, nights });
/**
 * A re-sent entry's status message (the deposit's upload writes it, per entry, from its night):
 * on night `{night}` of `nights`, or past them, waiting in the container for the file to be opened.
 */
export const resentWording = (nights: number) => ({
  nights,
  // `{night}` stays a placeholder: the deposit's statement writes each entry's night in.
  onNight: text('life.resent_on_night', { night: '{night}', nights }),
  waiting: text('life.resent_waiting'),
});
export const FILE_WAITING_MESSAGE = text('life.file_waiting');

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
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
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
  const candidates = [
    guess - offsetMinutes(new Date(guess - 86_400_000), timeZone) * 60_000,
    guess - offsetMinutes(new Date(guess + 86_400_000), timeZone) * 60_000,
  ];
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
 * After the last unsuccessful night (NIGHTLY_ATTEMPTS): the entry failed its check only if Quadra demonstrably
 * received this file's deposits (an entry of the same batch or of a later batch was posted);
 * otherwise the file was most likely never opened, and the entry is not to blame.
 */
export function decideAfterNights(entryBatchSeq: number, postedBatchSeqsOfFile: Iterable<number>): 'failed_check' | 'file_waiting' {
  for (const seq of postedBatchSeqsOfFile) if (seq >= entryBatchSeq) return 'failed_check';
  return 'file_waiting';
}

export type NightAction = 'resend' | 'decide';
/** Nights before the last re-send what is still missing; the last (and any later night) decides (3 nights: 1 and 2 re-send, 3 decides). */
export function nightAction(nightsTried: number, nights: number): NightAction {
  return nightsTried + 1 < nights ? 'resend' : 'decide';
}

/** The night an entry's attempt tonight counts as: the next one, never past the last. */
export const nightOf = (nightsTried: number, nights: number) => Math.min(nightsTried + 1, nights);
