import type { Response } from 'express';
import type { Knex } from 'knex';
import { universityTimezone } from '../services/catalog/repository';
import { beforeRender } from './before-render';

/**
 * Pages show times in the university's zone — the catalog calendar's, in which "today", due dates and overdue
 * are counted — not in the service's TZ: with the two different, a ticket "due today" was shown filed tomorrow.
 * Looked up when a page renders (one cached catalog read). The service's TZ before the first catalog import.
 */
export function zoneWhenRendering(db: Knex, fallback: string, res: Response): void {
  beforeRender(res, async () => {
    res.locals.timezone = await universityTimezone(db, fallback);
  });
}
