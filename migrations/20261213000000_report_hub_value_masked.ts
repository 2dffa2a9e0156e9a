import type { Knex } from 'knex';

/**
 * Whether a report's kept hub value (`reports.hub_value`) was masked when it was stored (its field was `sensitive`
 * then: services/reports/lookup.ts). The readers outside the department saw a sensitive field's value as stored,
 * which was right only while the field had been sensitive at filing: a field the catalog marks sensitive later kept
 * the value it stored in full, and it was shown in full. Now a value stored masked is shown as stored (masking it
 * again turns 120****7932 into 1********32) and any other is masked as it is read. Reports filed before this: a value
 * holding an asterisk is taken as masked (every masked value holds one).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reports', (t) => {
    t.boolean('hub_value_masked').notNullable().defaultTo(false);
  });
  await knex('reports').where('hub_value', 'like', '%*%').update({ hub_value_masked: true });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reports', (t) => {
    t.dropColumn('hub_value_masked');
  });
}
