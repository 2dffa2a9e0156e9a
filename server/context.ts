import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from './config';

/**
 * What the app and jobs are built from. Services take the knex (or a transaction) they should use,
 * so one transaction can pass through several services.
 */
export interface AppContext {
  config: Config;
  /** The service's own database. */
  db: Knex;
  logger: Logger;
  /** The clock, injectable so tests can move time (due dates, timeouts). */
  now(): Date;
}
