import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { createApp } from '../../server/app';
import { KnexSessionStore } from '../../server/auth/session-store';
import { createTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';

describe('signing in and out', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('serves the login page in Chinese by default, and in English after switching', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/login').expect(200);
    expect(page.text).toContain('登录');
    await agent
      .post('/locale')
      .type('form')
      .send({ locale: 'en', next: '/login', _csrf: csrfFrom(page.text) })
      .expect(302);
    const english = await agent.get('/login').expect(200);
    expect(english.text).toContain('Sign in');
  });

  describe("the reader's language after signing in", () => {
    /** Signs in with the browser asking for `acceptLanguage` on every request. */
    async function browserSignIn(login: string, password: string, acceptLanguage?: string) {
      const agent = request.agent(t.app);
      const get = (path: string) => (acceptLanguage ? agent.get(path).set('Accept-Language', acceptLanguage) : agent.get(path));
      const page = await get('/login').expect(200);
      await agent
        .post('/login')
        .type('form')
        .send({ login, password, _csrf: csrfFrom(page.text) })
        .expect(302);
      return { agent, get, csrf: csrfFrom((await get('/').expect(200)).text) };
    }

    it('an English browser gets English pages signed in too; a Chinese or silent one Chinese', async () => {
      const user = await buildUser(t.db.knex, { roles: ['user'] });
      const english = await browserSignIn(user.login, user.password, 'en-US,en;q=0.9');
      expect((await english.get('/').expect(200)).text).toContain('<html lang="en"');
      const chinese = await browserSignIn(user.login, user.password, 'zh-CN,zh;q=0.9,en;q=0.8');
      expect((await chinese.get('/').expect(200)).text).toContain('<html lang="zh-CN"');
      const silent = await browserSignIn(user.login, user.password);
      expect((await silent.get('/').expect(200)).text).toContain('<html lang="zh-CN"');
    });

    it('the switch is saved with the account: the next sign-in, in another browser, starts in the chosen language', async () => {
      const user = await buildUser(t.db.knex, { roles: ['user'] });
      const first = await browserSignIn(user.login, user.password, 'zh-CN');
      await first.agent.post('/locale').type('form').send({ _csrf: first.csrf, locale: 'en', next: '/' }).expect(302);
      const elsewhere = await browserSignIn(user.login, user.password, 'zh-CN');
      expect((await elsewhere.get('/').expect(200)).text).toContain('<html lang="en"');
      expect(await t.db.knex('users').where({ id: user.id }).first('locale')).toEqual({ locale: 'en' });
    });

    it('the API answers in the language the client asks for, a refused token too', async () => {
      const user = await buildUser(t.db.knex, { roles: ['steward'] });
      const token = await issueApiToken(t.db.knex, user.id);
      const bad = await request(t.app)
        .get('/api/v1/me')
        .set('Authorization', 'Bearer hw_not-a-token')
        .set('Accept-Language', 'en')
        .expect(401);
      expect(bad.body.message).not.toMatch(/[\u4e00-\u9fff]/);
      const invalid = await request(t.app)
        .get('/api/v1/tickets?status=bogus')
        .set('Authorization', `Bearer ${token}`)
        .set('Accept-Language', 'en-GB,en;q=0.8')
        .expect(422);
      expect(invalid.body.fields.status).toMatch(/^[\x20-\x7e]+$/);
      const chinese = await request(t.app)
        .get('/api/v1/tickets?status=bogus')
        .set('Authorization', `Bearer ${token}`)
        .expect(422);
      expect(chinese.body.fields.status).toMatch(/[\u4e00-\u9fff]/);
    });
  });

  it('signs in with the right password, regenerating the session id, and lands on the home page', async () => {
    const user = await buildUser(t.db.knex, { roles: ['steward'] });
    const agent = request.agent(t.app);
    const page = await agent.get('/login').expect(200);
    const before = page.headers['set-cookie'][0].split(';')[0];
    const res = await agent
      .post('/login')
      .type('form')
      .send({ login: user.login, password: user.password, _csrf: csrfFrom(page.text), next: '/' })
      .expect(302);
    expect(res.headers.location).toBe('/');
    const after = res.headers['set-cookie'][0].split(';')[0];
    expect(after).not.toBe(before);
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain(user.name);
    const audit = await t.db.knex('audit_log').where({ action: 'auth.login', object_id: String(user.id) });
    expect(audit).toHaveLength(1);
  });

  it('refuses a wrong password with one message that does not say which part was wrong, and audits it', async () => {
    const user = await buildUser(t.db.knex);
    const agent = request.agent(t.app);
    const page = await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ login: user.login, password: 'wrong password', _csrf: csrfFrom(page.text) })
      .expect(401);
    expect(res.text).toContain('账号或密码不正确');
    expect(await t.db.knex('audit_log').where({ action: 'auth.login_failed', object_id: user.login })).toHaveLength(1);
  });

  it('names the empty field when the form is incomplete', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ login: '', password: '', _csrf: csrfFrom(page.text) })
      .expect(422);
    expect(res.text).toContain('请输入账号');
    expect(res.text).toContain('请输入密码');
  });

  it('names the box as the form does when an invisible character is refused (账号, not 登录名)', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ login: 'ad\u202emin', password: 'x', _csrf: csrfFrom(page.text) })
      .expect(422);
    expect(res.text).toContain('<strong>账号</strong>：文本中含有看不见的控制字符');
    expect(res.text).not.toContain('登录名');
  });

  it('signs in with the login in any case (logins are unique in any case), the password still exact', async () => {
    const user = await buildUser(t.db.knex, { login: `zhang.san.${Date.now()}` });
    const shouted = user.login.toUpperCase();
    const agent = request.agent(t.app);
    const csrf = csrfFrom((await agent.get('/login')).text);
    const ok = await agent.post('/login').type('form').send({ login: shouted, password: user.password, _csrf: csrf });
    expect([ok.status, ok.headers.location]).toEqual([302, '/']);
    const me = await agent.get('/').expect(200);
    expect(me.text).toContain(user.name);
    const other = request.agent(t.app);
    const token = csrfFrom((await other.get('/login')).text);
    await other
      .post('/login')
      .type('form')
      .send({ login: shouted, password: user.password.toUpperCase(), _csrf: token })
      .expect(401);
  });

  it('refuses a state change without the CSRF token', async () => {
    const user = await buildUser(t.db.knex);
    const agent = request.agent(t.app);
    await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ login: user.login, password: user.password }).expect(403);
    expect(res.text).toContain('页面已过期');
  });

  it('sends a form posted after its session ended to the sign-in page, back to its page, changing nothing', async () => {
    const user = await buildUser(t.db.knex);
    const { agent, csrf } = await signIn(t.app, user.login, user.password);
    await t.db.knex('sessions').delete(); // idle timeout, signed out in another tab, a password reset
    const before = await t.db.knex('notifications').count({ n: '*' });
    const res = await agent
      .post('/inbox/read')
      .set('Referer', 'http://127.0.0.1/inbox?page=2')
      .set('Host', '127.0.0.1')
      .type('form')
      .send({ id: 'all', _csrf: csrf });
    expect([res.status, res.headers.location]).toEqual([302, `/login?next=${encodeURIComponent('/inbox?page=2')}`]);
    expect(await t.db.knex('notifications').count({ n: '*' })).toEqual(before);
    // A session that is alive keeps refusing a wrong or missing token as "page expired" (a forged form).
    const alive = await signIn(t.app, user.login, user.password);
    const forged = await alive.agent.post('/inbox/read').type('form').send({ id: 'all' }).expect(403);
    expect(forged.text).toContain('页面已过期');
    // The sign-in and language forms, which a session-less visitor sends by design, change nothing without it either:
    // the sign-in form comes back (403), the switch goes back to its page unswitched (login-page-expired).
    await request(t.app).post('/login').type('form').send({ login: user.login, password: user.password }).expect(403);
    const locale = await request(t.app).post('/locale').type('form').send({ locale: 'en', next: '/' }).expect(302);
    expect(String(locale.headers['set-cookie'] ?? '')).not.toContain('hubwatch.lang=en');
  });

  it('masks the CSRF token anew in every (compressed) page; any mask of the own token passes, another session’s does not', async () => {
    const user = await buildUser(t.db.knex);
    const { agent } = await signIn(t.app, user.login, user.password);
    const first = await agent.get('/').set('Accept-Encoding', 'gzip').expect(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    const second = await agent.get('/inbox').expect(200);
    const [a, b] = [csrfFrom(first.text), csrfFrom(second.text)];
    expect(a).not.toBe(b);
    const someone = await buildUser(t.db.knex);
    const other = await signIn(t.app, someone.login, someone.password);
    for (const token of [a, b]) await agent.post('/inbox/read').type('form').send({ id: 'all', _csrf: token }).expect(302);
    await other.agent.post('/inbox/read').type('form').send({ id: 'all', _csrf: a }).expect(403);
    // The bytes after the mask alone are not the token either.
    await agent
      .post('/inbox/read')
      .type('form')
      .send({ id: 'all', _csrf: Buffer.from(a, 'base64url').subarray(32).toString('base64url') })
      .expect(403);
  });

  it('rate-limits repeated failed sign-ins for one login', async () => {
    const user = await buildUser(t.db.knex);
    const agent = request.agent(t.app);
    const page = await agent.get('/login');
    const csrf = csrfFrom(page.text);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await agent
        .post('/login')
        .type('form')
        .send({ login: user.login, password: `nope${i}`, _csrf: csrf });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('says in the RateLimit headers how many failed sign-ins are left: a successful one costs none', async () => {
    const user = await buildUser(t.db.knex);
    // A fresh visitor per try (a sign-in starts a new session with a new CSRF token); the same login and address.
    const post = async (password: string) => {
      const agent = request.agent(t.app);
      const csrf = csrfFrom((await agent.get('/login')).text);
      return agent.post('/login').type('form').send({ login: user.login, password, _csrf: csrf });
    };
    const left = (res: request.Response) => /^"10-in-15min"; r=(\d+); t=\d+/.exec(String(res.headers.ratelimit))?.[1];
    const failed = await post('nope');
    expect([failed.status, left(failed)]).toEqual([401, '9']);
    expect(failed.headers['ratelimit-policy']).toMatch(/^"10-in-15min"; q=10; w=900; pk=:/);
    // Signing in: nothing spent (the header said 8, the hit given back only after it was written).
    const signedIn = await post(user.password);
    expect([signedIn.status, left(signedIn)]).toEqual([302, '9']);
    for (let i = 0; i < 9; i++) await post(`nope${i}`);
    const locked = await post('nope again');
    expect([locked.status, left(locked)]).toEqual([429, '0']);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
  });

  it('counts a login padded with spaces or tabs as the same login: padding buys no fresh attempts', async () => {
    const user = await buildUser(t.db.knex);
    const agent = request.agent(t.app);
    const csrf = csrfFrom((await agent.get('/login')).text);
    const post = (login: string, password: string) => agent.post('/login').type('form').send({ login, password, _csrf: csrf });
    for (let i = 0; i < 10; i++)
      expect((await post(' '.repeat(i) + user.login + (i % 2 ? '\t' : ''), `nope${i}`)).status).toBe(401);
    expect((await post(`  ${user.login}`, 'nope again')).status).toBe(429);
    expect((await post(`${user.login}\t`, user.password)).status).toBe(429);
  });

  it('a login spelled with a letter PostgreSQL folds onto ASCII (İ, U+0130, for i) names no account: no second spelling, no fresh attempts', async () => {
    const user = await buildUser(t.db.knex, { login: `lib.steward.${Date.now()}` });
    const agent = request.agent(t.app);
    const csrf = csrfFrom((await agent.get('/login')).text);
    const post = (login: string, password: string) => agent.post('/login').type('form').send({ login, password, _csrf: csrf });
    const variant = user.login.replace('i', '\u0130');
    expect(variant).not.toBe(user.login);
    // The right password under the variant spelling does not sign in.
    expect((await post(variant, user.password)).status).toBe(401);
    for (let i = 0; i < 10; i++) expect((await post(user.login, `nope${i}`)).status).toBe(401);
    expect((await post(user.login, user.password)).status).toBe(429);
    // Locked: the variant is no way around it.
    expect((await post(variant, user.password)).status).toBe(401);
    expect((await agent.get('/api/v1/me')).status).toBe(401);
  });

  describe("a failed sign-in's audit row", () => {
    const failedRows = () =>
      t.db.knex('audit_log').where({ action: 'auth.login_failed' }).orderBy('seq').select('object_id', 'summary');
    async function failWith(login: string) {
      const agent = request.agent(t.app);
      const csrf = csrfFrom((await agent.get('/login')).text);
      const before = (await failedRows()).length;
      await agent.post('/login').type('form').send({ login, password: 'not the password', _csrf: csrf }).expect(401);
      const rows = await failedRows();
      expect(rows).toHaveLength(before + 1);
      return rows[rows.length - 1] as { object_id: string | null; summary: Record<string, unknown> };
    }

    it("names the account typed, in whatever case it was typed (that is the account's login, not a secret)", async () => {
      const user = await buildUser(t.db.knex, { login: `Case.${Date.now()}` });
      expect(await failWith(user.login)).toEqual({ object_id: user.login, summary: {} });
      const upper = user.login.toUpperCase();
      expect(await failWith(upper)).toEqual({ object_id: upper, summary: {} });
    });

    it('keeps no trace of a login no account has (a password typed into the login box): its length and a keyed marker', async () => {
      const password = 'Correct-Horse-9-Battery';
      const first = await failWith(password);
      expect(first.object_id).toBeNull();
      expect(first.summary).toEqual({ login: null, loginMarker: expect.stringMatching(/^[0-9a-f]{8}$/), loginLength: 23 });
      // Nowhere in the row, in any form; not the plain SHA-256 a reader could compute from a guess either.
      const row = await t.db.knex('audit_log').where({ action: 'auth.login_failed' }).orderBy('seq', 'desc').first();
      const unkeyed = createHash('sha256').update(password).digest('hex');
      expect(JSON.stringify(row)).not.toContain(password);
      expect(JSON.stringify(row).toLowerCase()).not.toContain(password.toLowerCase());
      expect(unkeyed.startsWith(first.summary.loginMarker as string)).toBe(false);
      // The same text again: the same marker, so repeated attempts can be told apart; other text, another.
      expect((await failWith(password)).summary.loginMarker).toBe(first.summary.loginMarker);
      expect((await failWith(`${password}!`)).summary.loginMarker).not.toBe(first.summary.loginMarker);
      // Phone and ID numbers typed as the login are not kept either, not even masked.
      for (const login of ['13912345678', '110101199003077777']) {
        const r = await failWith(login);
        expect(r).toEqual({ object_id: null, summary: expect.objectContaining({ login: null, loginLength: login.length }) });
      }
    });

    it('the audit page shows such a row as an unknown login, in both languages', async () => {
      const admin = await buildUser(t.db.knex, { roles: ['admin'] });
      await failWith('my secret passphrase');
      const { agent } = await signIn(t.app, admin.login, admin.password);
      const zh = (await agent.get('/admin/audit?action=auth.login_failed').expect(200)).text;
      expect(zh).toContain('登录账号（无此账号，所输内容不记录）');
      expect(zh).toContain('所输账号的标记');
      expect(zh).toContain('所输账号的字符数');
      expect(zh).not.toContain('my secret passphrase');
      const csrf = csrfFrom(zh);
      await agent.post('/locale').type('form').send({ locale: 'en', next: '/', _csrf: csrf }).expect(302);
      const en = (await agent.get('/admin/audit?action=auth.login_failed').expect(200)).text;
      expect(en).toContain('Login (no such account; what was typed is not recorded)');
      expect(en).toContain('Marker of the login typed');
      expect(en).toContain('Characters typed as the login');
    });
    it('the audit page names its actor as not signed in, not the system; the login tried is its object', async () => {
      const admin = await buildUser(t.db.knex, { roles: ['admin'] });
      const known = await buildUser(t.db.knex, { login: `Tried.${Date.now()}` });
      await failWith(known.login);
      await failWith('another secret passphrase');
      const { agent } = await signIn(t.app, admin.login, admin.password);
      /** The actor and object cells of the failed sign-ins a page lists, newest first. */
      const rowsOf = (html: string) =>
        [...html.matchAll(/<td class="actor">(.*?)<\/td>\s*<td class="action">.*?<\/td>\s*<td class="object">(.*?)<\/td>/gs)].map(
          (m) => [m[1], m[2]],
        );
      const zh = rowsOf((await agent.get('/admin/audit?action=auth.login_failed').expect(200)).text);
      expect(zh.length).toBeGreaterThanOrEqual(2);
      expect(zh.slice(0, 2)).toEqual([
        ['<span class="muted">未登录</span>', '登录账号（无此账号，所输内容不记录）'],
        ['<span class="muted">未登录</span>', `登录账号 #${known.login}`],
      ]);
      for (const [actor] of zh) expect(actor).toBe('<span class="muted">未登录</span>');
      const home = (await agent.get('/').expect(200)).text;
      await agent
        .post('/locale')
        .type('form')
        .send({ locale: 'en', next: '/', _csrf: csrfFrom(home) })
        .expect(302);
      const en = rowsOf((await agent.get('/admin/audit?action=auth.login_failed').expect(200)).text);
      expect(en[0]).toEqual([
        '<span class="muted">Not signed in</span>',
        'Login (no such account; what was typed is not recorded)',
      ]);
      expect(en[1]).toEqual(['<span class="muted">Not signed in</span>', `Login #${known.login}`]);
    });
  });

  it('counts failed sign-ins across instances on one database, even the right password then waits out the window', async () => {
    const user = await buildUser(t.db.knex);
    // A second instance of the service on the same database (as behind a load balancer).
    const other = createApp(t.ctx);
    const attempt = async (app: typeof t.app, password: string) => {
      const agent = request.agent(app);
      const page = await agent.get('/login');
      return (
        await agent
          .post('/login')
          .type('form')
          .send({ login: user.login, password, _csrf: csrfFrom(page.text) })
      ).status;
    };
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await attempt(i % 2 ? other : t.app, `nope${i}`));
    expect(statuses).toEqual(Array(10).fill(401));
    expect(await attempt(t.app, 'nope again')).toBe(429);
    expect(await attempt(other, user.password)).toBe(429);
    // Stored hashed: neither the login nor the address is readable in the table.
    const keys = (await t.db.knex('rate_limit_hits').pluck('key')) as string[];
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.includes(user.login) || k.includes('127.0.0.1'))).toBe(false);
  });

  it('signs out: the session no longer reaches signed-in pages', async () => {
    const user = await buildUser(t.db.knex);
    const { agent, csrf } = await signIn(t.app, user.login, user.password);
    await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(302);
    const res = await agent.get('/').expect(302);
    expect(res.headers.location).toBe('/login?next=%2F');
  });

  it('stays signed out when a request that was in flight at sign-out saves its session afterwards', async () => {
    const user = await buildUser(t.db.knex);
    const { agent, csrf } = await signIn(t.app, user.login, user.password);
    const cookie = (await agent.get('/').expect(200)).request.cookies;
    const row = await t.db
      .knex('sessions')
      .whereRaw(`data->>'userId' = ?`, [String(user.id)])
      .first('sid', 'data');
    await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(302);
    // The other tab's request ends now: express-session saves the session it loaded before the sign-out.
    const store = new KnexSessionStore(t.db.knex);
    const data = typeof row.data === 'string' ? JSON.parse(row.data) : row.data;
    await new Promise<void>((resolve, reject) => store.set(row.sid, data, (err) => (err ? reject(err) : resolve())));
    // Its response set the old cookie again: it reaches no signed-in page.
    const res = await request(t.app).get('/').set('Cookie', cookie).expect(302);
    expect(res.headers.location).toBe('/login?next=%2F');
    expect(
      await t.db
        .knex('sessions')
        .whereRaw(`data->>'userId' = ?`, [String(user.id)])
        .count({ n: '*' }),
    ).toEqual([{ n: 0 }]);
  });

  it('signing out of a session that has already ended goes to the sign-in page, not to "page expired" (403)', async () => {
    const user = await buildUser(t.db.knex);
    const { agent, csrf } = await signIn(t.app, user.login, user.password);
    // The session ends meanwhile (idle timeout, or ended from another browser): the store forgets it.
    await t.db.knex('sessions').delete();
    const res = await agent.post('/logout').type('form').send({ _csrf: csrf });
    expect([res.status, res.headers.location]).toEqual([303, '/login']);
    // A forged sign-out of a live session is still refused.
    const live = await signIn(t.app, user.login, user.password);
    await live.agent.post('/logout').type('form').send({ _csrf: 'forged' }).expect(403);
    await live.agent.get('/').expect(200);
  });

  it('a form sent after its session ended leads, once signed in, back to the page it was on (not its POST URL)', async () => {
    const user = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    const { agent, csrf } = await signIn(t.app, user.login, user.password);
    // The session ends under the open page (here: the account disabled; the absolute lifetime does the same).
    await t.db.knex('users').where({ id: user.id }).update({ disabled: true });
    const host = '127.0.0.1';
    const res = await agent
      .post('/tickets/acknowledge')
      .set('Host', host)
      .set('Referer', `http://${host}/tickets?status=active`)
      .type('form')
      .send({ _csrf: csrf, ids: '1' });
    expect([res.status, res.headers.location]).toEqual([302, `/login?next=${encodeURIComponent('/tickets?status=active')}`]);
    // Another site's Referer is not followed.
    const elsewhere = await agent
      .post('/tickets/acknowledge')
      .set('Referer', 'https://evil.example/tickets')
      .type('form')
      .send({ _csrf: csrf, ids: '1' });
    expect(elsewhere.headers.location).toBe('/login?next=%2F');
  });

  it('takes API tokens on the API only: a page sends a token to the sign-in page, as anyone not signed in', async () => {
    const user = await buildUser(t.db.knex, { department: 'HR', roles: ['it_office'] });
    const token = await issueApiToken(t.db.knex, user.id);
    await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    for (const path of ['/', '/tickets', '/admin/users', '/catalog/export']) {
      const res = await request(t.app).get(path).set('Authorization', `Bearer ${token}`);
      expect({ path, status: res.status, to: res.headers.location }).toEqual({
        path,
        status: 302,
        to: `/login?next=${encodeURIComponent(path)}`,
      });
    }
    const before = await t.db.knex('check_runs').count({ n: '*' });
    await request(t.app).post('/runs').set('Authorization', `Bearer ${token}`).send({}).expect(302);
    expect(await t.db.knex('check_runs').count({ n: '*' })).toEqual(before);
  });

  it('knows the API by its one spelling, /api/: /API/v1 and /Api/v1 are not found, whatever they carry', async () => {
    const user = await buildUser(t.db.knex, { department: 'HR', roles: ['it_office'] });
    const token = await issueApiToken(t.db.knex, user.id);
    for (const path of ['/API/v1/me', '/Api/v1/tickets', '/aPI/v1/reports']) {
      const res = await request(t.app).get(path).set('Authorization', `Bearer ${token}`).set('Accept', 'application/json');
      expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 404, error: 'not_found' });
    }
    const before = await t.db.knex('sharing_requests').count({ n: '*' });
    await request(t.app)
      .post('/API/v1/sharing-requests')
      .set('Authorization', `Bearer ${token}`)
      .send({ purpose: 'x', method: 'api', items: [], pledge_accepted: true })
      .expect(404);
    expect(await t.db.knex('sharing_requests').count({ n: '*' })).toEqual(before);
    await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    // Pages keep answering in any case, as before (a typed /Tickets is the ticket list).
    await request(t.app).get('/Tickets').expect(302);
  });

  it('sends helmet security headers', async () => {
    const res = await request(t.app).get('/login');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('compresses pages with brotli where the browser takes it, else gzip; never what it did not ask for', async () => {
    const page = (encoding: string) => request(t.app).get('/login').set('Accept-Encoding', encoding).buffer(true);
    const br = await page('gzip, deflate, br').expect(200);
    expect([br.headers['content-encoding'], br.headers.vary]).toEqual(['br', 'Accept-Encoding']);
    expect(br.text).toContain('name="password"'); // decoded by the client: the page itself
    expect((await page('gzip').expect(200)).headers['content-encoding']).toBe('gzip');
    expect((await page('br;q=0, gzip').expect(200)).headers['content-encoding']).toBe('gzip');
    const plain = await page('identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toContain('name="password"');
    // Tiny answers are not worth it.
    expect(
      (await request(t.app).get('/healthz').set('Accept-Encoding', 'gzip').expect(200)).headers['content-encoding'],
    ).toBeUndefined();
  });

  it('sends chart.js compressed once at its best, the same script whatever the encoding, and 304 when cached', async () => {
    const file = fs.readFileSync(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
    const chart = (encoding: string) =>
      request(t.app).get('/static/vendor/chart.umd.min.js').set('Accept-Encoding', encoding).buffer(true);
    for (const [encoding, expected] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['identity', undefined],
    ] as const) {
      const res = await chart(encoding).expect(200);
      expect({ encoding, used: res.headers['content-encoding'] }).toEqual({ encoding, used: expected });
      expect(res.text).toBe(file);
      if (expected) expect(Number(res.headers['content-length'])).toBeLessThan(file.length / 2.5);
    }
    const etag = (await chart('br')).headers.etag;
    await request(t.app).get('/static/vendor/chart.umd.min.js').set('If-None-Match', etag).expect(304);
  });

  it('never redirects to another site after sign-in', async () => {
    const user = await buildUser(t.db.knex);
    const agent = request.agent(t.app);
    const page = await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ login: user.login, password: user.password, _csrf: csrfFrom(page.text), next: '//evil.example/x' });
    expect(res.headers.location).toBe('/');
  });
});
