import type { Knex } from 'knex';

/**
 * The ticket's sentence in English beside the Chinese one (`message`), written when a check or a report
 * files or updates the ticket, for English pages. Tickets from before keep only the Chinese sentence
 * (the pages fall back to it) until their next run or report writes both.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tickets', (t) => {
    t.text('message_en');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tickets', (t) => {
    t.dropColumn('message_en');
  });
}
