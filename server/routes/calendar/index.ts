import { Router } from 'express';
import type { AppContext } from '../../context';
import { authorize } from '../../middleware/authorize';
import { can } from '../../policies';
import { todayIn } from '../../services/calendar';
import { loadCurrentCatalog } from '../../services/catalog/repository';
import type { CatalogCalendar } from '../../services/catalog/types';
import { eventDataWarning, eventGaps } from '../../presenters/event-data';
import { holidayDataNote, holidayDataWarning, holidayGaps } from '../../presenters/holiday-data';
import { echoedQueryText } from '../../http/query-values';
import { typedWholeNumber } from '../../services/typed-number';
import { calendarYear } from './present';

/** The years the page shows: the official holiday data starts in 2004; later than 2100 is nobody's deadline. */
const FIRST_YEAR = 2004;
const LAST_YEAR = 2100;

/**
 * The year `?year=` asks for: null when absent or empty (this year), the year when the page shows it, else what was
 * typed (as a message repeats it) — a year as ASCII or full-width digits, spaces around ignored; `year` sent twice or
 * as a list (`year[]=`) is not one year.
 */
function askedYear(query: Record<string, unknown>): number | null | { value: string; repeated: boolean } {
  if (
    Object.keys(query).some((k) => k.startsWith('year[')) ||
    Array.isArray(query.year) ||
    (query.year !== undefined && typeof query.year !== 'string')
  )
    return { value: '', repeated: true };
  const typed = typeof query.year === 'string' ? query.year : '';
  if (typed.trim() === '') return null;
  const digits = typedWholeNumber(typed);
  const year = digits === null ? NaN : Number(digits);
  return year >= FIRST_YEAR && year <= LAST_YEAR ? year : { value: echoedQueryText(typed), repeated: false };
}

export function calendarRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/calendar', authorize('calendar.view'), async (req, res) => {
    const current = await loadCurrentCatalog(ctx.db);
    // Before any import: official holidays only, in the service's time zone.
    const calendar: CatalogCalendar = current?.catalog.calendar ?? {
      timezone: ctx.config.timezone,
      events: [],
      holidays: [],
      workdays: [],
    };
    const today = todayIn(calendar.timezone, ctx.now());
    const thisYear = Number(today.slice(0, 4));
    const asked = askedYear(req.query);
    // A year the page does not show (?year=abc, 1999, 2101, sent twice) is said at the top, naming the parameter and the
    // years it takes, over this year's calendar (422); before, this year was shown as if asked for.
    const year = typeof asked === 'number' ? asked : thisYear;
    const view = calendarYear(calendar, year, req.locale, req.t, today);
    // The IT office maintains calendar.holidays: warn it when working-day deadlines would be guessed.
    const missing = holidayGaps(view, [thisYear, thisYear + 1]);
    const manages = can(req.user, 'catalog.manage');
    const events = manages ? eventGaps(current?.catalog ?? null, today) : [];
    res.status(asked && typeof asked === 'object' ? 422 : 200).render('pages/calendar/index', {
      title: req.t('calendar.title'),
      year,
      yearError:
        asked && typeof asked === 'object'
          ? req.t(asked.repeated ? 'calendar.yearRepeated' : 'calendar.yearInvalid', {
              value: asked.value,
              first: FIRST_YEAR,
              last: LAST_YEAR,
              shown: thisYear,
            })
          : null,
      // No link to a year the page does not show (it would show this year instead, unannounced).
      prevYear: year > FIRST_YEAR ? year - 1 : null,
      nextYear: year < LAST_YEAR ? year + 1 : null,
      hasCatalog: !!current,
      // The IT office maintains calendar.holidays and is told what to do; everyone else reads that due dates in
      // those years may be off (a steward's January deadlines are counted over plain weekends).
      // Those who may import the catalog (the warning's readers) go from it to the import page.
      warning: manages && missing.length > 0 ? holidayDataWarning(req.t, missing) : null,
      note: !manages && missing.length > 0 ? holidayDataNote(req.t, missing) : null,
      // An event deadlines count from whose next occurrence is due and not entered: the IT office alone is told (a
      // steward's deadlines are not guessed, only not yet asked for; there is nothing for them to do).
      eventWarning: events.length > 0 ? eventDataWarning(req.t, events) : null,
      ...view,
    });
  });

  return router;
}
