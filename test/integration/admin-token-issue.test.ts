import request from 'supertest';
import { createApp } from '../../server/app';
import { translator } from '../../server/i18n';
import { createLogger } from '../../server/logger';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';

/**
 * Issuing an API token on an account's page (/admin/users/:id, administrators: users.manage). A token could only be
 * issued with `hubwatch users token` on the server: an administrator setting up a department system's integration
 * needed a shell there. The form takes a label and the days until expiry by the command line's rules; the token is
 * shown once, in the form's answer (the account's page, as a generated password is shown), never in a URL, the log or
 * the session's row in the database; stored hashed and audited as `token.issue` without its secret.
 */

const zh = translator('zh-CN');
const en = translator('en');
/** Handlebars escapes text: compare messages as the page writes them. */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/=/g, '&#x3D;');
const TOKEN = /hw_[A-Za-z0-9_-]{43}/;
/** The page's section that shows a token just issued, or '' when there is none. */
const issuedBox = (page: string) => {
  const at = page.indexOf('id="issued-token"');
  return at < 0 ? '' : page.slice(at, page.indexOf('</div>', at));
};
/** The cell of the token form's box `id`: the input and its messages, up to the next label. */
const cellOf = (page: string, id: string) => {
  const at = page.indexOf(`id="${id}"`);
  const end = page.indexOf('<label', at);
  return page.slice(at, end < 0 ? page.indexOf('</form>', at) : end);
};
/** A wall-clock time in Asia/Shanghai (UTC+8, the tests' zone), as the command line prints it. */
const shanghai = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

type Session = Awaited<ReturnType<typeof signIn>>;

describe('issuing an API token on the account page', () => {
  let t: TestApp;
  const logLines: string[] = [];
  let admin: Session;
  let adminEn: Session;
  let adminLogin: string;

  beforeAll(async () => {
    t = await createTestApp();
    // The service's log at its usual level, kept to look for the token in.
    t.ctx = { ...t.ctx, logger: createLogger('info', { destination: { write: (line: string) => void logLines.push(line) } }) };
    t.app = createApp(t.ctx);
    await buildDepartment(t.db.knex, { code: 'ITC', name: '信息中心' });
    const a = await buildUser(t.db.knex, { login: 'root', department: 'ITC', roles: ['admin'] });
    adminLogin = a.login;
    admin = await signIn(t.app, a.login, a.password);
    const b = await buildUser(t.db.knex, { login: 'root.en', department: 'ITC', roles: ['admin'] });
    await t.db.knex('users').where({ id: b.id }).update({ locale: 'en' });
    adminEn = await signIn(t.app, b.login, b.password);
  });
  afterAll(() => t.close());

  /** The account page's token form sent as `session`, with a fresh form id from the page (as a browser sends it). */
  async function issue(session: Session, accountId: number, form: Record<string, string>) {
    const page = await session.agent.get(`/admin/users/${accountId}`).expect(200);
    const formId = /name="form_id" value="([0-9a-f]{32})"/.exec(page.text.slice(page.text.indexOf('/tokens"')))?.[1];
    expect(formId).toBeDefined();
    const sent = { _csrf: csrfFrom(page.text), form_id: formId!, ...form };
    // With the body as sent, for a reload to send again.
    return Object.assign(await session.agent.post(`/admin/users/${accountId}/tokens`).type('form').send(sent), { sent });
  }
  const tokensOf = (userId: number) => t.db.knex('api_tokens').where({ user_id: userId }).orderBy('id');
  const issueAudits = (userId: number) =>
    t.db
      .knex('audit_log')
      .where({ action: 'token.issue', object_id: String(userId) })
      .orderBy('seq');

  /** Every session row as the store holds it (the table the session store writes, on PostgreSQL as on PGlite). */
  const sessionRows = async () => JSON.stringify(await t.db.knex('sessions').select('sid', 'data'));

  it('shows the token once in the form’s answer; it opens the API until revoked; stored hashed, audited without it', async () => {
    const u = await buildUser(t.db.knex, { login: 'hr.system', department: 'ITC', roles: ['steward'] });
    const before = Date.now();
    const res = await issue(admin, u.id, { label: '人事系统对接', expires_in_days: '30' });
    // Not written to the session: no session row in the store holds a token, before any other request reads it.
    expect(await sessionRows()).not.toMatch(TOKEN);
    // The account's page itself, as the password reset answers with a generated password: no redirect to follow.
    expect(res.status).toBe(200);
    expect(res.text).toContain(html(zh('admin.users.editTitle', { login: 'hr.system' })));
    const box = issuedBox(res.text);
    const token = TOKEN.exec(box)?.[0];
    expect(token).toBeDefined();
    expect(await sessionRows()).not.toContain(token!.slice(3));
    const [row] = await tokensOf(u.id);
    expect(row).toMatchObject({ label: '人事系统对接', revoked_at: null });
    expect(Math.abs(row.expires_at.getTime() - before - 30 * 86_400_000)).toBeLessThan(120_000);
    // Stored hashed: the row holds no token, its SHA-256 instead.
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    // With its expiry on the university's clock and a button that copies it.
    expect(box).toContain(
      html(zh('admin.users.tokenIssued', { login: 'hr.system', at: shanghai(row.expires_at), zone: 'Asia/Shanghai', days: 30 })),
    );
    expect(box).toContain('data-copy="issued-token-value"');
    expect(box).not.toContain(zh('admin.users.tokenAccountDisabled', { login: 'hr.system' }));
    // The list under it has it.
    expect(res.text).toContain(zh('admin.users.tokensActive', { count: 1 }));

    // Once: a reload of that answer sends the form again (the browser asks first). It issues nothing more and shows no
    // token, saying the form issued one already, which cannot be shown again.
    const reload = await admin.agent.post(`/admin/users/${u.id}/tokens`).type('form').send(res.sent);
    expect(reload.status).toBe(303);
    expect(reload.headers.location).toBe(`/admin/users/${u.id}`);
    expect(reload.text).not.toMatch(TOKEN);
    const told = await admin.agent.get(reload.headers.location).expect(200);
    expect(told.text).not.toMatch(TOKEN);
    expect(told.text).toContain(html(zh('admin.users.tokenIssuedAlready')));
    expect(await tokensOf(u.id)).toHaveLength(1);
    // Nor the page opened again.
    const again = await admin.agent.get(`/admin/users/${u.id}`).expect(200);
    expect(again.text).not.toContain(token);
    expect(issuedBox(again.text)).toBe('');
    // Nowhere in a URL or the log (which has the requests), nor in the session's row.
    expect(logLines.some((l) => l.includes(`/admin/users/${u.id}/tokens`))).toBe(true);
    expect(logLines.join('\n')).not.toContain(token!.slice(3));
    expect(await sessionRows()).not.toContain(token!.slice(3));

    const me = () => request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    expect((await me().expect(200)).body).toMatchObject({ login: 'hr.system' });

    // Audited as the command line's issue, by the administrator, without the token.
    const audits = await issueAudits(u.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actor_login: adminLogin,
      object_type: 'user',
      summary: { issuedId: Number(row.id), label: '人事系统对接', expiresInDays: 30, expiresAt: row.expires_at.toISOString() },
    });
    expect(JSON.stringify(audits[0])).not.toContain(token!.slice(3));
    expect(JSON.stringify(audits[0])).not.toContain(row.token_hash);

    const revoked = await admin.agent
      .post(`/admin/users/${u.id}/tokens/revoke`)
      .type('form')
      .send({ _csrf: csrfFrom(again.text) })
      .expect(302);
    expect(revoked.headers.location).toBe(`/admin/users/${u.id}`);
    await me().expect(401);
  });

  it('by default for 365 days and without a label; the same form sent twice issues one token', async () => {
    const u = await buildUser(t.db.knex, { login: 'etl.default', department: 'ITC' });
    const page = await admin.agent.get(`/admin/users/${u.id}`).expect(200);
    // The form starts at the default.
    expect(cellOf(page.text, 't-days')).toContain('value="365"');
    const formId = /name="form_id" value="([0-9a-f]{32})"/.exec(page.text.slice(page.text.indexOf('/tokens"')))![1];
    const form = { _csrf: csrfFrom(page.text), form_id: formId, label: '  ', expires_in_days: '３６５' };
    const first = await admin.agent.post(`/admin/users/${u.id}/tokens`).type('form').send(form).expect(200);
    expect(issuedBox(first.text)).toMatch(TOKEN);
    // The browser re-posting the form (a double click): no second token. The browser shows this second answer; the
    // first one's token is in no session to hand on, so the page says it was issued and cannot be shown again.
    const second = await admin.agent.post(`/admin/users/${u.id}/tokens`).type('form').send(form).expect(303);
    expect(second.headers.location).toBe(`/admin/users/${u.id}`);
    expect(second.text).not.toMatch(TOKEN);
    const rows = await tokensOf(u.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].label).toBeNull();
    expect(Math.abs(rows[0].expires_at.getTime() - Date.now() - 365 * 86_400_000)).toBeLessThan(120_000);
    const shown = await admin.agent.get(second.headers.location).expect(200);
    expect(issuedBox(shown.text)).toBe('');
    expect(shown.text).not.toMatch(TOKEN);
    expect(shown.text).toContain(html(zh('admin.users.tokenIssuedAlready')));
    expect(await sessionRows()).not.toMatch(TOKEN);
  });

  it('the form sent twice at the same moment issues one token, shown in one answer only', async () => {
    const u = await buildUser(t.db.knex, { login: 'etl.twice', department: 'ITC' });
    const page = await admin.agent.get(`/admin/users/${u.id}`).expect(200);
    const formId = /name="form_id" value="([0-9a-f]{32})"/.exec(page.text.slice(page.text.indexOf('/tokens"')))![1];
    const form = { _csrf: csrfFrom(page.text), form_id: formId, label: 'etl', expires_in_days: '30' };
    const send = () => admin.agent.post(`/admin/users/${u.id}/tokens`).type('form').send(form);
    const answers = await Promise.all([send(), send()]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 303]);
    expect(answers.filter((a) => TOKEN.test(a.text))).toHaveLength(1);
    expect(await tokensOf(u.id)).toHaveLength(1);
    expect(await issueAudits(u.id)).toHaveLength(1);
    expect(await sessionRows()).not.toMatch(TOKEN);
  });

  it('a disabled account is issued one, and the page says the API refuses it until the account is enabled', async () => {
    const u = await buildUser(t.db.knex, { login: 'paused.sys', department: 'ITC' });
    await t.db.knex('users').where({ id: u.id }).update({ disabled: true });
    const res = await issue(admin, u.id, { label: 'etl' });
    expect(res.status).toBe(200);
    const box = issuedBox(res.text);
    const token = TOKEN.exec(box)![0];
    expect(box).toContain(zh('admin.users.tokenAccountDisabled', { login: 'paused.sys' }));
    await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('a bad label or expiry is a 422 with the page, what was typed kept and the message under its box; nothing written', async () => {
    const u = await buildUser(t.db.knex, { login: 'bad.input', department: 'ITC' });
    const cases: { form: Record<string, string>; box: string; zh: string; en: string }[] = [
      {
        form: { label: 'x'.repeat(201), expires_in_days: '30' },
        box: 't-label',
        zh: zh('users.errors.tokenLabelTooLong', { max: 200, length: 201 }),
        en: en('users.errors.tokenLabelTooLong', { max: 200, length: 201 }),
      },
      {
        form: { label: 'etl\u202Enightly', expires_in_days: '30' },
        box: 't-label',
        zh: zh('users.errors.tokenLabelOneLine'),
        en: en('users.errors.tokenLabelOneLine'),
      },
      ...['0', '731', '1.5', 'abc', ''].map((days) => ({
        form: { label: '教务对接', expires_in_days: days },
        box: 't-days',
        zh: zh('users.errors.tokenDays', { max: 730 }),
        en: en('users.errors.tokenDays', { max: 730 }),
      })),
    ];
    for (const c of cases) {
      for (const [session, message] of [
        [admin, c.zh],
        [adminEn, c.en],
      ] as const) {
        const res = await issue(session, u.id, c.form);
        expect({ form: c.form, status: res.status }).toEqual({ form: c.form, status: 422 });
        const cell = cellOf(res.text, c.box);
        expect(cell).toContain(html(message));
        expect(cell).toContain('aria-invalid="true"');
        expect(res.text).not.toMatch(TOKEN);
        // What was typed, kept in its boxes.
        expect(cellOf(res.text, 't-label')).toContain(`value="${html(c.form.label)}"`);
        expect(cellOf(res.text, 't-days')).toContain(`value="${html(c.form.expires_in_days)}"`);
      }
    }
    // The messages name the field (名称, 有效天数 / label, days until expiry) and what is expected.
    expect(zh('users.errors.tokenLabelTooLong', { max: 200, length: 201 })).toBe('名称最多 200 个字符（已填写 201 个）');
    expect(en('users.errors.tokenDays', { max: 730 })).toBe('Days until expiry must be a whole number from 1 to 730');
    expect(await tokensOf(u.id)).toEqual([]);
    expect(await issueAudits(u.id)).toEqual([]);
  });

  it('refuses whoever may not manage accounts (the IT office, a steward): 403, nothing issued', async () => {
    const u = await buildUser(t.db.knex, { login: 'target', department: 'ITC' });
    for (const roles of [['it_office'], ['steward'], ['univ_leader']] as const) {
      const p = await buildUser(t.db.knex, { department: 'ITC', roles: [...roles] });
      const session = await signIn(t.app, p.login, p.password);
      await session.agent.get(`/admin/users/${u.id}`).expect(403);
      const res = await session.agent
        .post(`/admin/users/${u.id}/tokens`)
        .type('form')
        .send({ _csrf: session.csrf, label: 'x', expires_in_days: '30' });
      expect({ roles, status: res.status }).toEqual({ roles, status: 403 });
      expect(res.text).not.toMatch(TOKEN);
    }
    // Without the CSRF token, an administrator too.
    await admin.agent.post(`/admin/users/${u.id}/tokens`).type('form').send({ label: 'x' }).expect(403);
    expect(await tokensOf(u.id)).toEqual([]);
    expect(await issueAudits(u.id)).toEqual([]);
  });

  it('the form’s address opened with GET is the account’s page', async () => {
    const u = await buildUser(t.db.knex, { login: 'get.me', department: 'ITC' });
    const res = await admin.agent.get(`/admin/users/${u.id}/tokens`).expect(302);
    expect(res.headers.location).toBe(`/admin/users/${u.id}`);
  });
});
