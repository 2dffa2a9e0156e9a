import type { Knex } from 'knex';

/**
 * API tokens expire: a token issued from now on carries the instant it stops opening the API (by default a year
 * after it was issued, services/users API_TOKEN_DAYS). Tokens issued before have none (null) and keep working
 * until they are revoked, as they were promised.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_tokens', (t) => {
    t.timestamp('expires_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_tokens', (t) => {
    t.dropColumn('expires_at');
  });
}
