import type { Translator } from '../i18n';
import { addDays, daysBetween } from '../services/calendar';
import type { Catalog } from '../services/catalog/types';

/** A gap between occurrences shorter than this: the event is not periodic (no next one can be expected). */
const MIN_PERIOD_DAYS = 60;
/** With a single occurrence the event is taken to come once a year. */
const DEFAULT_PERIOD_DAYS = 365;
/**
 * The warning starts 30 days, plus 15 % of the period, before the expected next occurrence: a term's start comes at
 * uneven gaps (spring → autumn ~196 days, autumn → spring ~168), so an estimate from one gap can be a month late.
 */
const warnDaysBefore = (periodDays: number) => 30 + Math.round(periodDays * 0.15);
const DAYS_PER_MONTH = 365.25 / 12;

/** An event that deadlines count from whose next occurrence is due but not entered: the home card and /calendar say so. */
export interface EventGap {
  name: string;
  /** The catalog's title, else the name: what the IT office reads. */
  label: string;
  /** The latest occurrence (on or before today: none is after it). */
  latest: string;
  /** The estimated period in days (median gap between occurrences; a year with one occurrence). */
  periodDays: number;
  /** latest + period. */
  expected: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

/**
 * The events that some field's `after_event` deadline counts from, with no occurrence after `today`, whose next one is
 * near (warnDaysBefore) or already overdue: deadlines keep counting from the latest one and stop asking for the new
 * term's updates. The period is the median gap between consecutive dates (a year with one date); an event with a gap
 * under 60 days is not periodic and one with a `yearly` entry always has a next occurrence: neither is warned of.
 */
export function eventGaps(catalog: Pick<Catalog, 'calendar' | 'tables'> | null, today: string): EventGap[] {
  if (!catalog) return [];
  const used = new Set(
    catalog.tables.flatMap((table) =>
      table.fields.flatMap((field) => (field.deadline?.kind === 'afterEvent' ? [field.deadline.event] : [])),
    ),
  );
  const gaps: EventGap[] = [];
  for (const event of catalog.calendar.events) {
    if (!used.has(event.name) || event.yearly.length > 0 || event.dates.length === 0) continue;
    const dates = [...new Set(event.dates)].sort();
    const latest = dates[dates.length - 1];
    if (latest > today) continue;
    const intervals = dates.slice(1).map((date, i) => daysBetween(dates[i], date));
    const periodDays = intervals.length ? median(intervals) : DEFAULT_PERIOD_DAYS;
    if (periodDays < MIN_PERIOD_DAYS) continue;
    const expected = addDays(latest, periodDays);
    if (addDays(expected, -warnDaysBefore(periodDays)) > today) continue;
    gaps.push({ name: event.name, label: event.title || event.name, latest, periodDays, expected });
  }
  return gaps;
}

/** "每半年" / "每年" / "每 4 个月" (about half a year / a year / 4 months): the period rounded to months. */
function periodWords(t: Translator, days: number): string {
  const months = Math.max(1, Math.round(days / DAYS_PER_MONTH));
  if (months === 12) return t('calendar.eventGap.year');
  if (months % 12 === 0) return t('calendar.eventGap.years', { count: months / 12 });
  if (months === 6) return t('calendar.eventGap.halfYear');
  return t('calendar.eventGap.months', { count: months });
}

/**
 * What the IT office is told, one sentence an event (事件“开学”尚未录入下一次日期（最近一次 2026-09-07，按以往约每半年一次，
 * 下一次约在 2027-03 前后）：按它计算的维护时限仍从 2026-09-07 起算), then what to do.
 */
export function eventDataWarning(t: Translator, gaps: EventGap[]): string {
  const sentences = gaps.map((g) =>
    t('calendar.eventGap.missing', {
      event: g.label,
      latest: g.latest,
      period: periodWords(t, g.periodDays),
      expected: g.expected.slice(0, 7),
    }),
  );
  return t('calendar.noEventData', { gaps: sentences.join(t('common.listSeparator')) });
}
