import type { Knex } from 'knex';

/**
 * A grant copies its request's "other" integration method text: `sharing_requests.method_other` is
 * text, `sharing_grants.method_other` was varchar(200), so a longer text made the final approval fail
 * and the request could never be granted. The grant column becomes text like the request's: nothing
 * approved is cut short (the form now refuses more than 200 characters, but requests submitted before
 * that may hold more). varchar → text needs no table rewrite on PostgreSQL.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE sharing_grants ALTER COLUMN method_other TYPE text');
}

/** Back to varchar(200): a longer text is cut to its first 200 characters (the column cannot hold more). */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE sharing_grants ALTER COLUMN method_other TYPE varchar(200) USING left(method_other, 200)');
}
