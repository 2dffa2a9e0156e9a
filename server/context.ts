import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Hub } from './hub';

/**
 * What the app and jobs are built from. Services take the knex (or a transaction) they should use,
 * so one transaction can pass through several services.
 */
export interface AppContext {
  config: Config;
  /** The service's own database. */
  db: Knex;
  /** The hub being monitored (read-only); opened at start, connects lazily. */
  hub: Hub;
  logger: Logger;
  /** The clock, injectable so tests can move time (due dates, timeouts). */
  now(): Date;
}
