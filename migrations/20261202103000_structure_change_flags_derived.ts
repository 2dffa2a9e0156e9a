import type { Knex } from 'knex';

/**
 * The "structure change pending" marker of a table is derived from the changes themselves (every
 * change still submitted or approved-but-not-done that names the table), not kept in
 * `structure_change_flags`: that table held one change per table name (the newest), so rejecting or
 * completing the newest change removed the marker while an older change of the table was still pending.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.dropTable('structure_change_flags');
}

/** Back to one marker row per table, pointing at its newest pending change. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.createTable('structure_change_flags', (t) => {
    t.string('table_name', 200).primary();
    t.bigInteger('change_id').notNullable().references('structure_changes.id').onDelete('CASCADE');
    t.timestamp('flagged_at', { useTz: true }).notNullable();
  });
  await knex.raw(`
    INSERT INTO structure_change_flags (table_name, change_id, flagged_at)
    SELECT DISTINCT ON (t.table_name) t.table_name, c.id, c.filed_at
      FROM structure_changes AS c CROSS JOIN LATERAL unnest(c.tables) AS t(table_name)
     WHERE c.status IN ('submitted', 'approved')
     ORDER BY t.table_name, c.id DESC`);
}
