import type { Knex } from 'knex';
import type { Options } from 'express-rate-limit';
import { TooManyRequestsError } from '../../errors';
import { DatabaseRateLimitStore } from '../../middleware/rate-limit-store';
import { LOOKUPS_PER_HOUR } from './types';

/** One counter store per database (its sweep of expired rows runs per store). */
const stores = new WeakMap<Knex, DatabaseRateLimitStore>();

/**
 * Counts one look-up of the report form against the user's hourly limit (in the service database,
 * so every instance counts the same look-ups); over the limit → 429. Counted before the hub is asked,
 * and a refused look-up counts too.
 */
export async function countLookup(db: Knex, userId: number): Promise<void> {
  let store = stores.get(db);
  if (!store) {
    store = new DatabaseRateLimitStore(db, 'report-lookups');
    store.init({ windowMs: 3_600_000 } as Options);
    stores.set(db, store);
  }
  const { totalHits } = await store.increment(String(userId));
  if (totalHits > LOOKUPS_PER_HOUR) throw new TooManyRequestsError();
}
