import request from 'supertest';
import { buildUser } from '../factories';
import { createTestApp, csrfFrom, TestApp } from '../helpers/app';

/**
 * A sign-in page left open past the idle time (its session, and the token its form carries, gone) answered the
 * correct login and password with the bare error page 403 页面已过期或请求来源无效，请刷新页面后重试: its 返回首页 led to
 * an empty sign-in form, the page first asked for (`next`) forgotten, and the page's language switch had no token
 * either. Nobody is signed in by such a form (a forged sign-in stays refused), but it comes back as the form, saying
 * why, with the login and the page asked for kept, ready to send again.
 */
describe('a sign-in form sent after its page expired', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** The page asked for, as the form (the sign-in form, the first with a `next`) sends it back. */
  const hiddenNext = (html: string) => /name="next" value="([^"]*)"/.exec(html)?.[1].replace(/&#x3D;/g, '=');
  const loginValue = (html: string) => /id="login" name="login"[^>]*value="([^"]*)"/.exec(html)?.[1];

  it('comes back as the form, saying the page expired, login and page asked for kept; sent again it signs in there', async () => {
    const u = await buildUser(t.db.knex, { login: 'morning.user', roles: ['user'] });
    const agent = request.agent(t.app);
    const page = await agent.get('/login?next=%2Finbox%3Funread%3D1').expect(200);
    await t.db.knex('sessions').del(); // the page stayed open past the idle time
    const res = await agent
      .post('/login')
      .type('form')
      .send({ login: u.login, password: u.password, next: '/inbox?unread=1', _csrf: csrfFrom(page.text) })
      .expect(403);
    expect(res.text).toContain('登录页面已过期（打开后长时间未操作），请重新输入密码登录。');
    expect(res.text).toContain('action="/login"');
    expect(loginValue(res.text)).toBe(u.login);
    expect(hiddenNext(res.text)).toBe('/inbox?unread=1');
    expect(res.text).not.toContain(u.password);
    // Nobody signed in by it, and no failed sign-in recorded: no password was checked.
    expect((await agent.get('/inbox').expect(302)).headers.location).toBe('/login?next=%2Finbox');
    expect(await t.db.knex('audit_log').where({ action: 'auth.login_failed' }).pluck('object_id')).toEqual([]);

    // The form shown again carries a token of its own: sent as it is, it signs in and goes to the page asked for.
    const again = await agent
      .post('/login')
      .type('form')
      .send({ login: u.login, password: u.password, next: hiddenNext(res.text), _csrf: csrfFrom(res.text) })
      .expect(302);
    expect(again.headers.location).toBe('/inbox?unread=1');
    await agent.get('/inbox?unread=1').expect(200);
  });

  it('says so in the language of the page, whose language switch works', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/login').set('Accept-Language', 'en').expect(200);
    await t.db.knex('sessions').del();
    const res = await agent
      .post('/login')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ login: 'someone', password: 'x', _csrf: csrfFrom(page.text) })
      .expect(403);
    expect(res.text).toContain('This sign-in page had expired (open too long): enter your password again to sign in.');
    await agent
      .post('/locale')
      .type('form')
      .send({ locale: 'zh-CN', next: '/login', _csrf: csrfFrom(res.text) })
      .expect(302);
    expect((await agent.get('/login').set('Accept-Language', 'en').expect(200)).text).toContain('<html lang="zh-CN"');
  });

  it('a signed-in session sending a sign-in form without its token is still refused as a forged form', async () => {
    const u = await buildUser(t.db.knex, { login: 'busy.user', roles: ['user'] });
    const agent = request.agent(t.app);
    const page = await agent.get('/login').expect(200);
    await agent
      .post('/login')
      .type('form')
      .send({ login: u.login, password: u.password, _csrf: csrfFrom(page.text) })
      .expect(302);
    const res = await agent.post('/login').type('form').send({ login: u.login, password: u.password }).expect(403);
    expect(res.text).toContain('页面已过期或请求来源无效');
    expect(res.text).not.toContain('action="/login"');
  });
});

/**
 * The sign-in form sent back (a wrong password, an expired page, a lock) kept the login but put the cursor in the login
 * box again: the password typed next went in after the login (and, sent, into the audit log as an unknown login).
 * With the login kept, the password box has the focus; an empty form starts at the login.
 */
describe('where the sign-in form puts the cursor', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  const focused = (html: string) => /<input id="(\w+)"[^>]* autofocus/.exec(html)?.[1];

  it('at the login on an empty form, at the password once the login is filled in', async () => {
    const u = await buildUser(t.db.knex, { login: 'typo.user', roles: ['user'] });
    const agent = request.agent(t.app);
    const page = await agent.get('/login').expect(200);
    expect(focused(page.text)).toBe('login');
    const wrong = await agent
      .post('/login')
      .type('form')
      .send({ login: u.login, password: 'not it', _csrf: csrfFrom(page.text) })
      .expect(401);
    expect(focused(wrong.text)).toBe('password');
    const empty = await agent
      .post('/login')
      .type('form')
      .send({ login: '', password: 'x', _csrf: csrfFrom(page.text) });
    expect([empty.status, focused(empty.text)]).toEqual([422, 'login']);
  });
});

/**
 * The language switch of a page left open past the idle time (a sign-in page, its session gone) answered the bare 403
 * error page, whose own switch had no token either: every click on it was the same 403 again. It now comes back to the
 * page it was on, in its language still, saying the switch did not happen; that page's switch works.
 */
describe('a language switch sent after its page expired', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('comes back to its page saying the language was not switched; clicked there again, it switches', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/login?next=%2Finbox').expect(200);
    await t.db.knex('sessions').del();
    const res = await agent
      .post('/locale')
      .type('form')
      .send({ locale: 'en', next: '/login?next=%2Finbox', _csrf: csrfFrom(page.text) })
      .expect(302);
    expect(res.headers.location).toBe('/login?next=%2Finbox');
    const back = await agent.get(res.headers.location).expect(200);
    expect(back.text).toContain('<html lang="zh-CN"');
    expect(back.text).toContain('页面已过期，语言未切换，请再点一次。');
    await agent
      .post('/locale')
      .type('form')
      .send({ locale: 'en', next: '/login', _csrf: csrfFrom(back.text) })
      .expect(302);
    expect((await agent.get('/login').expect(200)).text).toContain('<html lang="en"');
  });
});

/**
 * The sign-in form's "请输入账号 / 请输入密码" were announced once as alerts but tied to no box: a screen reader moving to
 * the login box heard neither that it was wrong nor why, as it does on every other form. Each box now says so.
 */
describe("the sign-in form's messages belong to their boxes", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  const input = (html: string, id: string) => new RegExp(`<input id="${id}"[^>]*>`).exec(html)?.[0] ?? '';

  it('marks the empty box invalid and describes it by its message; a box without a message is left alone', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/login').expect(200);
    expect(input(page.text, 'login')).not.toContain('aria-invalid');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ login: '', password: 'x', _csrf: csrfFrom(page.text) })
      .expect(422);
    expect(input(res.text, 'login')).toContain('aria-invalid="true" aria-describedby="login-error"');
    expect(res.text).toContain('<p class="field-error" role="alert" id="login-error">请输入账号</p>');
    expect(input(res.text, 'password')).not.toContain('aria-invalid');
    const both = await agent
      .post('/login')
      .type('form')
      .send({ login: 'someone', password: '', _csrf: csrfFrom(page.text) })
      .expect(422);
    expect(input(both.text, 'password')).toContain('aria-invalid="true" aria-describedby="password-error"');
    expect(both.text).toContain('id="password-error">请输入密码</p>');
  });
});
