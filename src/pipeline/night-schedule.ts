// When "the next night" is: the next run of the nightly schedule (NIGHTLY_CRON in SCHEDULE_TZ).
// Pure: given the schedule and `now` (beside the pipeline, not in the domain, for it leans on a cron parser).
import { CronExpressionParser } from 'cron-parser';
import { nextNight } from '../domain/entries/lifecycle.ts';

/**
 * The next run of `cron` strictly after `now`, in `timeZone`. A daily schedule at the top of an
 * hour (the default `0 2 * * *`) goes through nextNight, which settles the daylight-saving days
 * explicitly; any other schedule (e.g. a night every few minutes to drive a soak run through
 * configuration) is computed by the cron parser pg-boss itself uses.
 */
export function nextNightlyRun(cron: string, timeZone: string, now: Date): Date {
  const daily = /^0\s+(\d{1,2})\s+\*\s+\*\s+\*$/.exec(cron.trim());
  if (daily && Number(daily[1]) < 24) return nextNight(now, Number(daily[1]), timeZone);
  return CronExpressionParser.parse(cron, { currentDate: now, tz: timeZone }).next().toDate();
}
