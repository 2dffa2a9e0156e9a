import type { Knex } from 'knex';

/**
 * When a table outcome's results were handed to the ticket service (`tickets_applied_at`; null while
 * pending). An outcome is stored in one transaction and handed off after it, in many ticket
 * transactions; an instance that dies (or loses this database) in between leaves the outcome pending,
 * and recovery or the table's next run hands it off from the stored results
 * (server/services/checks/handoff.ts). Outcomes stored before this migration count as handed off.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('check_run_tables', (t) => {
    t.timestamp('tickets_applied_at', { useTz: true });
  });
  await knex.raw(`UPDATE check_run_tables SET tickets_applied_at = finished_at WHERE status = 'ok'`);
  // The pending outcomes, in the order they were stored: few rows at any time.
  await knex.raw(
    `CREATE INDEX check_run_tables_tickets_pending ON check_run_tables (table_name, finished_at, run_id) WHERE status = 'ok' AND tickets_applied_at IS NULL`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX check_run_tables_tickets_pending');
  await knex.schema.alterTable('check_run_tables', (t) => {
    t.dropColumn('tickets_applied_at');
  });
}
