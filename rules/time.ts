/**
 * Wall-clock arithmetic in the catalog timezone with Intl only. Dates are 'YYYY-MM-DD' strings.
 */

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: Date, timeZone: string): WallClock {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return { year: p.year, month: p.month, day: p.day, hour: p.hour % 24, minute: p.minute, second: p.second };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The calendar date of `instant` in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** Month 1–12 of `instant` in `timeZone`. */
export function localMonth(instant: Date, timeZone: string): number {
  return wallClock(instant, timeZone).month;
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' wall-clock time in `timeZone` (how naive DATETIME values are compared on MySQL). */
export function localDateTime(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}.${pad(instant.getUTCMilliseconds(), 3)}`;
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (Asia/Shanghai: +8h). */
export function offsetMs(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a wall-clock time in `timeZone` denotes ('YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS[.fff]'). */
export function zonedInstant(wall: string, timeZone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/.exec(wall);
  if (!m) throw new Error(`not a date/time: ${wall}`);
  const ms = m[7] ? Math.floor(Number(m[7].padEnd(6, '0')) / 1000) : 0;
  const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms);
  // Two passes settle the offset also right after a DST change.
  let t = guess - offsetMs(new Date(guess), timeZone);
  t = guess - offsetMs(new Date(t), timeZone);
  return new Date(t);
}

/** The instant the day `date` starts in `timeZone`. */
export function startOfDay(date: string, timeZone: string): Date {
  return zonedInstant(date, timeZone);
}

/** Calendar-day arithmetic on 'YYYY-MM-DD'. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** `instant` minus n calendar days of wall-clock time in `timeZone` (not n×24h where DST applies). */
export function minusDays(instant: Date, n: number, timeZone: string): Date {
  const w = localDateTime(instant, timeZone);
  const shifted = `${addDays(w.slice(0, 10), -n)}${w.slice(10)}`;
  return zonedInstant(shifted, timeZone);
}

/**
 * Whether `timeZone`'s UTC offset changes between `hoursBefore` hours before `instant` and `instant`
 * (sampled hourly). After a converted max() of naive wall-clock times, no change there means no
 * spring-forward gap could have mapped an earlier wall-clock time past the maximum's instant: such a
 * time maps at most one gap length (≤ 24 h in every zone's history) past the gap's start.
 */
export function offsetChangesNear(instant: Date, timeZone: string, hoursBefore: number): boolean {
  const at = offsetMs(instant, timeZone);
  for (let h = 1; h <= hoursBefore; h++) {
    if (offsetMs(new Date(instant.getTime() - h * 3_600_000), timeZone) !== at) return true;
  }
  return false;
}

/**
 * Whether `timeZone`'s UTC offset changes anywhere within `hours` hours before or after `instant`
 * (sampled hourly). Without a change there, comparing naive wall-clock times with the wall-clock time
 * of `instant` orders every row exactly as comparing their instants would: the local→UTC mapping is
 * monotone except inside a gap or overlap, and those are at most 24 h long in every zone's history.
 */
export function offsetChangesAround(instant: Date, timeZone: string, hours: number): boolean {
  // The `hours` before `instant`, then the `hours` before `instant + hours`.
  return (
    offsetChangesNear(instant, timeZone, hours) ||
    offsetChangesNear(new Date(instant.getTime() + hours * 3_600_000), timeZone, hours)
  );
}
