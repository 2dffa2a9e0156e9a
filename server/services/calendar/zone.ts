/**
 * Calendar days and wall-clock times in a time zone, as instants: where a day of the university begins, and
 * an instant as the university's clock shows it. Daylight saving safe (the offset is the zone's at that
 * instant, from Intl; no fixed +08:00), for any IANA zone a catalog may name.
 */
import { isIsoDate } from './dates';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

// Building an Intl.DateTimeFormat costs more than formatting with one: one per zone.
const clocks = new Map<string, Intl.DateTimeFormat>();

function clockOf(timezone: string): Intl.DateTimeFormat {
  let clock = clocks.get(timezone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    clocks.set(timezone, clock);
  }
  return clock;
}

/** The zone's wall clock at `instant` (whole seconds), written as if it were UTC: offset = wall − instant. */
function wallClock(instant: number, timezone: string): number {
  const parts = clockOf(timezone).formatToParts(new Date(instant));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
}

const offsetAt = (instant: number, timezone: string) => wallClock(instant, timezone) - Math.floor(instant / 1000) * 1000;

/**
 * The first instant of the wall-clock day `wallMidnight` (that day's 00:00 written as UTC). Midnight read with
 * the offsets in force a day before, at, and a day after it: the earliest that the zone's clock shows as
 * 00:00 that day (a day whose clock passes midnight twice, falling back at 00:00, begins at the first). Where
 * the clock skips midnight (spring forward at 00:00 → 01:00, Brazil until 2019), the day begins at the jump:
 * the earliest of those instants on that day.
 */
function startOfWallDay(wallMidnight: number, timezone: string): Date {
  const candidates = [...new Set([-DAY_MS, 0, DAY_MS].map((d) => wallMidnight - offsetAt(wallMidnight + d, timezone)))].sort(
    (a, b) => a - b,
  );
  const exact = candidates.find((t) => wallClock(t, timezone) === wallMidnight);
  if (exact !== undefined) return new Date(exact);
  const sameDay = candidates.find((t) => {
    const wall = wallClock(t, timezone);
    return wall >= wallMidnight && wall < wallMidnight + DAY_MS;
  });
  if (sameDay === undefined) throw new RangeError(`the day ${new Date(wallMidnight).toISOString()} has no start in ${timezone}`);
  return new Date(sameDay);
}

function wallMidnightOf(date: string): number {
  if (!isIsoDate(date)) throw new RangeError(`"${date}" is not a date (expected YYYY-MM-DD)`);
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

/** The instant `date` (YYYY-MM-DD) begins in `timezone`: dayStartIn('2026-11-01', 'Asia/Shanghai') is 2026-10-31T16:00Z. */
export function dayStartIn(date: string, timezone: string): Date {
  return startOfWallDay(wallMidnightOf(date), timezone);
}

/** The instant the day after `date` begins in `timezone`: the end (exclusive) of `date` as a range's last day. */
export function dayEndIn(date: string, timezone: string): Date {
  return startOfWallDay(wallMidnightOf(date) + DAY_MS, timezone);
}

/** `instant` as the zone's clock shows it, `YYYY-MM-DD HH:mm:ss` (24-hour). */
export function wallClockText(instant: Date, timezone: string): string {
  return new Date(wallClock(instant.getTime(), timezone)).toISOString().slice(0, 19).replace('T', ' ');
}
