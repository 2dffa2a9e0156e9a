import type { Knex } from 'knex';

/**
 * The tables a run did not check because another run was checking them at that moment (a table is checked by one
 * run at a time: check_table_leases), with that run's id: `[{"table": "course_grade", "run_id": 4}]`. A run used to
 * lower its table count silently, and its page read "7 / 7" without saying which table it left to which run.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('check_runs', (t) => {
    t.jsonb('skipped_tables').notNullable().defaultTo(knex.raw(`'[]'::jsonb`));
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('check_runs', (t) => {
    t.dropColumn('skipped_tables');
  });
}
