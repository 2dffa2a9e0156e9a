import type { Knex } from 'knex';

/**
 * The IT office's "disputed" view of the ticket queue (`/tickets?view=disputed`, `GET /api/v1/tickets?view=disputed`):
 * active tickets whose department said "not our data", waiting to be reassigned, by due date. They are
 * few among the active ones, so a partial index in the queue's order reads the page and its count
 * without walking every active ticket.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `CREATE INDEX tickets_disputed_due_idx ON tickets (due_at, id) WHERE disputed_at IS NOT NULL AND status IN ('open','acknowledged','fixed')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS tickets_disputed_due_idx');
}
