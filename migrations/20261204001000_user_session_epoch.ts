import type { Knex } from 'knex';

/**
 * A counter of the account's session generations. Ending an account's sessions (disabling it, a password
 * reset or change) deletes their rows and counts up; a session remembers the count it signed in with and is
 * signed out when it differs. Deleting alone was not enough: a request of that session still in flight saves
 * its session at the end (insert or update) and brought the row back.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.integer('session_epoch').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('session_epoch');
  });
}
