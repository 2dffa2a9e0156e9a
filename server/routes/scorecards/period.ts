import type { Knex } from 'knex';
import { NotFoundError, ValidationError } from '../../errors';
import { repeatedQueryValues } from '../../http/query-values';
import { createCalendar, todayIn, type WorkingDayCalendar } from '../../services/calendar';
import { loadCurrentCatalog } from '../../services/catalog/repository';
import { findClosedPeriod, parseRange, periodContaining, PERIOD_KINDS, type PeriodKind } from '../../services/scorecards';

/** Per database (tests open several in one process), then per catalog version. */
const calendarsByDb = new WeakMap<object, Map<string, WorkingDayCalendar>>();
let lastToday = { key: '', day: '' };

/** Today in the time zone, worked out once a minute (Intl formatting is slow for every request). */
function todayCached(timezone: string, now: Date): string {
  const key = `${timezone}|${Math.floor(now.getTime() / 60_000)}`;
  if (lastToday.key !== key) lastToday = { key, day: todayIn(timezone, now) };
  return lastToday.day;
}

/** The catalog calendar, built once per catalog version (the caller knows the version id already). */
async function calendarOf(db: Knex, timezone: string, catalogVersion?: number | null): Promise<WorkingDayCalendar> {
  const owner = (db as { client?: object }).client ?? db;
  let calendars = calendarsByDb.get(owner);
  if (!calendars) calendarsByDb.set(owner, (calendars = new Map()));
  const key = catalogVersion === undefined ? null : `${catalogVersion}:${timezone}`;
  const known = key ? calendars.get(key) : undefined;
  if (known) return known;
  const current = await loadCurrentCatalog(db);
  const calendar = createCalendar(current?.catalog.calendar ?? { timezone, events: [], holidays: [], workdays: [] });
  if (key && (current?.versionId ?? null) === catalogVersion) {
    if (calendars.size > 16) calendars.clear();
    calendars.set(key, calendar);
  }
  return calendar;
}

export interface ChosenPeriod {
  from: string;
  to: string;
  /** month | semester | academic_year | range | closed */
  kind: string;
  closedId: number | null;
  label: string | null;
  /** The period choices for the picker, with their dates (null when the calendar lacks the event). */
  choices: { kind: PeriodKind; from: string | null; to: string | null; selected: boolean }[];
}

/**
 * The period a page or export is about, from its query: `?period=<closed period id>`, `?from=&to=`
 * (any range, 422 naming the field for a bad date), or `?period=month|semester|academic_year`
 * (default month) around today, from the catalog calendar; any other `period` is a 422 naming it.
 */
export async function choosePeriod(
  db: Knex,
  query: Record<string, unknown>,
  /** The service's TZ: the calendar's zone before the first catalog import. */
  timezone: string,
  now: Date,
  catalogVersion?: number | null,
): Promise<ChosenPeriod & { today: string }> {
  const calendar = await calendarOf(db, timezone, catalogVersion);
  // Today where the calendar is (the catalog's zone; `timezone` only stands in before any catalog).
  const today = todayCached(calendar.timezone, now);
  const q = query;
  const asked = typeof q.period === 'string' ? q.period : '';
  // An unknown or repeated `period` (a typo in a bookmarked export link) is said, not read as this month: an
  // assessment export of the wrong period looks just like the right one. A repeated date is said as repeated.
  const repeated = repeatedQueryValues(q, ['period', 'from', 'to']);
  if (repeated.length) throw new ValidationError(repeated);
  if (q.period !== undefined && !/^\d+$/.test(asked) && !(PERIOD_KINDS as string[]).includes(asked))
    throw new ValidationError([
      { field: 'period', key: 'scorecards.errors.period', params: { value: asked, choices: PERIOD_KINDS.join(' / ') } },
    ]);
  // Both (a hand-edited or mixed-up link): which one was meant cannot be told, and an export of the other period
  // would look just like the right one.
  if (q.period !== undefined && (q.from !== undefined || q.to !== undefined))
    throw new ValidationError([{ field: 'period', key: 'scorecards.errors.periodAndRange' }]);
  const choices = PERIOD_KINDS.map((kind) => {
    const p = periodContaining(kind, today, calendar);
    return { kind, from: p?.from ?? null, to: p?.to ?? null, selected: false };
  });
  const base = { today, choices };
  if (/^\d+$/.test(asked)) {
    // A number that is no closed period (a deleted bookmark, a typo) is said as the period asked, as a wrong word is.
    const closed = await findClosedPeriod(db, Number(asked)).catch((err: unknown) => {
      if (!(err instanceof NotFoundError)) throw err;
      throw new ValidationError([{ field: 'period', key: 'scorecards.errors.noClosedPeriod', params: { value: asked } }]);
    });
    return { ...base, from: closed.from, to: closed.to, kind: 'closed', closedId: closed.id, label: closed.label };
  }
  if (q.from !== undefined || q.to !== undefined) {
    const { from, to } = parseRange({ from: q.from, to: q.to });
    return { ...base, from, to, kind: 'range', closedId: null, label: null };
  }
  const kind = (PERIOD_KINDS as string[]).includes(asked) ? (asked as PeriodKind) : 'month';
  // A period the calendar cannot work out (上学年 with no earlier academic_year_start; the picker does not offer it) is
  // said, not shown as this month: a bookmarked page or export link would otherwise read as that period's.
  const chosen = choices.find((c) => c.kind === kind && c.from);
  if (!chosen) throw new ValidationError([{ field: 'period', key: `scorecards.errors.unavailable.${kind}` }]);
  chosen.selected = true;
  return { ...base, from: chosen.from!, to: chosen.to!, kind: chosen.kind, closedId: null, label: null };
}

/** The query string that selects the same period (for links and exports). */
export function periodQuery(p: ChosenPeriod): string {
  if (p.closedId) return `period=${p.closedId}`;
  if (p.kind === 'range') return `from=${p.from}&to=${p.to}`;
  return `period=${p.kind}`;
}
