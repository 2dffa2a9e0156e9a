import request from 'supertest';
import { translator } from '../../server/i18n';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';

/**
 * After ten failed sign-ins the login is locked for the rest of its 15-minute window (per address and login).
 * A QA pass found the lock a dead end: the 11th attempt was a bare error page (尝试次数过多，请稍后再试, a link
 * to the home page, which leads back to the sign-in page) that said neither how long to wait nor what else to
 * do, and a password reset by an administrator — what a user who forgot their password asks for — did not
 * lift it: the new password, too, was refused for up to 15 minutes.
 */

const zh = translator('zh-CN');
const en = translator('en');

describe('a locked sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
  });
  afterAll(() => t.close());

  /** A fresh browser (optionally in English) that tries `login` with `password`; its answer. */
  async function attempt(login: string, password: string, english = false) {
    const agent = request.agent(t.app);
    if (english) {
      const page = await agent.get('/login').expect(200);
      await agent
        .post('/locale')
        .type('form')
        .send({ locale: 'en', next: '/login', _csrf: csrfFrom(page.text) });
    }
    const page = await agent.get('/login').expect(200);
    return agent
      .post('/login')
      .type('form')
      .send({ login, password, next: '/tickets', _csrf: csrfFrom(page.text) });
  }

  async function lockOut(login: string) {
    for (let i = 0; i < 10; i++) expect((await attempt(login, `wrong password ${i}`)).status).toBe(401);
  }

  it('shows the sign-in form again, the login kept, saying how many minutes to wait and what else to do', async () => {
    const user = await buildUser(t.db.knex, { department: 'HR' });
    await lockOut(user.login);
    const res = await attempt(user.login, user.password);
    expect(res.status).toBe(429);
    expect(res.text).toContain('action="/login"');
    expect(res.text).toContain(`name="login" autocomplete="username" value="${user.login}"`);
    expect(res.text).toContain('name="next" value="/tickets"');
    expect(res.text).toContain(zh('auth.login.errors.locked', { minutes: 15 }));
    expect(res.text).not.toContain(zh('errors.rateLimited'));
    expect(res.headers['retry-after']).toBeDefined();

    const english = await attempt(user.login, user.password, true);
    expect(english.status).toBe(429);
    expect(english.text).toContain(en('auth.login.errors.locked', { minutes: 15 }));
    expect(english.text).not.toMatch(/flash-error[^<]*[\u4e00-\u9fff]/);
  });

  it('an administrator’s password reset lifts it: the new password signs in at once', async () => {
    const admin = await buildUser(t.db.knex, { department: 'HR', roles: ['admin'] });
    const user = await buildUser(t.db.knex, { department: 'HR' });
    await lockOut(user.login);
    expect((await attempt(user.login, user.password)).status).toBe(429);

    const adminSession = await signIn(t.app, admin.login, admin.password);
    await adminSession.agent
      .post(`/admin/users/${user.id}/password`)
      .type('form')
      .send({ _csrf: adminSession.csrf, password: 'a brand new passphrase' })
      .expect(302);

    const res = await attempt(user.login, 'a brand new passphrase');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/tickets');
  });

  it('enabling a disabled account lifts it: the tries made while it was off do not lock its user out afterwards', async () => {
    const admin = await buildUser(t.db.knex, { department: 'HR', roles: ['admin'] });
    const user = await buildUser(t.db.knex, { department: 'HR' });
    const adminSession = await signIn(t.app, admin.login, admin.password);
    const setDisabled = (disabled: boolean) =>
      adminSession.agent
        .post(`/admin/users/${user.id}/${disabled ? 'disable' : 'enable'}`)
        .type('form')
        .send({ _csrf: adminSession.csrf })
        .expect(302);
    await setDisabled(true);
    // The user keeps trying the right password while the account is off (told it is disabled: 403), then calls the
    // administrator.
    for (let i = 0; i < 10; i++) expect((await attempt(user.login, user.password)).status).toBe(403);
    expect((await attempt(user.login, user.password)).status).toBe(429);
    await setDisabled(false);
    const res = await attempt(user.login, user.password);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/tickets');
  });

  it('the lock still holds for the account itself while nothing changed, and does not spill to other logins', async () => {
    const user = await buildUser(t.db.knex, { department: 'HR' });
    const other = await buildUser(t.db.knex, { department: 'HR' });
    await lockOut(user.login);
    expect((await attempt(user.login, user.password)).status).toBe(429);
    expect((await attempt(`  ${user.login.toUpperCase()}`, user.password)).status).toBe(429);
    expect((await attempt(other.login, other.password)).status).toBe(302);
  });

  it('the rate-limit headers name no key a client could compute (the account’s state is not readable from them)', async () => {
    const user = await buildUser(t.db.knex, { department: 'HR' });
    const res = await attempt(user.login, 'wrong password');
    const policy = String(res.headers['ratelimit-policy'] ?? '');
    const { createHash } = await import('node:crypto');
    const pk = (key: string) => Buffer.from(createHash('sha256').update(key).digest('hex').slice(0, 12)).toString('base64');
    for (const key of [`127.0.0.1|${user.login}`, `::ffff:127.0.0.1|${user.login}`, `127.0.0.1|${user.login}|0`])
      expect(policy).not.toContain(pk(key));
  });
});
