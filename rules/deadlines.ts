import type { Duration } from '../server/services/catalog/types';
import { addDays, localDate, minusDays, startOfDay } from './time';
import type { CheckCalendar } from './types';

/**
 * When a deadline "X + within" has passed, computed once in Node and bound into SQL.
 *
 * Boundaries (all in the catalog timezone; "passed" includes the exact instant):
 * - `Nh`: X + N hours ≤ now. A DATE X counts from the start of its day.
 * - `Nd`: for a timestamp X, X + N calendar days ≤ now (same wall-clock time N days later);
 *   for a DATE X, the day X+N has started (X + N ≤ today), e.g. reported 2026-03-01, within 7d:
 *   due from 2026-03-08 00:00.
 * - `Nwd`: addWorkingDays(date of X, N) ≤ today, i.e. date of X ≤ latestCutoffForWorkingDays(today, N).
 */
export interface DeadlineCutoff {
  /** A DATE (or event date) on or before this is past its deadline. */
  cutoffDate: string;
  /** A timestamp is past its deadline when `instant op at`. */
  instant: { op: '<=' | '<'; at: Date };
}

export function deadlineCutoff(within: Duration, now: Date, timezone: string, calendar: CheckCalendar): DeadlineCutoff {
  const today = localDate(now, timezone);
  switch (within.unit) {
    case 'h': {
      const at = new Date(now.getTime() - within.amount * 3_600_000);
      return { cutoffDate: localDate(at, timezone), instant: { op: '<=', at } };
    }
    case 'd':
      return { cutoffDate: addDays(today, -within.amount), instant: { op: '<=', at: minusDays(now, within.amount, timezone) } };
    case 'wd': {
      const cutoffDate = calendar.latestCutoffForWorkingDays(today, within.amount);
      return { cutoffDate, instant: { op: '<', at: startOfDay(addDays(cutoffDate, 1), timezone) } };
    }
  }
}

/**
 * The latest occurrence e of `event` with e + within passed, or null when there is none yet (then
 * nothing is due).
 */
export function latestPassedOccurrence(
  event: string,
  within: Duration,
  now: Date,
  timezone: string,
  calendar: CheckCalendar,
): string | null {
  const { cutoffDate } = deadlineCutoff(within, now, timezone, calendar);
  return calendar.latestOccurrenceBefore(event, cutoffDate);
}
