import type { Knex } from 'knex';

/**
 * Rate-limit counters shared by every instance (sign-in attempts, reports over the API): kept in
 * memory, each instance counted on its own, so N instances let N times the attempts through. One
 * row per limiter and client key (a SHA-256 of it: keys hold addresses and login names) and window.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limit_hits', (t) => {
    t.text('key').primary();
    t.integer('hits').notNullable();
    t.timestamp('reset_at', { useTz: true }).notNullable();
  });
  await knex.raw('CREATE INDEX rate_limit_hits_reset_idx ON rate_limit_hits (reset_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limit_hits');
}
