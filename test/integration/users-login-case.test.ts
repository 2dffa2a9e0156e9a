import { up as addLoginLowerIndex } from '../../migrations/20261205001000_users_login_lower_unique';
import { ValidationError } from '../../server/errors';
import { translator } from '../../server/i18n';
import { createUser } from '../../server/services/users';
import { buildDepartment, buildUser } from '../factories';
import { createMigratedTestDatabase, TestDatabase, usingRealPostgres } from '../helpers/database';

/**
 * One account per login in any case (`admin`, `Admin`): the service refuses the second, and since migration
 * 20261205001000 the database does too (a unique index on lower(login)), so two added at the same instant cannot
 * both land.
 */
describe('logins differing only in case', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createMigratedTestDatabase('login_case');
  });
  afterAll(() => db.close());

  it('the database itself refuses a second login differing only in case', async () => {
    const user = await buildUser(db.knex, { login: `Lower.${Date.now()}` });
    await expect(
      db.knex('users').insert({
        login: user.login.toLowerCase(),
        name: 'x',
        department_code: user.department_code,
        roles: ['user'],
      }),
    ).rejects.toMatchObject({ code: '23505', constraint: 'users_login_lower_unique' });
  });

  (usingRealPostgres() ? it : it.skip)(
    'an account added while another with the same login in another case is being added: "the login exists", not a 500',
    async () => {
      const { code: department } = await buildDepartment(db.knex);
      const login = `Race.${Date.now()}`;
      // The other one's insert is made and not yet committed: the service's check cannot see it, its own insert
      // waits on the index, then is refused when the other commits.
      const other = await db.knex.transaction();
      try {
        await other('users').insert({ login, name: '先到者', department_code: department, roles: ['user'] });
        const second = createUser(db.knex, {
          login: login.toLowerCase(),
          name: '后到者',
          department,
          roles: ['user'],
          password: 'a long enough password',
        });
        const outcome = second.then(
          () => 'created',
          (err: unknown) => err,
        );
        // Let the second reach its insert (hashing the password takes a moment), then commit the first.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await other.commit();
        const err = await outcome;
        expect(err).toBeInstanceOf(ValidationError);
        const fields = (err as ValidationError).fields;
        expect(fields).toEqual([
          { field: 'login', key: 'users.errors.loginTakenCase', params: { login: login.toLowerCase(), existing: login } },
        ]);
        expect(translator('en')(fields[0].key, fields[0].params)).toContain(login);
      } finally {
        if (!other.isCompleted()) await other.rollback();
      }
      expect(await db.knex('users').whereRaw('lower(login) = lower(?)', [login]).pluck('login')).toEqual([login]);
      // Nothing else written for the refused one: no audit row of its creation.
      const created = await db.knex('audit_log').where({ action: 'user.create' }).select('summary');
      expect(created.map((r: { summary: { after: { login: string } } }) => r.summary.after.login)).not.toContain(
        login.toLowerCase(),
      );
    },
  );

  it('two added at the same instant in different cases: one account, the other told the login exists', async () => {
    const { code: department } = await buildDepartment(db.knex);
    const login = `Same.${Date.now()}`;
    const add = (l: string) =>
      createUser(db.knex, { login: l, name: '同时', department, roles: ['user'], password: 'a long enough password' });
    const results = await Promise.allSettled([add(login), add(login.toUpperCase()), add(login.toLowerCase())]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(ValidationError);
      expect((r.reason as ValidationError).fields[0]).toMatchObject({ field: 'login', key: 'users.errors.loginTakenCase' });
    }
    expect(Number((await db.knex('users').whereRaw('lower(login) = lower(?)', [login]).count({ n: '*' }))[0].n)).toBe(1);
  });

  it('the migration stops on accounts already differing only in case, naming them, and changes nothing', async () => {
    await db.knex.raw('DROP INDEX users_login_lower_unique');
    try {
      const { code: department } = await buildDepartment(db.knex);
      await db.knex('users').insert(
        ['Dup.Zhang', 'dup.zhang', 'Twin', 'TWIN'].map((login) => ({
          login,
          name: 'x',
          department_code: department,
          roles: ['user'],
        })),
      );
      const attempt = db.knex.transaction((trx) => addLoginLowerIndex(trx));
      await expect(attempt).rejects.toThrow(/Dup\.Zhang \(id \d+\), dup\.zhang \(id \d+\); Twin \(id \d+\), TWIN \(id \d+\)/);
      await expect(attempt).rejects.toThrow(/账号名仅大小写不同/);
      await expect(attempt).rejects.toThrow(/Rename all but one of each/);
      // Renamed: the migration goes through.
      await db.knex('users').where({ login: 'dup.zhang' }).update({ login: 'dup.zhang2' });
      await db.knex('users').where({ login: 'TWIN' }).update({ login: 'twin2' });
      await db.knex.transaction((trx) => addLoginLowerIndex(trx));
    } finally {
      await db.knex.raw('CREATE UNIQUE INDEX IF NOT EXISTS users_login_lower_unique ON users (lower(login))');
    }
  });
});
