/**
 * Calendar arithmetic on 'YYYY-MM-DD' strings (UTC-based, so no local time zone leaks in), and the
 * example catalog's events that the demo hub's after_event deadlines depend on.
 */

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function monthOf(date: string): number {
  return Number(date.slice(5, 7));
}

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/** Today's date in Asia/Shanghai, the hub's time zone, whatever the server's zone is. */
export function todayInShanghai(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export interface DemoEvent {
  dates: string[];
  yearly: string[];
}

/**
 * The events of `../shared/examples/university.catalog.yaml` (calendar.events) that its after_event
 * deadlines use, copied here because the demo hub is built before (and without) any catalog import.
 * Keep in step with the example catalog.
 */
export const DEMO_EVENTS = {
  semester_start: { dates: ['2026-02-23', '2026-09-07'], yearly: [] },
  academic_year_start: { dates: ['2026-09-07'], yearly: [] },
  rank_documents_issued: { dates: ['2026-06-15'], yearly: [] },
  student_status_review: { dates: [], yearly: ['10-01'] },
  year_end: { dates: [], yearly: ['12-31'] },
} satisfies Record<string, DemoEvent>;

export type DemoEventName = keyof typeof DEMO_EVENTS;

/**
 * The catalog's `e` for `{after_event, within: D days}`: the latest occurrence e with e + D on or before
 * today (so the deadline has passed at any moment of today), or null when none has.
 */
export function latestPassedOccurrence(event: DemoEventName, withinDays: number, today: string): string | null {
  const e: DemoEvent = DEMO_EVENTS[event];
  const year = yearOf(today);
  const candidates = [...e.dates, ...e.yearly.flatMap((md) => [year - 1, year].map((y) => `${y}-${md}`))];
  const passed = candidates.filter((d) => isIsoDate(d) && addDays(d, withinDays) <= today).sort();
  return passed.length ? passed[passed.length - 1] : null;
}
