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

/**
 * The sign-in page after signing out or a session's end spoke the browser's language again: English to a user who had
 * chosen Chinese in an English browser, and the other way round. The language last chosen in the browser is kept.
 */
describe('the sign-in page keeps the language chosen in this browser', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  const langOf = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

  it("after signing out, the account's language, whatever the browser prefers; the session cookie still comes first", async () => {
    const u = await buildUser(t.db.knex, { login: 'en.user', roles: ['user'] });
    await t.db.knex('users').where({ id: u.id }).update({ locale: 'en' });
    const agent = request.agent(t.app);
    const form = await agent.get('/login').set('Accept-Language', 'zh-CN').expect(200);
    expect(langOf(form.text)).toBe('zh-CN');
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(form.text)![1];
    const signedIn = await agent
      .post('/login')
      .set('Accept-Language', 'zh-CN')
      .type('form')
      .send({ login: u.login, password: u.password, _csrf: csrf })
      .expect(302);
    expect(String(signedIn.headers['set-cookie']?.[0])).toMatch(/^hubwatch\.sid=/);
    const home = await agent.get('/').set('Accept-Language', 'zh-CN').expect(200);
    expect(langOf(home.text)).toBe('en');
    const token = /name="csrf-token" content="([^"]+)"/.exec(home.text)![1];
    await agent.post('/logout').type('form').send({ _csrf: token }).expect(302);
    expect(langOf((await agent.get('/login').set('Accept-Language', 'zh-CN').expect(200)).text)).toBe('en');
  });

  it('a language chosen on the sign-in page outlives the session (its row gone, as after the idle time)', async () => {
    const agent = request.agent(t.app);
    const form = await agent.get('/login').set('Accept-Language', 'en').expect(200);
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(form.text)![1];
    await agent.post('/locale').type('form').send({ _csrf: csrf, locale: 'zh-CN', next: '/login' }).expect(302);
    await t.db.knex('sessions').del();
    expect(langOf((await agent.get('/login').set('Accept-Language', 'en').expect(200)).text)).toBe('zh-CN');
    // Another browser, with no choice made, reads its own language.
    expect(langOf((await request(t.app).get('/login').set('Accept-Language', 'en').expect(200)).text)).toBe('en');
  });
});
