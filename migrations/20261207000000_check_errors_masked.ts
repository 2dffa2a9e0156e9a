import type { Knex } from 'knex';
import type * as Privacy from '../server/services/privacy';

/**
 * The check errors stored before they were stored masked: a table's hub error
 * (`check_run_tables.error_message`, PostgreSQL's own message, which can quote a row's value — an ID number
 * that failed a cast) and a whole run's error (`check_runs.error`). Every page masks them when it shows them,
 * but the rows kept the numbers in full for anyone reading the database or a backup. They are masked here with
 * the rule the service now applies when it writes them (`scrubForLog`: ID and mobile numbers, phone-like runs).
 *
 * The masking is the service's own, loaded only when a stored error holds a digit: a new database
 * (and one migrated since) never runs it. Idempotent: a masked message masks to itself. Data only, and nothing
 * to restore on the way down.
 */
export async function up(knex: Knex): Promise<void> {
  await maskStoredCheckErrors(knex);
}

export async function down(): Promise<void> {}

/** Rows read per statement: errors are few, but a long hub outage leaves one per table and run. */
const BATCH = 500;

/** Masks every stored check error; the number of rows changed. */
export async function maskStoredCheckErrors(knex: Knex): Promise<number> {
  let scrub: typeof Privacy.scrubForLog | null = null;
  const masked = (text: string): string => {
    // require(), as the migration source loads migrations (a dynamic import() is ESM under tsx and cannot import
    // the services' directories).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    scrub ??= (require('../server/services/privacy') as typeof Privacy).scrubForLog;
    return scrub(text);
  };
  let changed = 0;

  // A table's error of a run: keyed by (run_id, table_name). Only a text with a digit can hold a number to mask.
  let after: [number, string] = [0, ''];
  for (;;) {
    const rows: { run_id: number; table_name: string; error_message: string }[] = await knex('check_run_tables')
      .whereRaw('(run_id, table_name) > (?, ?)', after)
      .where('error_message', '~', '[0-9]')
      .orderBy(['run_id', 'table_name'])
      .limit(BATCH)
      .select('run_id', 'table_name', 'error_message');
    if (!rows.length) break;
    const last = rows[rows.length - 1];
    after = [Number(last.run_id), last.table_name];
    for (const row of rows) {
      const text = masked(row.error_message);
      if (text === row.error_message) continue;
      await knex('check_run_tables').where({ run_id: row.run_id, table_name: row.table_name }).update({ error_message: text });
      changed++;
    }
  }

  // A whole run's error.
  let afterRun = 0;
  for (;;) {
    const rows: { id: number; error: string }[] = await knex('check_runs')
      .where('id', '>', afterRun)
      .where('error', '~', '[0-9]')
      .orderBy('id')
      .limit(BATCH)
      .select('id', 'error');
    if (!rows.length) break;
    afterRun = Number(rows[rows.length - 1].id);
    for (const row of rows) {
      const text = masked(row.error);
      if (text === row.error) continue;
      await knex('check_runs').where({ id: row.id }).update({ error: text });
      changed++;
    }
  }
  return changed;
}
