import type { Knex } from 'knex';

/**
 * Indexes for the ticket queue (`/tickets`, `GET /api/v1/tickets`) at 100,000 tickets (issue 9, Load).
 *
 * The queue is sorted by (due_at, id) and paged with LIMIT/OFFSET; without an index in that order
 * PostgreSQL reads and sorts every matching ticket for each page (40,000 active ones in the bench).
 * - `tickets_active_due_idx`: the default view (status active), the overdue view (due_at < today)
 *   and the escalated view, read in order; it also answers their count with an index-only scan.
 * - `tickets_status_due_idx`: one status chosen in the filter (e.g. resolved, 50 % of the table).
 * - `tickets_due_idx`: status "all".
 * - `tickets_table_name_idx`, `tickets_check_kind_idx`: the filter menus (distinct tables and check
 *   kinds) are read with a skip scan, one index probe per distinct value, instead of a scan of every
 *   ticket.
 * - `tickets_department_menus_idx`: the same menus for one department (a steward's queue), read from
 *   the index alone (index-only scan) instead of fetching the department's tickets scattered over
 *   the table.
 * The department-filtered queue already has `tickets_department_status_idx` and
 * `scorecards_tickets_active_idx`.
 */
const ACTIVE = `status IN ('open','acknowledged','fixed')`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX tickets_active_due_idx ON tickets (due_at, id) WHERE ${ACTIVE}`);
  await knex.raw('CREATE INDEX tickets_status_due_idx ON tickets (status, due_at, id)');
  await knex.raw('CREATE INDEX tickets_due_idx ON tickets (due_at, id)');
  await knex.raw('CREATE INDEX tickets_table_name_idx ON tickets (table_name)');
  await knex.raw('CREATE INDEX tickets_check_kind_idx ON tickets (check_kind)');
  await knex.raw('CREATE INDEX tickets_department_menus_idx ON tickets (department_code, table_name, check_kind)');
}

export async function down(knex: Knex): Promise<void> {
  for (const name of [
    'tickets_department_menus_idx',
    'tickets_check_kind_idx',
    'tickets_table_name_idx',
    'tickets_due_idx',
    'tickets_status_due_idx',
    'tickets_active_due_idx',
  ]) {
    await knex.raw(`DROP INDEX IF EXISTS ${name}`);
  }
}
