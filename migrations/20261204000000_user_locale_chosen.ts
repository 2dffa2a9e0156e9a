import type { Knex } from 'knex';

/**
 * `users.locale` becomes the language a user chose (null until they choose one). It was NOT NULL with
 * default 'zh-CN' and nothing ever wrote it, so every stored 'zh-CN' is that default, not a choice — and it
 * hid the browser's language from the locale middleware: an English browser got Chinese pages once signed
 * in. Now a signed-in user without a choice gets their browser's language, as before signing in.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE users ALTER COLUMN locale DROP NOT NULL`);
  await knex.raw(`ALTER TABLE users ALTER COLUMN locale DROP DEFAULT`);
  await knex.raw(`UPDATE users SET locale = NULL WHERE locale = 'zh-CN'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`UPDATE users SET locale = 'zh-CN' WHERE locale IS NULL`);
  await knex.raw(`ALTER TABLE users ALTER COLUMN locale SET DEFAULT 'zh-CN'`);
  await knex.raw(`ALTER TABLE users ALTER COLUMN locale SET NOT NULL`);
}
