import type { Knex } from 'knex';

/**
 * A notice that asks someone to act names what it is about (`subject`, e.g. `sharing_stage:12`, `ticket_extension:7`):
 * once the act is done — by its reader or a colleague — every unread notice about it is marked read
 * (notifications/inbox.ts settleNotices), so the inbox stops saying "waiting for your review" about a stage someone
 * decided. The partial index serves exactly that look-up (unread rows of one subject).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.string('subject', 80);
  });
  await knex.raw(
    'CREATE INDEX notifications_unread_subject_idx ON notifications (subject) WHERE read_at IS NULL AND subject IS NOT NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX notifications_unread_subject_idx');
  await knex.schema.alterTable('notifications', (t) => {
    t.dropColumn('subject');
  });
}
