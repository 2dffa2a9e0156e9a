import type { Knex } from 'knex';

/**
 * A notice's title and body in English beside the Chinese ones, for readers of the English pages: the
 * inbox shows the reader's language at display time (the session's choice may change), e-mails and robots
 * stay Chinese. Null where a notice has no English text (older notices, words someone typed): shown as stored.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.string('title_en', 300);
    t.text('body_en');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropColumn('title_en');
    t.dropColumn('body_en');
  });
}
