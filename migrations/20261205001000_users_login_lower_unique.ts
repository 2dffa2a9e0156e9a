import type { Knex } from 'knex';

/** The index's name: services/users (createUser) maps a violation of it to "the login exists". */
const LOGIN_LOWER_INDEX = 'users_login_lower_unique';

/**
 * At most one account per login in any case (`admin` and `Admin` are one login). The service has refused such a
 * second account since before this index, but two added at the same instant could both land: each checked before
 * the other wrote. Now the database refuses the second.
 *
 * Accounts already differing only in case are not changed here (which one to rename, and to what, is a person's
 * decision, and logins are in the audit log): the migration stops naming them, and nothing else is applied until
 * one of each group is renamed (`UPDATE users SET login = '…' WHERE id = …`).
 */
export async function up(knex: Knex): Promise<void> {
  // No account added between the check and the index (CREATE INDEX takes this lock too).
  await knex.raw('LOCK TABLE users IN SHARE MODE');
  const { rows } = (await knex.raw(
    `SELECT string_agg(login || ' (id ' || id || ')', ', ' ORDER BY id) AS logins
       FROM users GROUP BY lower(login) HAVING count(*) > 1 ORDER BY min(lower(login))`,
  )) as { rows: { logins: string }[] };
  if (rows.length) {
    const groups = rows.map((r) => r.logins).join('; ');
    throw new Error(
      `账号名仅大小写不同，无法建立唯一索引：${groups}。请先改名（UPDATE users SET login = '…' WHERE id = …），再运行 hubwatch migrate / ` +
        `logins differing only in case stop the unique index on lower(login): ${groups}. Rename all but one of each ` +
        `(UPDATE users SET login = '…' WHERE id = …), then run hubwatch migrate again`,
    );
  }
  await knex.raw(`CREATE UNIQUE INDEX ${LOGIN_LOWER_INDEX} ON users (lower(login))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX IF EXISTS ${LOGIN_LOWER_INDEX}`);
}
