import type { Knex } from 'knex';

/**
 * The in-app inbox (every user has one) and the last daily digest per department. E-mail and
 * webhooks are not stored: they are sent (or written to DATA_DIR/outbox) when the event happens.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notifications', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('kind', 64).notNullable();
    t.string('title', 300).notNullable();
    t.text('body').notNullable().defaultTo('');
    t.string('link', 500);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('read_at', { useTz: true });
    t.index(['user_id', 'read_at', 'id'], 'notifications_user_idx');
  });

  // One row per department: claiming today's digest is a conditional update of this row, so several
  // Hubwatch instances never send the same department two digests on one day.
  await knex.schema.createTable('department_digests', (t) => {
    t.string('department_code', 64).primary().references('departments.code').onUpdate('CASCADE').onDelete('CASCADE');
    t.date('last_digest_on');
    t.timestamp('last_sent_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('department_digests');
  await knex.schema.dropTable('notifications');
}
