import { ValidationError } from '../../server/errors';
import { translator } from '../../server/i18n';
import { createUser } from '../../server/services/users';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * A QA pass added the account `Admin` (name 系统管理员) beside `admin`: logins differing only in case were two
 * accounts. In lists, the audit log, tickets and comments they read as the same person, so one could pass for
 * the other. A login is now refused when an account has it in another case, on the form and from the command
 * line (which share createUser), naming the account that has it.
 */

const zh = translator('zh-CN');
const en = translator('en');
/** Handlebars escapes text: compare messages as the page writes them. */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/=/g, '&#x3D;');

describe('logins that differ only in case', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
  });
  afterAll(() => t.close());

  const accountsNamed = async (login: string) =>
    (await t.db.knex('users').whereRaw('lower(login) = lower(?)', [login]).pluck('login')) as string[];

  it('the add form refuses one, naming the account that has it; nothing written', async () => {
    const admin = await buildUser(t.db.knex, { login: 'admin', department: 'HR', roles: ['admin'] });
    const { agent, csrf } = await signIn(t.app, admin.login, admin.password);
    const res = await agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: csrf, login: 'Admin', name: '系统管理员', department: 'HR', roles: 'user' })
      .expect(422);
    expect(res.text).toContain(html(zh('users.errors.loginTakenCase', { login: 'Admin', existing: 'admin' })));
    expect(await accountsNamed('admin')).toEqual(['admin']);
  });

  it('so does the command line’s createUser, in either language; the same login in its own case is “taken” as before', async () => {
    await buildUser(t.db.knex, { login: 'zhang.san', department: 'HR' });
    const attempt = (login: string) =>
      createUser(t.db.knex, { login, name: '张三', department: 'HR', roles: ['user'], password: 'a long passphrase' }).then(
        () => null,
        (err: unknown) => err,
      );
    const err = await attempt('Zhang.San');
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).fields).toEqual([
      { field: 'login', key: 'users.errors.loginTakenCase', params: { login: 'Zhang.San', existing: 'zhang.san' } },
    ]);
    expect(en('users.errors.loginTakenCase', { login: 'Zhang.San', existing: 'zhang.san' })).toContain('zhang.san');
    const same = await attempt('zhang.san');
    expect((same as ValidationError).fields).toEqual([
      { field: 'login', key: 'users.errors.loginTaken', params: { login: 'zhang.san' } },
    ]);
    expect(await accountsNamed('zhang.san')).toEqual(['zhang.san']);
  });
});
