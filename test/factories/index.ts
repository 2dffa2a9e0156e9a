import type { Knex } from 'knex';
import { Role } from '../../server/policies';
import { createUser, UserRow } from '../../server/services/users';

/**
 * Test factories: `buildX(db, overrides)` creates what a test needs and its parents on demand, so a
 * test states only what it is about.
 */
let counter = 0;
const next = () => ++counter;

export async function buildDepartment(db: Knex, overrides: Partial<{ code: string; name: string; stewards: string[] }> = {}) {
  const code = overrides.code ?? `D${next()}`;
  const existing = await db('departments').where({ code }).first();
  if (existing) return existing as { code: string; name: string };
  const row = { code, name: overrides.name ?? `部门${code}`, stewards: JSON.stringify(overrides.stewards ?? []) };
  await db('departments').insert(row);
  return { code: row.code, name: row.name };
}

export const TEST_PASSWORD = 'correct horse battery';

export async function buildUser(
  db: Knex,
  overrides: Partial<{ login: string; name: string; department: string; roles: Role[]; password: string }> = {},
): Promise<UserRow & { password: string }> {
  const department = overrides.department ?? (await buildDepartment(db)).code;
  await buildDepartment(db, { code: department });
  const password = overrides.password ?? TEST_PASSWORD;
  const { user } = await createUser(db, {
    login: overrides.login ?? `user${next()}`,
    name: overrides.name ?? '测试用户',
    department,
    roles: overrides.roles ?? ['user'],
    password,
  });
  return { ...user, password };
}
