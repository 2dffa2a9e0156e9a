import type { Knex } from 'knex';

/**
 * API clients' `Idempotency-Key`s (server/http/idempotency.ts): a POST that creates something (a report, a
 * sharing request, a copy of one) sent again with the same key — a retry after a timeout — answers what the
 * first one answered instead of creating a second record. One row per account and key, kept 24 hours;
 * `status` null while the first request is still being handled.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_idempotency_keys', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('key', 255).notNullable();
    /** What was asked: method, path and body, hashed (SHA-256, hex). The same key for another request is refused. */
    t.string('request_hash', 64).notNullable();
    t.integer('status');
    t.jsonb('response');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['user_id', 'key']);
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_idempotency_keys');
}
