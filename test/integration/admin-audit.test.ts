import { translator } from '../../server/i18n';
import { appendAudit } from '../../server/services/audit';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { withCheckDigit } from '../helpers/id-card';

/**
 * The audit log page: every row's time, actor and object were empty (the template read the
 * database's column names, the service returns camelCase) and the summary was raw JSON. Now each
 * cell shows what the row holds, the summary as `key: value` lines, personal data still masked, each key named in
 * the reader's language (状态 / Status; admin.audit.keys), the stored key in its title.
 */

/** The cells of the row whose first cell is `seq`, as HTML. */
function cellsOf(page: string, seq: number): string[] {
  const start = page.search(new RegExp(`<td[^>]*>${seq}</td>`));
  expect(start).toBeGreaterThan(-1);
  const row = page.slice(start, page.indexOf('</tr>', start));
  return row
    .split(/<td[^>]*>/)
    .slice(1)
    .map((cell) => cell.replace(/<\/td>\s*$/, '').trim());
}

const zh = translator('zh-CN');

/** The database time as the page shows it in Asia/Shanghai (UTC+8 all year, no daylight saving). */
const shanghai = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('/admin/audit', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  let steward: Awaited<ReturnType<typeof buildUser>>;
  const idCard = withCheckDigit('11010519491231002');

  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
    const o = await buildUser(t.db.knex, { login: 'itoffice', department: 'HR', roles: ['it_office'] });
    office = await signIn(t.app, o.login, o.password);
    steward = await buildUser(t.db.knex, { login: 'wang.hr', name: '王芳', department: 'HR', roles: ['steward'] });
  });
  afterAll(() => t.close());

  it("shows a row's time, actor (login and name), object (linked to its page) and summary as key: value", async () => {
    const { seq } = await appendAudit(t.db.knex, {
      actor: { id: steward.id, login: steward.login, roles: ['steward'], department: 'HR' },
      action: 'ticket.transition',
      objectType: 'ticket',
      objectId: 42,
      summary: { before: { status: 'open' }, after: { status: 'acknowledged' }, comment: `核对 ${idCard} 的记录` },
    });
    const row = await t.db.knex('audit_log').where({ seq }).first('occurred_at');

    const page = await office.agent.get('/admin/audit').expect(200);
    const [num, when, actor, action, object, summary] = cellsOf(page.text, seq);
    expect(num).toBe(String(seq));
    expect(when).toBe(shanghai(row.occurred_at));
    expect(actor).toBe('wang.hr <span class="muted">王芳</span>');
    // Named in the reader's language, with the code the filter takes under it.
    expect(action).toBe('工单状态变更<br><code>ticket.transition</code>');
    expect(object).toBe('<a href="/tickets/42">工单 #42</a>');
    expect(summary).toContain('<li><span class="k" title="status">状态</span>: 待签收 → 已签收</li>');
    expect(summary).toContain(
      `<li><span class="k" title="comment">备注</span>: 核对 110105********002${idCard.slice(-1)} 的记录</li>`,
    );
    expect(page.text).not.toContain(idCard);
    expect(page.text).not.toContain('{&quot;');
  });

  it("shows an instant in a summary on the university's clock, as the row's own time (it read UTC ISO, 8 hours off)", async () => {
    const { seq } = await appendAudit(t.db.knex, {
      action: 'ticket.report',
      objectType: 'ticket',
      objectId: 43,
      summary: { reported_at: '2026-03-02T02:00:00.000Z', due_at: '2026-03-09' },
    });
    const page = await office.agent.get('/admin/audit').expect(200);
    const summary = cellsOf(page.text, seq)[5];
    expect(summary).toContain('<li><span class="k" title="reported_at">报告提交时间</span>: 2026-03-02 10:00:00</li>');
    // A date alone is no instant: as stored.
    expect(summary).toContain(': 2026-03-09</li>');
    const csv = (await office.agent.get('/admin/audit/export.csv?action=ticket.report').expect(200)).text;
    expect(csv).toContain('报告提交时间: 2026-03-02 10:00:00');
  });

  it("masks an ID or phone number in the actor's name as the rows are masked", async () => {
    const typed = await buildUser(t.db.knex, { login: 'typed', name: `李四 13812345678 ${idCard}`, department: 'HR' });
    const { seq } = await appendAudit(t.db.knex, {
      actor: { id: typed.id, login: typed.login, roles: ['user'], department: 'HR' },
      action: 'auth.logout',
      objectType: 'user',
      objectId: typed.id,
    });
    const page = await office.agent.get('/admin/audit').expect(200);
    const [, , actor] = cellsOf(page.text, seq);
    expect(actor).toBe(`typed <span class="muted">李四 138****5678 110105********002${idCard.slice(-1)}</span>`);
    expect(page.text).not.toContain('13812345678');
    expect(page.text).not.toContain(idCard);
  });

  it('filters by an action, or by a group of actions without the dot; spaces around either filter do not count', async () => {
    const actor = { id: steward.id, login: steward.login, roles: ['steward' as const], department: 'HR' };
    for (const action of ['grp.disable', 'grp.enable', 'grpx.other', 'gxp.like'])
      await appendAudit(t.db.knex, { actor, action, objectType: 'user', objectId: steward.id });
    const actionsOn = async (query: string) => {
      const page = await office.agent.get(`/admin/audit?${query}`).expect(200);
      // Actions without a name (these made-up ones) are shown by their code alone.
      return [...page.text.matchAll(/<td class="action"><code>([^<]+)<\/code><\/td>/g)].map((m) => m[1]).sort();
    };
    expect(await actionsOn('action=grp')).toEqual(['grp.disable', 'grp.enable']);
    expect(await actionsOn('action=%20grp.enable%20')).toEqual(['grp.enable']);
    expect(await actionsOn('action=grp.enable&actor=%20wang.hr%20')).toEqual(['grp.enable']);
    // LIKE's wildcards are plain characters here: no action is so called (said under the menu, see below).
    for (const query of ['action=g%25', 'action=g_p']) {
      const page = await office.agent.get(`/admin/audit?${query}`).expect(422);
      expect(page.text).toContain('id="audit-action-error"');
    }
  });

  // `user.Create` found 0 rows, and so did 创建账号, the name the list shows, with no hint: the filter took only the
  // exact lower-case code.
  it('the action filter is a menu of the actions by name, grouped; a code in any case or a name finds its rows', async () => {
    const actor = { id: steward.id, login: steward.login, roles: ['steward' as const], department: 'HR' };
    await appendAudit(t.db.knex, { actor, action: 'user.create', objectType: 'user', objectId: steward.id });
    const created = (await t.db.knex('audit_log').where({ action: 'user.create' }).orderBy('seq', 'desc').pluck('seq')).map(
      Number,
    );
    const seqsOn = async (query: string) => {
      const page = await office.agent.get(`/admin/audit?${query}`).expect(200);
      return { page: page.text, seqs: [...page.text.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1])) };
    };
    for (const value of ['user.create', 'user.Create', 'USER.CREATE', '创建账号', 'Account created', ' 创建账号 ']) {
      const { page, seqs } = await seqsOn(`action=${encodeURIComponent(value)}`);
      expect({ value, seqs }).toEqual({ value, seqs: created });
      // The menu shows what the list is filtered by.
      expect(page).toContain('<option value="user.create" selected>创建账号</option>');
    }
    // The menu: every action by its name, in groups named in the reader's language, each group's own choice first.
    const { page } = await seqsOn('action=User');
    const menu = page.slice(page.indexOf('<select name="action"'), page.indexOf('</select>'));
    expect(menu).toContain('<option value="">全部操作</option>');
    expect(menu).toContain('<optgroup label="账号"><option value="user" selected>账号：全部操作</option>');
    expect(menu).toContain('<option value="user.password_reset">重置密码</option>');
    expect(menu).toContain('<optgroup label="质量工单"><option value="ticket">质量工单：全部操作</option>');
    expect([...menu.matchAll(/<option value="([a-z_.]+)"/g)].length).toBeGreaterThanOrEqual(60);
    // In English, English names.
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      const en = await office.agent.get('/admin/audit?action=%E5%88%9B%E5%BB%BA%E8%B4%A6%E5%8F%B7').expect(200);
      expect(en.text).toContain('<option value="user.create" selected>Account created</option>');
      expect(en.text).toContain('<optgroup label="Accounts">');
      const unknown = await office.agent.get('/admin/audit?action=nothing.such').expect(422);
      expect(unknown.text).toContain(
        `<p class="field-error" role="alert" id="audit-action-error">There is no action “nothing.such”: choose one from the list</p>`,
      );
    } finally {
      await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    }
    // A name no action has: said under the menu (422), the list that of the other filters, as for a bad day.
    const unknown = await office.agent.get('/admin/audit?action=%E5%88%9B%E5%BB%BA%E7%94%A8%E6%88%B7').expect(422);
    expect(unknown.text).toContain(
      '<p class="field-error" role="alert" id="audit-action-error">没有“创建用户”这一操作：请从列表中选择</p>',
    );
    expect(unknown.text).toMatch(/<select name="action" aria-invalid="true" aria-describedby="audit-action-error">/);
    // The export takes the code as the page does, and names what it filtered by in its record.
    const csv = (await office.agent.get('/admin/audit/export.csv?action=user.Create').expect(200)).text;
    expect(csv).toContain('user.create');
    expect(csv.split('\n').filter((l) => /^\d+,/.test(l.replace(/^\uFEFF/, ''))).length).toBeGreaterThanOrEqual(1);
    const recorded = await t.db.knex('audit_log').where({ action: 'audit.export' }).orderBy('seq', 'desc').first('summary');
    expect(recorded.summary.action).toBe('user.create');
    await office.agent.get('/admin/audit/export.csv?action=nothing.such').expect(422);
  });

  it("filters by the actor's login in any case, as logins sign in, on the page and in its CSV export", async () => {
    const actor = { id: steward.id, login: steward.login, roles: ['steward' as const], department: 'HR' };
    await appendAudit(t.db.knex, { actor, action: 'lcase.one', objectType: 'user', objectId: steward.id });
    await appendAudit(t.db.knex, { action: 'lcase.two', objectType: 'user', objectId: steward.id });
    for (const typed of ['wang.hr', 'WANG.HR', 'Wang.Hr']) {
      const page = await office.agent.get(`/admin/audit?action=lcase&actor=${typed}`).expect(200);
      expect([...page.text.matchAll(/<code>(lcase\.[a-z]+)<\/code>/g)].map((m) => m[1])).toEqual(['lcase.one']);
      const csv = await office.agent.get(`/admin/audit/export.csv?action=lcase&actor=${typed}`).expect(200);
      expect(csv.text).toContain('lcase.one');
      expect(csv.text).not.toContain('lcase.two');
    }
    const none = await office.agent.get('/admin/audit?action=lcase&actor=wang.h').expect(200);
    expect(none.text).not.toContain('<code>lcase.');
  });

  it('names an account by its login, linked to its page for administrators only (the IT office reads the log, not the accounts)', async () => {
    // "账号 #7" told the IT office nothing of whose account was disabled: it cannot open the accounts' pages.
    const { seq } = await appendAudit(t.db.knex, {
      action: 'user.disable',
      objectType: 'user',
      objectId: steward.id,
    });
    const a = await buildUser(t.db.knex, { login: 'root', department: 'HR', roles: ['admin'] });
    const admin = await signIn(t.app, a.login, a.password);
    const asAdmin = cellsOf((await admin.agent.get('/admin/audit').expect(200)).text, seq)[4];
    expect(asAdmin).toBe(`<a href="/admin/users/${steward.id}">账号 wang.hr</a>`);
    const asOffice = cellsOf((await office.agent.get('/admin/audit').expect(200)).text, seq)[4];
    expect(asOffice).toBe('账号 wang.hr');
    await office.agent.post('/locale').type('form').send({ locale: 'en', _csrf: office.csrf }).expect(302);
    try {
      const inEnglish = cellsOf((await office.agent.get('/admin/audit').expect(200)).text, seq)[4];
      expect(inEnglish).toBe('Account wang.hr');
    } finally {
      await office.agent.post('/locale').type('form').send({ locale: 'zh-CN', _csrf: office.csrf }).expect(302);
    }
    // An id no account has (an older row, a hand-made one) is still named by its id.
    const { seq: gone } = await appendAudit(t.db.knex, { action: 'user.disable', objectType: 'user', objectId: 987654 });
    expect(cellsOf((await office.agent.get('/admin/audit').expect(200)).text, gone)[4]).toBe('账号 #987654');
  });

  it('names the system as the actor of a row without one, and shows objects without a page unlinked', async () => {
    const { seq } = await appendAudit(t.db.knex, {
      action: 'catalog.import',
      objectType: 'catalog_version',
      objectId: 3,
      summary: { tables: 12, stewards: ['HR', 'STU'] },
    });
    const page = await office.agent.get('/admin/audit').expect(200);
    const [, , actor, , object, summary] = cellsOf(page.text, seq);
    expect(actor).toBe('<span class="muted">系统</span>');
    expect(object).toBe('目录版本 #3');
    expect(summary).toContain('<li><span class="k" title="tables">数据表</span>: 12</li>');
    expect(summary).toContain('<li><span class="k" title="stewards">写入专员的部门</span>: HR, STU</li>');
  });

  it('in English, names the action and links a department to its page', async () => {
    const { seq } = await appendAudit(t.db.knex, {
      action: 'department.stewards',
      objectType: 'department',
      objectId: 'HR',
      summary: { before: { count: 0 }, after: { count: 2 } },
    });
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      const page = await office.agent.get('/admin/audit').expect(200);
      const [, , actor, action, object, summary] = cellsOf(page.text, seq);
      expect(actor).toBe('<span class="muted">System</span>');
      expect(action).toBe('Department stewards changed<br><code>department.stewards</code>');
      expect(object).toBe('<a href="/departments/HR">Department #HR</a>');
      expect(summary).toBe('<ul class="kv"><li><span class="k" title="count">Count</span>: 0 → 2</li></ul>');
    } finally {
      await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    }
  });

  it("names the summary's keys in the reader's language, values as stored but yes and no; a key without a name shows as stored", async () => {
    const { seq } = await appendAudit(t.db.knex, {
      action: 'sharing.decision',
      objectType: 'sharing_request',
      objectId: 7,
      summary: {
        reason: '申请人 13812345678 未说明用途',
        leader: { required: true, rows: 2400 },
        // Written by an older version: no name, shown as it was stored.
        retired_key: 'x',
      },
    });
    const lines = async () => {
      const [, , , , , summary] = cellsOf((await office.agent.get('/admin/audit').expect(200)).text, seq);
      // In any order (jsonb keeps its own).
      return [...summary.matchAll(/<li>(.*?)<\/li>/g)].map((m) => m[1]).sort();
    };
    const zhLines = await lines();
    expect(zhLines).toEqual(
      [
        '<span class="k" title="reason">原因</span>: 申请人 138****5678 未说明用途',
        '<span class="k" title="leader.required">校领导审批 · 需要</span>: 是',
        '<span class="k" title="leader.rows">校领导审批 · 估计记录数</span>: 2400',
        '<span class="k">retired_key</span>: x',
      ].sort(),
    );
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      expect(await lines()).toEqual(
        [
          '<span class="k" title="reason">Reason</span>: 申请人 138****5678 未说明用途',
          '<span class="k" title="leader.required">University leader&#x27;s review · Required</span>: Yes',
          '<span class="k" title="leader.rows">University leader&#x27;s review · Estimated rows</span>: 2400',
          '<span class="k">retired_key</span>: x',
        ].sort(),
      );
    } finally {
      await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    }
    // The names are the locales' (not typed twice here).
    expect(zhLines.join('\n')).toContain(`>${zh('admin.audit.keys.reason')}<`);
  });

  it("an older row's change shows only the keys that changed, yes and no in words; a change of nothing else keeps its line", async () => {
    const { seq: old } = await appendAudit(t.db.knex, {
      action: 'user.update',
      objectType: 'user',
      objectId: steward.id,
      // As user.update recorded every change before it recorded only what changed.
      summary: {
        before: { department: 'HR', roles: ['user'] },
        after: { department: 'HR', roles: ['user'] },
        nameChanged: true,
        emailChanged: false,
      },
    });
    const { seq: same } = await appendAudit(t.db.knex, {
      action: 'department.stewards',
      objectType: 'department',
      objectId: 'HR',
      summary: { before: { count: 2 }, after: { count: 2 } },
    });
    const { seq: disabled } = await appendAudit(t.db.knex, {
      action: 'user.disable',
      objectType: 'user',
      objectId: steward.id,
      summary: { before: { disabled: false }, after: { disabled: true }, sessionsEnded: 1 },
    });
    const summaryOf = (page: string, seq: number) => cellsOf(page, seq)[5];
    const zhPage = (await office.agent.get('/admin/audit').expect(200)).text;
    expect(summaryOf(zhPage, old)).toBe(
      '<ul class="kv"><li><span class="k" title="nameChanged">姓名已修改</span>: 是</li>' +
        '<li><span class="k" title="emailChanged">邮箱已修改</span>: 否</li></ul>',
    );
    expect(summaryOf(zhPage, same)).toBe('<ul class="kv"><li><span class="k" title="count">数量</span>: 2 → 2</li></ul>');
    expect(summaryOf(zhPage, disabled)).toContain('已停用</span>: 否 → 是</li>');
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      const enPage = (await office.agent.get('/admin/audit').expect(200)).text;
      expect(summaryOf(enPage, old)).toBe(
        '<ul class="kv"><li><span class="k" title="nameChanged">Name changed</span>: Yes</li>' +
          '<li><span class="k" title="emailChanged">E-mail changed</span>: No</li></ul>',
      );
      expect(summaryOf(enPage, disabled)).toContain('</span>: No → Yes</li>');
      const csv = (await office.agent.get('/admin/audit/export.csv?action=user.update').expect(200)).text;
      expect(csv).toContain('"Name changed: Yes\nE-mail changed: No"');
      expect(csv).not.toContain('HR → HR');
    } finally {
      await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    }
  });
});
