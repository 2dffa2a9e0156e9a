import request from 'supertest';
import { ValidationError } from '../../server/errors';
import { translator } from '../../server/i18n';
import { issueApiToken, setUserDisabled, toCurrentUser, type UserRow } from '../../server/services/users';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { changedSince, installChangeLog, mark } from '../helpers/change-log';
import { usingRealPostgres } from '../helpers/database';

/**
 * Managing accounts after they were added (a security review: nothing disabled an account, reset a
 * password or ended a stolen session). An administrator edits an account at /admin/users/:id, disables
 * and enables it, resets its password; everyone changes their own at /account/password. Disabling and
 * resets end the account's sessions; a change of one's own password ends the other sessions. Nobody
 * disables themselves, and at least one enabled administrator always remains.
 */

const zh = translator('zh-CN');
const en = translator('en');
/** Handlebars escapes text: compare messages as the page writes them. */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/=/g, '&#x3D;');
/** The form's cell of an input: the input and what follows it up to the next label. */
const cellOf = (page: string, id: string) =>
  page.slice(page.indexOf(`id="${id}"`), page.indexOf('<label', page.indexOf(`id="${id}"`)));
/** A section of the account page (status, password). */
const sectionOf = (page: string, id: string) =>
  page.slice(page.indexOf(`id="${id}"`), page.indexOf('</section>', page.indexOf(`id="${id}"`)));

type Session = Awaited<ReturnType<typeof signIn>>;

describe('account management', () => {
  let t: TestApp;
  let admin: UserRow & { password: string };
  let adminSession: Session;

  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
    await buildDepartment(t.db.knex, { code: 'STU', name: '学生处' });
    admin = await buildUser(t.db.knex, { login: 'admin', department: 'HR', roles: ['admin'] });
    adminSession = await signIn(t.app, admin.login, admin.password);
    await installChangeLog(t.db.knex);
  });
  afterAll(() => t.close());

  /** Sends a form as the administrator (with the CSRF token unless `csrf` is false). */
  const post = (session: Session, url: string, form: Record<string, string | string[] | undefined> = {}, csrf = true) =>
    session.agent
      .post(url)
      .type('form')
      .send(csrf ? { _csrf: session.csrf, ...form } : form);

  /** Whether `login` and `password` sign in (a fresh agent). */
  async function canSignIn(login: string, password: string): Promise<boolean> {
    const agent = request.agent(t.app);
    const page = await agent.get('/login').expect(200);
    const res = await agent
      .post('/login')
      .type('form')
      .send({ login, password, _csrf: csrfFrom(page.text) });
    return res.status === 302;
  }

  /** Whether the agent is still signed in (its pages answer, not a redirect to the login page). */
  async function signedIn(session: Session): Promise<boolean> {
    const res = await session.agent.get('/');
    if (res.status === 302) expect(res.headers.location).toMatch(/^\/login/);
    return res.status === 200;
  }

  const sessionsOf = async (id: number) =>
    Number(
      (
        await t.db
          .knex('sessions')
          .whereRaw(`data->>'userId' = ?`, [String(id)])
          .count({ n: '*' })
      )[0].n,
    );

  it('the list shows each account’s status and links to its page', async () => {
    const u = await buildUser(t.db.knex, { login: 'listed', department: 'HR' });
    await t.db.knex('users').where({ id: u.id }).update({ disabled: true });
    const page = await adminSession.agent.get('/admin/users').expect(200);
    expect(page.text).toContain(`href="/admin/users/${u.id}"`);
    expect(page.text).toContain(`href="/admin/users/${admin.id}"`);
    const row = page.text.slice(
      page.text.indexOf('<td>listed</td>'),
      page.text.indexOf('</tr>', page.text.indexOf('<td>listed</td>')),
    );
    expect(row).toContain(zh('admin.users.disabled'));
    // Every row's link reads 编辑: a screen reader's list of links says whose.
    expect(row).toContain(`<a href="/admin/users/${u.id}" aria-label="编辑 listed">编辑</a>`);
    const own = page.text.slice(
      page.text.indexOf('<td>admin</td>'),
      page.text.indexOf('</tr>', page.text.indexOf('<td>admin</td>')),
    );
    expect(own).toContain(zh('admin.users.enabled'));
  });

  it('an unknown account is 404 on every account route', async () => {
    for (const id of ['999999', 'abc', '1e3']) {
      await adminSession.agent.get(`/admin/users/${id}`).expect(404);
      for (const action of ['', '/disable', '/enable', '/password']) {
        await post(adminSession, `/admin/users/${id}${action}`, { name: 'x', department: 'HR', roles: 'user' }).expect(404);
      }
    }
  });

  describe('editing', () => {
    let u: UserRow & { password: string };
    beforeAll(async () => {
      u = await buildUser(t.db.knex, { login: 'edited', name: '待编辑', department: 'HR', roles: ['user'] });
    });

    it('the page shows the form prefilled', async () => {
      const page = await adminSession.agent.get(`/admin/users/${u.id}`).expect(200);
      expect(cellOf(page.text, 'u-name')).toContain('value="待编辑"');
      expect(cellOf(page.text, 'u-dept')).toContain('<option value="HR" selected>');
      expect(page.text).toMatch(/value="user" checked/);
      expect(page.text).toContain(`action="/admin/users/${u.id}/disable"`);
      expect(page.text).toContain(`action="/admin/users/${u.id}/password"`);
    });

    it('a bad field: 422 with the message next to its input, what was typed kept; nothing written', async () => {
      const before = await mark(t.db.knex);
      const res = await post(adminSession, `/admin/users/${u.id}`, {
        name: '新名字',
        email: 'not-an-email',
        department: 'HR',
        roles: 'user',
      }).expect(422);
      expect(cellOf(res.text, 'u-email')).toContain(html(zh('users.errors.email', { value: 'not-an-email' })));
      expect(cellOf(res.text, 'u-name')).toContain('value="新名字"');
      const long = await post(adminSession, `/admin/users/${u.id}`, {
        name: '名'.repeat(201),
        department: 'HR',
        roles: 'user',
      }).expect(422);
      expect(cellOf(long.text, 'u-name')).toContain(html(zh('users.errors.nameLength', { max: 200 })));
      const noRole = await post(adminSession, `/admin/users/${u.id}`, { name: '新名字', department: 'NOPE' }).expect(422);
      expect(cellOf(noRole.text, 'u-dept')).toContain(html(zh('admin.users.errors.department', { code: 'NOPE' })));
      expect(noRole.text).toContain(html('请至少勾选一个角色'));
      expect(await changedSince(t.db.knex, before)).toEqual([]);
      expect(await t.db.knex('users').where({ id: u.id }).first('name', 'email')).toEqual({ name: '待编辑', email: null });
    });

    it('saves name, e-mail, department and roles, audits what changed (no e-mail), and says so', async () => {
      const res = await post(adminSession, `/admin/users/${u.id}`, {
        name: ' 已编辑 ',
        email: 'edited@example.edu.cn',
        department: 'STU',
        roles: ['steward', 'user'],
      }).expect(302);
      expect(res.headers.location).toBe(`/admin/users/${u.id}`);
      const page = await adminSession.agent.get(res.headers.location).expect(200);
      expect(page.text).toContain(zh('admin.users.saved', { login: 'edited' }));
      expect(await t.db.knex('users').where({ id: u.id }).first('name', 'email', 'department_code', 'roles')).toEqual({
        name: '已编辑',
        email: 'edited@example.edu.cn',
        department_code: 'STU',
        roles: ['steward', 'user'],
      });
      const audit = await t.db.knex('audit_log').where({ action: 'user.update', object_id: String(u.id) });
      expect(audit).toHaveLength(1);
      expect(audit[0].summary).toMatchObject({
        before: { department: 'HR', roles: ['user'] },
        after: { department: 'STU', roles: ['steward', 'user'] },
        emailChanged: true,
      });
      expect(JSON.stringify(audit[0].summary)).not.toContain('edited@');
      // The same form again changes nothing and writes nothing.
      const before = await mark(t.db.knex);
      await post(adminSession, `/admin/users/${u.id}`, {
        name: '已编辑',
        email: 'edited@example.edu.cn',
        department: 'STU',
        roles: ['user', 'steward'],
      }).expect(302);
      expect(await changedSince(t.db.knex, before)).toEqual([]);
    });
  });

  it("user.update's audit row records only what changed, and the audit page shows it with yes for a changed name", async () => {
    const u = await buildUser(t.db.knex, { login: 'renamed', name: '旧名', department: 'HR', roles: ['user'] });
    const rowsOf = () =>
      t.db
        .knex('audit_log')
        .where({ action: 'user.update', object_id: String(u.id) })
        .orderBy('seq')
        .pluck('summary');
    await post(adminSession, `/admin/users/${u.id}`, { name: '新名', department: 'HR', roles: 'user' }).expect(302);
    await post(adminSession, `/admin/users/${u.id}`, { name: '新名', department: 'STU', roles: 'user' }).expect(302);
    await post(adminSession, `/admin/users/${u.id}`, {
      name: '新名',
      email: 'renamed@example.edu.cn',
      department: 'STU',
      roles: ['user', 'steward'],
    }).expect(302);
    expect(await rowsOf()).toEqual([
      { nameChanged: true },
      { before: { department: 'HR' }, after: { department: 'STU' } },
      { before: { roles: ['user'] }, after: { roles: ['user', 'steward'] }, emailChanged: true },
    ]);
    const page = (await adminSession.agent.get('/admin/audit?action=user.update').expect(200)).text;
    const summaries = [...page.matchAll(/<td class="summary">(.*?)<\/td>/gs)].map((m) => m[1]).slice(0, 3);
    expect(summaries).toEqual([
      '<ul class="kv"><li><span class="k" title="roles">角色</span>: 教职工用户 → 教职工用户, 信息化专员</li>' +
        '<li><span class="k" title="emailChanged">邮箱已修改</span>: 是</li></ul>',
      '<ul class="kv"><li><span class="k" title="department">部门</span>: HR → STU</li></ul>',
      '<ul class="kv"><li><span class="k" title="nameChanged">姓名已修改</span>: 是</li></ul>',
    ]);
  });

  describe('API tokens', () => {
    it('the page counts the valid tokens; revoking them refuses each at once, audited, and the page says so', async () => {
      const u = await buildUser(t.db.knex, { login: 'scripted', department: 'HR', roles: ['steward'] });
      const tokens = [await issueApiToken(t.db.knex, u.id), await issueApiToken(t.db.knex, u.id)];
      await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${tokens[0]}`).expect(200);
      const page = await adminSession.agent.get(`/admin/users/${u.id}`).expect(200);
      expect(sectionOf(page.text, 'account-tokens')).toContain(zh('admin.users.tokensActive', { count: 2 }));
      const res = await post(adminSession, `/admin/users/${u.id}/tokens/revoke`).expect(302);
      const after = await adminSession.agent.get(res.headers.location).expect(200);
      expect(after.text).toContain(zh('admin.users.tokensRevoked', { login: 'scripted', count: 2 }));
      expect(sectionOf(after.text, 'account-tokens')).not.toContain('/tokens/revoke');
      for (const token of tokens) await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
      const [audit] = await t.db.knex('audit_log').where({ action: 'token.revoke', object_id: String(u.id) });
      expect(audit).toMatchObject({ actor_login: admin.login, summary: { revoked: 2 } });
    });
  });

  describe('disabling and enabling', () => {
    it('disabling ends the account’s sessions at once and refuses its sign-in; enabling lets it back', async () => {
      const u = await buildUser(t.db.knex, { login: 'leaver', department: 'HR' });
      const phone = await signIn(t.app, u.login, u.password);
      const laptop = await signIn(t.app, u.login, u.password);
      expect(await sessionsOf(u.id)).toBe(2);

      const res = await post(adminSession, `/admin/users/${u.id}/disable`).expect(302);
      expect(res.headers.location).toBe(`/admin/users/${u.id}`);
      const page = await adminSession.agent.get(res.headers.location).expect(200);
      expect(page.text).toContain(zh('admin.users.disabledDone', { login: 'leaver', count: 2 }));
      expect(sectionOf(page.text, 'account-status')).toContain(`action="/admin/users/${u.id}/enable"`);
      expect(await sessionsOf(u.id)).toBe(0);
      for (const s of [phone, laptop]) {
        const home = await s.agent.get('/tickets');
        expect(home.status).toBe(302);
        expect(home.headers.location).toBe('/login?next=%2Ftickets');
      }
      expect(await canSignIn(u.login, u.password)).toBe(false);
      expect(await t.db.knex('audit_log').where({ action: 'user.disable', object_id: String(u.id) })).toHaveLength(1);

      await post(adminSession, `/admin/users/${u.id}/enable`).expect(302);
      expect((await t.db.knex('users').where({ id: u.id }).first('disabled')).disabled).toBe(false);
      expect(await canSignIn(u.login, u.password)).toBe(true);
      expect(await t.db.knex('audit_log').where({ action: 'user.enable', object_id: String(u.id) })).toHaveLength(1);
    });

    it('an administrator cannot disable their own account: 422 next to the button; nothing written', async () => {
      const before = await mark(t.db.knex);
      const res = await post(adminSession, `/admin/users/${admin.id}/disable`).expect(422);
      expect(sectionOf(res.text, 'account-status')).toContain(html(zh('users.errors.disableSelf')));
      expect(await changedSince(t.db.knex, before)).toEqual([]);
      expect(await signedIn(adminSession)).toBe(true);
    });
  });

  describe('the last administrator', () => {
    it('cannot lose the administrator role, while another enabled administrator can', async () => {
      const other = await buildUser(t.db.knex, { login: 'admin2', department: 'HR', roles: ['admin', 'user'] });
      // Two administrators: either may be demoted.
      await post(adminSession, `/admin/users/${other.id}`, { name: other.name, department: 'HR', roles: 'user' }).expect(302);
      expect((await t.db.knex('users').where({ id: other.id }).first('roles')).roles).toEqual(['user']);
      // Now the only one (the disabled 'listed' account is no administrator).
      const before = await mark(t.db.knex);
      const res = await post(adminSession, `/admin/users/${admin.id}`, {
        name: admin.name,
        department: 'HR',
        roles: 'user',
      }).expect(422);
      expect(res.text.slice(res.text.indexOf('name="roles"'))).toContain(html(zh('users.errors.lastAdmin')));
      expect(await changedSince(t.db.knex, before)).toEqual([]);
    });

    it('a disabled administrator does not count', async () => {
      const dormant = await buildUser(t.db.knex, { login: 'dormant-admin', department: 'HR', roles: ['admin'] });
      await post(adminSession, `/admin/users/${dormant.id}/disable`).expect(302);
      const res = await post(adminSession, `/admin/users/${admin.id}`, {
        name: admin.name,
        department: 'HR',
        roles: 'user',
      }).expect(422);
      expect(res.text).toContain(html(zh('users.errors.lastAdmin')));
    });

    (usingRealPostgres() ? it : it.skip)('two administrators disabling each other at once: one of them stays', async () => {
      const a = await buildUser(t.db.knex, { login: 'race-a', department: 'STU', roles: ['admin'] });
      const b = await buildUser(t.db.knex, { login: 'race-b', department: 'STU', roles: ['admin'] });
      // Only these two are enabled administrators for this try.
      await t.db.knex('users').where({ id: admin.id }).update({ disabled: true });
      try {
        const results = await Promise.allSettled([
          setUserDisabled(t.db.knex, b.id, true, toCurrentUser(a)),
          setUserDisabled(t.db.knex, a.id, true, toCurrentUser(b)),
        ]);
        const refused = results.filter((r) => r.status === 'rejected');
        expect(refused).toHaveLength(1);
        expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
        const enabled = await t.db.knex('users').whereIn('id', [a.id, b.id]).where({ disabled: false });
        expect(enabled).toHaveLength(1);
      } finally {
        await t.db.knex('users').where({ id: admin.id }).update({ disabled: false });
      }
    });
  });

  describe('resetting a password', () => {
    it('a password that is too short: 422 next to its input; nothing written', async () => {
      const u = await buildUser(t.db.knex, { login: 'shortpw', department: 'HR' });
      const before = await mark(t.db.knex);
      const res = await post(adminSession, `/admin/users/${u.id}/password`, { password: 'short' }).expect(422);
      expect(cellOf(res.text, 'u-password')).toContain(html(zh('users.errors.passwordLength', { min: 10 })));
      // Nor one of 201 characters (argon2 would hash a megabyte), nor ten spaces.
      const long = await post(adminSession, `/admin/users/${u.id}/password`, { password: 'x'.repeat(201) }).expect(422);
      expect(cellOf(long.text, 'u-password')).toContain(html(zh('users.errors.passwordTooLong', { max: 200 })));
      const blank = await post(adminSession, `/admin/users/${u.id}/password`, { password: ' '.repeat(10) }).expect(422);
      expect(cellOf(blank.text, 'u-password')).toContain(html(zh('users.errors.passwordBlank')));
      expect(await changedSince(t.db.knex, before)).toEqual([]);
    });

    it('a password holding the login (any case), one character repeated or one guessed first: 422 next to its input; nothing written', async () => {
      const u = await buildUser(t.db.knex, { login: 'zhang.wei', department: 'HR' });
      const before = await mark(t.db.knex);
      for (const [password, key] of [
        ['Zhang.Wei2026!', 'users.errors.passwordHasLogin'],
        ['my zhang.wei pass', 'users.errors.passwordHasLogin'],
        ['1234567890', 'users.errors.passwordCommon'],
        ['QwertyUIOP', 'users.errors.passwordCommon'],
        ['aaaaaaaaaaaa', 'users.errors.passwordCommon'],
      ]) {
        const res = await post(adminSession, `/admin/users/${u.id}/password`, { password }).expect(422);
        expect(cellOf(res.text, 'u-password')).toContain(html(zh(key)));
      }
      expect(await changedSince(t.db.knex, before)).toEqual([]);
      // A passphrase with the login's letters scattered, not the login, is taken.
      await post(adminSession, `/admin/users/${u.id}/password`, { password: 'zhang wei likes tea' }).expect(302);
    });

    it('signed-in pages are not kept in the browser cache (a generated password, personal data)', async () => {
      const page = await adminSession.agent.get('/admin/users').expect(200);
      expect(page.headers['cache-control']).toBe('no-store');
    });

    it('generated: shown once on the page; the old password is refused, the new one works, old sessions ended', async () => {
      const u = await buildUser(t.db.knex, { login: 'forgetful', department: 'HR' });
      const old = await signIn(t.app, u.login, u.password);
      const res = await post(adminSession, `/admin/users/${u.id}/password`).expect(200);
      const generated = /<code id="generated-password" class="secret">([A-Za-z0-9]{16})<\/code>/.exec(res.text)?.[1];
      expect(generated).toBeDefined();
      expect(res.text).toContain(zh('admin.users.resetGenerated'));
      expect(await signedIn(old)).toBe(false);
      expect(await canSignIn(u.login, u.password)).toBe(false);
      expect(await canSignIn(u.login, generated!)).toBe(true);
      // Shown once: the account's page does not show it again.
      expect((await adminSession.agent.get(`/admin/users/${u.id}`).expect(200)).text).not.toContain(generated);
      const [audit] = await t.db.knex('audit_log').where({ action: 'user.password_reset', object_id: String(u.id) });
      expect(audit.summary).toMatchObject({ generated: true, sessionsEnded: 1 });
      expect(JSON.stringify(audit)).not.toContain(generated);
    });

    it('a session whose request was in flight stays ended when that request writes its row back', async () => {
      const u = await buildUser(t.db.knex, { login: 'inflight', department: 'HR' });
      const old = await signIn(t.app, u.login, u.password);
      const rows = await t.db.knex('sessions').whereRaw(`data->>'userId' = ?`, [String(u.id)]);
      expect(rows).toHaveLength(1);
      await post(adminSession, `/admin/users/${u.id}/password`).expect(200);
      expect(await sessionsOf(u.id)).toBe(0);
      // What express-session's save at the end of that request does: insert or update its row as it was.
      await t.db.knex('sessions').insert(rows[0]);
      expect(await signedIn(old)).toBe(false);
    });

    it('the form that generated a password, sent again (a reload of the page showing it), resets nothing', async () => {
      const u = await buildUser(t.db.knex, { login: 'reloader', department: 'HR' });
      const page = await adminSession.agent.get(`/admin/users/${u.id}`).expect(200);
      const from = /name="from" value="([0-9a-f]{32})"/.exec(sectionOf(page.text, 'account-password'))?.[1];
      expect(from).toBeDefined();
      const res = await post(adminSession, `/admin/users/${u.id}/password`, { from }).expect(200);
      const generated = /<code id="generated-password" class="secret">([A-Za-z0-9]{16})<\/code>/.exec(res.text)?.[1];
      expect(generated).toBeDefined();
      const user = await signIn(t.app, u.login, generated!);
      // The browser re-posts the same form: no second password, the one shown still works, its session stays.
      const again = await post(adminSession, `/admin/users/${u.id}/password`, { from }).expect(303);
      expect(again.headers.location).toBe(`/admin/users/${u.id}`);
      const after = await adminSession.agent.get(`/admin/users/${u.id}`).expect(200);
      expect(after.text).toContain(zh('admin.users.resetStale', { login: 'reloader' }));
      expect(after.text).not.toContain(generated);
      expect(await signedIn(user)).toBe(true);
      expect(await canSignIn(u.login, generated!)).toBe(true);
      expect(await t.db.knex('audit_log').where({ action: 'user.password_reset', object_id: String(u.id) })).toHaveLength(1);
      // The page shown with the generated password carries the new one: resetting again from there works.
      const next = /name="from" value="([0-9a-f]{32})"/.exec(sectionOf(res.text, 'account-password'))?.[1];
      expect(next).not.toBe(from);
      await post(adminSession, `/admin/users/${u.id}/password`, { from: next }).expect(200);
      expect(await canSignIn(u.login, generated!)).toBe(false);
    });

    it('disabling, revoking tokens and resetting a password ask first, naming the account', async () => {
      const u = await buildUser(t.db.knex, { login: 'asked', department: 'HR' });
      await issueApiToken(t.db.knex, u.id);
      await issueApiToken(t.db.knex, u.id);
      const page = (await adminSession.agent.get(`/admin/users/${u.id}`).expect(200)).text;
      const confirmOf = (action: string) =>
        new RegExp(`<form[^>]*action="/admin/users/${u.id}${action}"[^>]*data-confirm="([^"]*)"`).exec(page)?.[1];
      expect(confirmOf('/disable')).toBe(html(zh('admin.users.disableConfirm', { login: 'asked' })));
      expect(confirmOf('/tokens/revoke')).toBe(html(zh('admin.users.revokeTokensConfirm', { login: 'asked', count: 2 })));
      expect(confirmOf('/password')).toBe(html(zh('admin.users.resetConfirm', { login: 'asked' })));
      expect(en('admin.users.disableConfirm', { login: 'asked' })).toMatch(/^Disable account asked\?/);
    });

    it('given by the administrator: the account signs in with it', async () => {
      const u = await buildUser(t.db.knex, { login: 'given', department: 'HR' });
      const res = await post(adminSession, `/admin/users/${u.id}/password`, { password: 'a new long password' }).expect(302);
      const page = await adminSession.agent.get(res.headers.location).expect(200);
      expect(page.text).toContain(zh('admin.users.resetDone', { login: 'given', count: 0 }));
      expect(await canSignIn(u.login, 'a new long password')).toBe(true);
      expect(await canSignIn(u.login, u.password)).toBe(false);
    });

    it('not one’s own: that is changed with the current password', async () => {
      const page = await adminSession.agent.get(`/admin/users/${admin.id}`).expect(200);
      expect(sectionOf(page.text, 'account-password')).toContain('href="/account/password"');
      expect(sectionOf(page.text, 'account-password')).not.toContain('<form');
      const before = await mark(t.db.knex);
      await post(adminSession, `/admin/users/${admin.id}/password`, { password: 'a new long password' }).expect(422);
      expect(await changedSince(t.db.knex, before)).toEqual([]);
      expect(await signedIn(adminSession)).toBe(true);
    });
  });

  describe('changing one’s own password', () => {
    it('a wrong current password, a short or unchanged new one: 422 next to the input; nothing written', async () => {
      const u = await buildUser(t.db.knex, { login: 'changer1', department: 'HR' });
      const s = await signIn(t.app, u.login, u.password);
      const before = await mark(t.db.knex);
      const wrong = await post(s, '/account/password', {
        current_password: 'not my password',
        new_password: 'a fresh password',
      }).expect(422);
      expect(cellOf(wrong.text, 'p-current')).toContain(html(zh('users.errors.currentPassword')));
      const short = await post(s, '/account/password', { current_password: u.password, new_password: 'short' }).expect(422);
      expect(cellOf(short.text, 'p-new')).toContain(html(zh('users.errors.passwordLength', { min: 10 })));
      // Left empty, the new password is asked for (请填写新密码), not said to be short.
      const empty = await post(s, '/account/password', { current_password: u.password, new_password: '' }).expect(422);
      expect(cellOf(empty.text, 'p-new')).toContain('请填写新密码');
      const same = await post(s, '/account/password', { current_password: u.password, new_password: u.password }).expect(422);
      expect(cellOf(same.text, 'p-new')).toContain(html(zh('users.errors.passwordSame')));
      const withLogin = await post(s, '/account/password', {
        current_password: u.password,
        new_password: `${u.login.toUpperCase()}-2026`,
      }).expect(422);
      expect(cellOf(withLogin.text, 'p-new')).toContain(html(zh('users.errors.passwordHasLogin')));
      expect(await changedSince(t.db.knex, before)).toEqual([]);
      expect(await canSignIn(u.login, u.password)).toBe(true);
    });

    it('the new password typed twice differently: 422 next to the repetition; nothing written', async () => {
      const u = await buildUser(t.db.knex, { login: 'typo', department: 'HR' });
      const s = await signIn(t.app, u.login, u.password);
      const form = await s.agent.get('/account/password').expect(200);
      expect(form.text).toMatch(/<label for="p-confirm">[^<]+<\/label>/);
      expect(form.text).toContain('name="new_password_confirm"');
      const before = await mark(t.db.knex);
      const res = await post(s, '/account/password', {
        current_password: u.password,
        new_password: 'my new passphrase',
        new_password_confirm: 'my new passphrse',
      }).expect(422);
      expect(cellOf(res.text, 'p-confirm')).toContain(html(zh('users.errors.passwordConfirm')));
      expect(res.text).not.toContain('my new passphrase');
      expect(await changedSince(t.db.knex, before)).toEqual([]);
      expect(await canSignIn(u.login, u.password)).toBe(true);
      await post(s, '/account/password', {
        current_password: u.password,
        new_password: 'my new passphrase',
        new_password_confirm: 'my new passphrase',
      }).expect(302);
      expect(await canSignIn(u.login, 'my new passphrase')).toBe(true);
    });

    it('only a wrong current password counts towards the limit, not a new one mistyped', async () => {
      const u = await buildUser(t.db.knex, { login: 'mistyper', department: 'HR' });
      const s = await signIn(t.app, u.login, u.password);
      for (let i = 0; i < 11; i++)
        await post(s, '/account/password', { current_password: u.password, new_password: 'short' }).expect(422);
      const res = await post(s, '/account/password', {
        current_password: u.password,
        new_password: 'a long new passphrase',
      }).expect(302);
      // Signed in nowhere else: the change alone, not "0 个其他会话已结束".
      const page = (await s.agent.get(res.headers.location).expect(200)).text;
      expect(page).toContain('密码已修改');
      expect(page).not.toContain('个其他会话已结束');
    });

    it('locked after ten wrong current passwords: the form again saying why and for how long; an administrator’s reset lifts it', async () => {
      const u = await buildUser(t.db.knex, { login: 'locked-out', department: 'HR' });
      const s = await signIn(t.app, u.login, u.password);
      for (let i = 0; i < 10; i++)
        await post(s, '/account/password', { current_password: `wrong ${i}`, new_password: 'a long new passphrase' }).expect(422);
      const locked = await post(s, '/account/password', {
        current_password: u.password,
        new_password: 'a long new passphrase',
      }).expect(429);
      expect(locked.text).toContain('name="current_password"');
      expect(cellOf(locked.text, 'p-current')).toContain(html(zh('auth.password.locked', { minutes: 15 })));
      // The administrator resets the password; signed in with it, the user sets their own at once.
      await post(adminSession, `/admin/users/${u.id}/password`, { password: 'an interim passphrase' }).expect(302);
      const again = await signIn(t.app, u.login, 'an interim passphrase');
      await post(again, '/account/password', {
        current_password: 'an interim passphrase',
        new_password: 'my own passphrase',
      }).expect(302);
      expect(await canSignIn(u.login, 'my own passphrase')).toBe(true);
    });

    it('succeeds: the other sessions end, this one stays; the new password signs in, the old one does not', async () => {
      const u = await buildUser(t.db.knex, { login: 'changer2', department: 'HR' });
      const here = await signIn(t.app, u.login, u.password);
      const elsewhere = await signIn(t.app, u.login, u.password);
      const form = await here.agent.get('/account/password').expect(200);
      expect(form.text).toContain('name="current_password"');
      const res = await post(here, '/account/password', {
        current_password: u.password,
        new_password: 'my new passphrase',
      }).expect(302);
      const page = await here.agent.get(res.headers.location).expect(200);
      expect(page.text).toContain(zh('auth.password.done', { count: 1 }));
      expect(await signedIn(here)).toBe(true);
      expect(await signedIn(elsewhere)).toBe(false);
      expect(await canSignIn(u.login, u.password)).toBe(false);
      expect(await canSignIn(u.login, 'my new passphrase')).toBe(true);
      const [audit] = await t.db.knex('audit_log').where({ action: 'user.password_change', object_id: String(u.id) });
      expect(audit.summary).toEqual({ sessionsEnded: 1 });
    });

    it('every page links to it; an account signing in by campus SSO is told its password is managed there', async () => {
      const u = await buildUser(t.db.knex, { login: 'sso-user', department: 'HR' });
      const s = await signIn(t.app, u.login, u.password);
      expect((await s.agent.get('/').expect(200)).text).toContain('href="/account/password"');
      await t.db.knex('users').where({ id: u.id }).update({ password_hash: null });
      const page = await s.agent.get('/account/password').expect(200);
      expect(page.text).toContain(html(zh('auth.password.sso')));
      expect(page.text).not.toContain('name="current_password"');
      const before = await mark(t.db.knex);
      await post(s, '/account/password', { current_password: 'anything at all', new_password: 'a fresh password' }).expect(422);
      expect(await changedSince(t.db.knex, before)).toEqual([]);
    });
  });

  describe('who may', () => {
    it('a non-administrator gets 403 on every account route; nothing written', async () => {
      const steward = await buildUser(t.db.knex, { login: 'nosy', department: 'HR', roles: ['steward', 'it_office'] });
      const s = await signIn(t.app, steward.login, steward.password);
      const before = await mark(t.db.knex);
      await s.agent.get(`/admin/users/${admin.id}`).expect(403);
      await post(s, `/admin/users/${admin.id}`, { name: 'x', department: 'HR', roles: 'user' }).expect(403);
      for (const action of ['disable', 'enable', 'password']) await post(s, `/admin/users/${admin.id}/${action}`).expect(403);
      expect(await changedSince(t.db.knex, before)).toEqual([]);
      // Their own password: yes.
      await s.agent.get('/account/password').expect(200);
    });

    it('without the CSRF token every new form is refused (403); nothing written', async () => {
      const u = await buildUser(t.db.knex, { login: 'csrf-target', department: 'HR' });
      const before = await mark(t.db.knex);
      await post(adminSession, `/admin/users/${u.id}`, { name: 'x', department: 'HR', roles: 'user' }, false).expect(403);
      for (const action of ['disable', 'enable', 'password'])
        await post(adminSession, `/admin/users/${u.id}/${action}`, {}, false).expect(403);
      await post(
        adminSession,
        '/account/password',
        { current_password: admin.password, new_password: 'x'.repeat(12) },
        false,
      ).expect(403);
      expect(await changedSince(t.db.knex, before)).toEqual([]);
    });

    it('signed out: to the login page', async () => {
      const res = await request(t.app).get('/account/password').expect(302);
      expect(res.headers.location).toBe('/login?next=%2Faccount%2Fpassword');
    });
  });

  it('in English: the pages and their messages', async () => {
    const u = await buildUser(t.db.knex, { login: 'english', department: 'HR' });
    await adminSession.agent.post('/locale').type('form').send({ _csrf: adminSession.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      const list = await adminSession.agent.get('/admin/users').expect(200);
      expect(list.text).toContain('<th>Status</th>');
      const edit = await post(adminSession, `/admin/users/${u.id}`, {
        name: 'E',
        email: 'nope',
        department: 'HR',
        roles: 'user',
      }).expect(422);
      expect(cellOf(edit.text, 'u-email')).toContain(html(en('users.errors.email', { value: 'nope' })));
      const self = await post(adminSession, `/admin/users/${admin.id}/disable`).expect(422);
      expect(sectionOf(self.text, 'account-status')).toContain(html('You cannot disable your own account'));
      const done = await post(adminSession, `/admin/users/${u.id}/disable`).expect(302);
      expect((await adminSession.agent.get(done.headers.location).expect(200)).text).toContain(
        'Account english disabled; 0 sessions ended',
      );
      const wrong = await post(adminSession, '/account/password', {
        current_password: 'wrong',
        new_password: 'x'.repeat(12),
      }).expect(422);
      expect(cellOf(wrong.text, 'p-current')).toContain(html('The current password is not correct'));
      expect(wrong.text).toContain('Change password');
    } finally {
      await adminSession.agent
        .post('/locale')
        .type('form')
        .send({ _csrf: adminSession.csrf, locale: 'zh-CN', next: '/' })
        .expect(302);
    }
  });
});
