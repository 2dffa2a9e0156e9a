import request from 'supertest';
import { buildUser } from '../factories';
import { createTestApp, csrfFrom, TestApp } from '../helpers/app';

/**
 * A disabled account's owner typing their right password was told 账号或密码不正确: they tried again, asked for a
 * password reset (which does not help a disabled account) or locked themselves out. With the right password the
 * sign-in now says the account is disabled and whom to ask; a wrong password says what it says for anyone, so
 * nothing about the account is told to someone who does not know its password.
 */
describe('signing in to a disabled account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function attempt(login: string, password: string, lang?: string) {
    const agent = request.agent(t.app);
    const get = (path: string) => (lang ? agent.get(path).set('Accept-Language', lang) : agent.get(path));
    const page = await get('/login?next=%2Finbox').expect(200);
    const post = agent.post('/login').type('form');
    if (lang) post.set('Accept-Language', lang);
    const res = await post.send({ login, password, next: '/inbox', _csrf: csrfFrom(page.text) });
    return { res, agent };
  }

  it('with the right password says the account is disabled and whom to ask, signing nobody in', async () => {
    const u = await buildUser(t.db.knex, { login: 'left.user', roles: ['user'] });
    await t.db.knex('users').where({ id: u.id }).update({ disabled: true });
    const { res, agent } = await attempt(u.login, u.password);
    expect(res.status).toBe(403);
    expect(res.text).toContain('此账号已停用，不能登录；如需继续使用，请联系系统管理员启用。');
    expect(res.text).not.toContain('账号或密码不正确');
    expect((await agent.get('/inbox').expect(302)).headers.location).toBe('/login?next=%2Finbox');
    expect(await t.db.knex('audit_log').where({ action: 'auth.login_failed', object_id: u.login }).count({ n: '*' })).toEqual([
      { n: 1 },
    ]);

    const english = await attempt(u.login, u.password, 'en');
    expect(english.res.text).toContain('This account is disabled and cannot sign in; ask an administrator to enable it.');
  });

  it('with a wrong password says what it says for any account: nothing about it being disabled', async () => {
    const u = await buildUser(t.db.knex, { login: 'gone.user', roles: ['user'] });
    await t.db.knex('users').where({ id: u.id }).update({ disabled: true });
    const { res } = await attempt(u.login, 'not the password');
    expect(res.status).toBe(401);
    expect(res.text).toContain('账号或密码不正确');
    expect(res.text).not.toContain('已停用');
  });

  it('enabled again, the account signs in as before', async () => {
    const u = await buildUser(t.db.knex, { login: 'back.user', roles: ['user'] });
    await t.db.knex('users').where({ id: u.id }).update({ disabled: true });
    await t.db.knex('users').where({ id: u.id }).update({ disabled: false });
    const { res } = await attempt(u.login, u.password);
    expect([res.status, res.headers.location]).toEqual([302, '/inbox']);
  });
});
