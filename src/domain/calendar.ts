// The product's one "today". Periods, prerequisites and entry dates are calendar dates of the
// firm, so every judgement of "what day is it" (the file list, the preview, a send, a night's
// re-send) takes the date in the firm's time zone (SCHEDULE_TZ, Europe/Paris by default), never
// the UTC date: in the first hours of a day in Paris the two differ, and a year can even differ.

/** Today's date (YYYY-MM-DD) in a time zone, at the instant `now`. */
export function today(timeZone: string, now: Date): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
