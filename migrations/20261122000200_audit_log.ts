import type { Knex } from 'knex';

// The audit log is append-only and hash-chained (see server/services/audit/). Deliberately no foreign
// keys: deleting or renaming a user must never rewrite an audit row, which would break the chain.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    // Assigned by the appender (last seq + 1 under an advisory lock), not a sequence: sequences leave
    // gaps on rollback, and a gap is how a deleted row shows.
    t.bigInteger('seq').primary();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.bigInteger('actor_user_id');
    t.string('actor_login', 64);
    t.specificType('actor_roles', 'text[]').notNullable().defaultTo('{}');
    t.string('actor_department', 64);
    t.string('action', 100).notNullable();
    t.string('object_type', 64);
    t.string('object_id', 200);
    t.jsonb('summary').notNullable().defaultTo('{}');
    t.text('ip');
    t.string('request_id', 128);
    t.specificType('prev_hash', 'char(64)').notNullable();
    t.specificType('row_hash', 'char(64)').notNullable().unique();
    t.index(['object_type', 'object_id'], 'audit_log_object_idx');
    t.index(['occurred_at'], 'audit_log_occurred_at_idx');
  });
  await knex.raw(
    `ALTER TABLE audit_log ADD CONSTRAINT audit_log_hashes_hex CHECK (prev_hash ~ '^[0-9a-f]{64}$' AND row_hash ~ '^[0-9a-f]{64}$')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
}
