import type { Knex } from 'knex';
import { createCalendar, WorkingDayCalendar } from '../calendar';
import { loadCurrentCatalog } from '../catalog/repository';
import type { Catalog } from '../catalog/types';

/**
 * The catalog and its working-day calendar, for routes and jobs. Before the first catalog import the
 * calendar is the official Chinese one (chinese-days) in the configured time zone: due dates only
 * need holidays and make-up days, which the catalog merely extends.
 */
export async function loadTicketCalendar(
  db: Knex,
  fallbackTimezone: string,
): Promise<{ catalog: Catalog | null; calendar: WorkingDayCalendar }> {
  const current = await loadCurrentCatalog(db);
  const calendar = current
    ? createCalendar(current.catalog.calendar)
    : createCalendar({ timezone: fallbackTimezone, events: [], holidays: [], workdays: [] });
  return { catalog: current?.catalog ?? null, calendar };
}
