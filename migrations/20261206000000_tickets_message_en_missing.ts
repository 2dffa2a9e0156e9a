import type { Knex } from 'knex';

/**
 * The tickets still without their English sentence (server/services/tickets/english-backfill.ts): every `serve`
 * start and `hubwatch migrate` asks whether there are any, and the backfill walks them by id. Every ticket written
 * since 20261203220000_ticket_message_en gets both sentences, so this partial index holds only the few older tickets
 * that cannot be described (their table left the catalog): the question costs an index probe, not a scan of
 * `tickets`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX tickets_message_en_missing ON tickets (id) WHERE message_en IS NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX tickets_message_en_missing');
}
