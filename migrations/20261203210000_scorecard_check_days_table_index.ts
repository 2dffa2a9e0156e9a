import type { Knex } from 'knex';

/** A table's latest checks (the quality score on a sharing request, `scorecards/tables.ts`) by table and day. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('scorecard_check_days', (t) => {
    t.index(['table_name', 'day'], 'scorecard_check_days_table_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('scorecard_check_days', (t) => {
    t.dropIndex(['table_name', 'day'], 'scorecard_check_days_table_idx');
  });
}
