import request from 'supertest';
import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The sign-in page a browser reaches after its session ended (idle timeout, a password changed elsewhere, the account
 * disabled) said nothing: the user, mid-work, found the empty form without a reason. It now says the session ended,
 * once; not after signing out, and not to a browser that never signed in.
 */
const ENDED = '您的登录已结束（长时间未操作、到达登录时限、密码已修改或账号被停用），请重新登录。';
const ENDED_EN = 'Your session has ended';

describe('the sign-in page after a session ended', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('says so once after the session expired (its row gone, as after the idle time)', async () => {
    const u = await buildUser(t.db.knex, { login: 'idle.user', roles: ['user'] });
    const { agent } = await signIn(t.app, u.login, u.password);
    await t.db.knex('sessions').del();
    const page = await agent.get('/inbox').expect(302);
    expect(page.headers.location).toBe('/login?next=%2Finbox');
    const login = await agent.get(page.headers.location).expect(200);
    expect(login.text).toContain(ENDED);
    // Said once: the same page opened again is the plain form.
    expect((await agent.get('/login').expect(200)).text).not.toContain(ENDED);
  });

  it('says so after an administrator disabled the account, in the language the browser reads', async () => {
    const u = await buildUser(t.db.knex, { login: 'gone.user', roles: ['user'] });
    const { agent } = await signIn(t.app, u.login, u.password);
    await t.db.knex('users').where({ id: u.id }).update({ disabled: true });
    expect((await agent.get('/').expect(302)).headers.location).toBe('/login?next=%2F');
    const login = await agent.get('/login').set('Accept-Language', 'en').expect(200);
    expect(login.text).toContain(ENDED_EN);
  });

  it('does not say so after signing out, nor to a browser that never signed in', async () => {
    const u = await buildUser(t.db.knex, { login: 'out.user', roles: ['user'] });
    const { agent, csrf } = await signIn(t.app, u.login, u.password);
    await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(302);
    expect((await agent.get('/login').expect(200)).text).not.toContain(ENDED);
    expect((await request(t.app).get('/login').expect(200)).text).not.toContain(ENDED);
  });
});
