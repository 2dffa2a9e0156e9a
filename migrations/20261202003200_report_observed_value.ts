import type { Knex } from 'knex';

/**
 * What the reporter saw: the value they believe is wrong (`observed_value`, optional), and whether the
 * hub held exactly that value when the report was filed (`hub_matches`; null when nothing was typed or
 * the hub could not be asked). The report form's look-up compares against it instead of showing
 * someone the hub's value of a table they have no approval to read (a conditional or unshared table).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reports', (t) => {
    t.text('observed_value');
    t.boolean('hub_matches');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reports', (t) => {
    t.dropColumn('hub_matches');
    t.dropColumn('observed_value');
  });
}
