import type { Knex } from 'knex';

// Departments are created here (not by the catalog migration) because every account belongs to one.
// The catalog import later fills in names and stewards for the codes it declares.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('departments', (t) => {
    t.string('code', 64).primary();
    t.string('name', 200).notNullable();
    t.jsonb('stewards').notNullable().defaultTo('[]');
    t.boolean('in_catalog').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('users', (t) => {
    t.bigIncrements('id');
    t.string('login', 64).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('email', 320);
    t.string('department_code', 64).notNullable().references('departments.code').onUpdate('CASCADE');
    t.specificType('roles', 'text[]').notNullable();
    t.text('password_hash');
    t.string('locale', 8).notNullable().defaultTo('zh-CN');
    t.boolean('disabled').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_login_at', { useTz: true });
  });
  await knex.raw(
    `ALTER TABLE users ADD CONSTRAINT users_roles_known CHECK (roles <@ ARRAY['admin','it_office','steward','dept_leader','univ_leader','user']::text[] AND cardinality(roles) > 0)`,
  );

  await knex.schema.createTable('api_tokens', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    // SHA-256 of the token: a token is 32 random bytes, so a fast hash is enough and lets us look it up.
    t.string('token_hash', 64).notNullable().unique();
    t.string('label', 200);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
  });

  await knex.schema.createTable('sessions', (t) => {
    t.string('sid', 128).primary();
    t.jsonb('data').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sessions');
  await knex.schema.dropTable('api_tokens');
  await knex.schema.dropTable('users');
  await knex.schema.dropTable('departments');
}
