import { translator } from '../../server/i18n';
import { appendAudit, type AuditEntry } from '../../server/services/audit';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The audit log filtered by the object its rows are about (object_type + object_id, the stored columns): "who did
 * what on ticket #12 / sharing request #5 / account wang.hr" is that object's rows alone, on the page, across its pages
 * and in the CSV export, combined with the other filters. A value the filter cannot take is a 422 naming the field and
 * what it takes, in the reader's language, with the list of the other filters under it.
 */

const zh = translator('zh-CN');
const en = translator('en');

/** The seqs of the rows a page lists, in order. */
const seqsOf = (html: string) => [...html.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]));
/** The links of a page as a browser reads them (handlebars writes = as &#x3D;). */
const hrefsOf = (html: string) =>
  [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'));
/** The seqs of an export's rows (the first column after the header), in order. */
const csvSeqs = (csv: string) =>
  csv
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter((line) => /^\d+,/.test(line))
    .map((line) => Number(line.split(',')[0]));
/** The message under a filter's box, as the page shows it. */
const messageOf = (html: string, id: string) =>
  html.match(new RegExp(`<p class="field-error" role="alert" id="${id}">([^<]*)</p>`))?.[1];

describe('/admin/audit filtered by object', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  let steward: Awaited<ReturnType<typeof buildUser>>;
  let stewardSession: Awaited<ReturnType<typeof signIn>>;
  const seqs: Record<string, number[]> = {};
  /** Appends a row under `name` (the test's own label for it), newest last. */
  const row = async (name: string, entry: AuditEntry) => {
    const { seq } = await appendAudit(t.db.knex, entry);
    (seqs[name] ??= []).push(seq);
    return seq;
  };
  const newestFirst = (...names: string[]) => names.flatMap((n) => seqs[n]).sort((a, b) => b - a);
  const page = async (query: string, status = 200) => (await office.agent.get(`/admin/audit?${query}`).expect(status)).text;

  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
    await buildDepartment(t.db.knex, { code: 'ITC', name: '信息中心' });
    const o = await buildUser(t.db.knex, { login: 'itoffice', department: 'ITC', roles: ['it_office'] });
    office = await signIn(t.app, o.login, o.password);
    steward = await buildUser(t.db.knex, { login: 'wang.hr', department: 'HR', roles: ['steward'] });
    stewardSession = await signIn(t.app, steward.login, steward.password);
    const actor = { id: steward.id, login: steward.login, roles: ['steward' as const], department: 'HR' };
    // Ticket 12 and its neighbours whose ids share its digits (120, 1), and a sharing request with the same id 12.
    await row('ticket12', {
      actor,
      action: 'ticket.transition',
      objectType: 'ticket',
      objectId: 12,
      summary: { kind: 'acknowledged' },
    });
    await row('ticket120', { actor, action: 'ticket.transition', objectType: 'ticket', objectId: 120 });
    await row('ticket1', { action: 'ticket.opened', objectType: 'ticket', objectId: 1 });
    await row('sharing12', { actor, action: 'sharing.submit', objectType: 'sharing_request', objectId: 12 });
    await row('ticket12', { action: 'ticket.escalated', objectType: 'ticket', objectId: 12 });
    await row('account', { action: 'user.disable', objectType: 'user', objectId: steward.id });
    await row('department', { actor, action: 'department.stewards', objectType: 'department', objectId: 'HR' });
    await row('snapshot', { action: 'scorecards.snapshot', objectType: 'scorecard_snapshot', objectId: '2026-12-01' });
  });
  afterAll(() => t.close());

  it("lists one object's rows and no other's: ticket #12, not #120, #1 or sharing request #12", async () => {
    const expected = newestFirst('ticket12');
    expect(expected).toHaveLength(2);
    // As typed in the box (#12, full-width digits, 012) and the type by its code or its name in either language.
    for (const query of [
      'object_type=ticket&object_id=12',
      'object_type=ticket&object_id=%2312',
      'object_type=ticket&object_id=%EF%BC%91%EF%BC%92',
      'object_type=ticket&object_id=012',
      `object_type=${encodeURIComponent('工单')}&object_id=12`,
      'object_type=Ticket&object_id=%2012%20',
    ]) {
      const html = await page(query);
      expect({ query, seqs: seqsOf(html) }).toEqual({ query, seqs: expected });
      // The menu shows what the list is filtered by.
      expect(html).toContain('<option value="ticket" selected>工单</option>');
    }
    expect(seqsOf(await page('object_type=sharing_request&object_id=12'))).toEqual(newestFirst('sharing12'));
    // The type alone: every row about that kind of object.
    expect(seqsOf(await page('object_type=ticket'))).toEqual(newestFirst('ticket12', 'ticket120', 'ticket1'));
    // A ticket no row is about: none, said so.
    const none = await page('object_type=ticket&object_id=999');
    expect(seqsOf(none)).toEqual([]);
    expect(none).toContain(zh('admin.audit.none'));
  });

  it('an account by its login in any case or by its id; a department by its code in any case', async () => {
    // Its sign-ins (signIn above) and its disabling: every row about the account, none about another.
    const accountRows = (
      await t.db
        .knex('audit_log')
        .where({ object_type: 'user', object_id: String(steward.id) })
        .orderBy('seq', 'desc')
        .pluck('seq')
    ).map(Number);
    expect(accountRows).toEqual(expect.arrayContaining(seqs.account));
    expect(accountRows.length).toBeGreaterThan(1);
    for (const id of ['wang.hr', 'WANG.HR', String(steward.id)])
      expect(seqsOf(await page(`object_type=user&object_id=${encodeURIComponent(id)}`))).toEqual(accountRows);
    expect(seqsOf(await page('object_type=department&object_id=hr'))).toEqual(newestFirst('department'));
    expect(seqsOf(await page('object_type=scorecard_snapshot&object_id=2026-12-01'))).toEqual(newestFirst('snapshot'));
  });

  it('combines with the action, login and date filters', async () => {
    expect(seqsOf(await page('object_type=ticket&object_id=12&action=ticket.transition'))).toEqual([seqs.ticket12[0]]);
    expect(seqsOf(await page('object_type=ticket&object_id=12&actor=WANG.HR'))).toEqual([seqs.ticket12[0]]);
    expect(seqsOf(await page('object_type=ticket&actor=wang.hr'))).toEqual(newestFirst('ticket12', 'ticket120').slice(1));
    expect(seqsOf(await page('object_type=ticket&object_id=12&to=2000-01-01'))).toEqual([]);
    expect(seqsOf(await page('object_type=ticket&object_id=12&from=2000-01-01'))).toEqual(newestFirst('ticket12'));
  });

  it('the CSV export holds the same rows, linked from the page with the filter, and records the filter', async () => {
    const html = await page('object_type=%E5%B7%A5%E5%8D%95&object_id=%2312&actor=wang.hr');
    const exportHref = hrefsOf(html).find((h) => h.startsWith('/admin/audit/export.csv'));
    expect(exportHref).toBe('/admin/audit/export.csv?actor=wang.hr&object_type=ticket&object_id=12');
    const filtered = (await office.agent.get(exportHref!).expect(200)).text;
    expect(csvSeqs(filtered)).toEqual([seqs.ticket12[0]]);
    const all = (await office.agent.get('/admin/audit/export.csv?object_type=ticket&object_id=12').expect(200)).text;
    expect(csvSeqs(all)).toEqual(newestFirst('ticket12'));
    const recorded = await t.db.knex('audit_log').where({ action: 'audit.export' }).orderBy('seq', 'desc').first('summary');
    expect(recorded.summary).toMatchObject({ object_type: 'ticket', object_id: '12' });
    // The export's own row names the filter on the page too.
    const exportRow = await page('action=audit.export');
    expect(exportRow).toContain('<span class="k" title="object_type">对象类型</span>: ticket');
    expect(exportRow).toContain('<span class="k" title="object_id">对象编号</span>: 12');
  });

  it('keeps paging with the object filter: every page that object’s rows, the pager keeping the filter', async () => {
    for (let i = 0; i < 55; i++) await row('ticket77', { action: 'ticket.comment', objectType: 'ticket', objectId: 77 });
    const first = await page('object_type=ticket&object_id=77');
    expect(seqsOf(first)).toEqual(newestFirst('ticket77').slice(0, 50));
    const next = hrefsOf(first).find((h) => h.includes('page=2'));
    expect(next).toBeDefined();
    expect(next).toContain('object_type=ticket');
    expect(next).toContain('object_id=77');
    const second = (await office.agent.get(next!).expect(200)).text;
    expect(seqsOf(second)).toEqual(newestFirst('ticket77').slice(50));
    // Past the last page: the last one, still filtered.
    const past = await office.agent.get('/admin/audit?object_type=ticket&object_id=77&page=9').expect(302);
    expect(past.headers.location).toContain('object_id=77');
  });

  it('says what is wrong with a bad object filter under its box, naming the field and what it takes (422, no 500)', async () => {
    const everything = seqsOf(await page(''));
    const cases: [string, string, string][] = [
      // An unknown type, under the menu.
      ['object_type=widget&object_id=12', 'audit-object-type-error', '对象类型：没有“widget”这类对象，请从列表中选择'],
      // A ticket's id is a number.
      ['object_type=ticket&object_id=abc', 'audit-object-id-error', '对象编号：“abc”不是数字；工单的编号是数字，如 12'],
      ['object_type=ticket&object_id=1.5', 'audit-object-id-error', '对象编号：“1.5”不是数字；工单的编号是数字，如 12'],
      // An id without its type.
      ['object_id=12', 'audit-object-type-error', '对象类型：按对象编号“12”筛选时，请同时选择对象类型（如 工单、共享申请）'],
      // An account no login names.
      [
        'object_type=user&object_id=nobody',
        'audit-object-id-error',
        '对象编号：没有登录名为“nobody”的账号；请填写账号的登录名或编号',
      ],
      // A snapshot's id is a day.
      [
        'object_type=scorecard_snapshot&object_id=2026-02-30',
        'audit-object-id-error',
        '对象编号：“2026-02-30”不是日期；评分快照的编号是日期，按 YYYY-MM-DD 填写，如 2026-12-07',
      ],
      // Longer than any stored id.
      [
        `object_type=settings&object_id=${'x'.repeat(201)}`,
        'audit-object-id-error',
        '对象编号：最多 200 个字符（已填写 201 个）',
      ],
      // Sent twice: which one was meant?
      [
        'object_type=ticket&object_id=1&object_id=2',
        'audit-object-id-error',
        '参数 object_id 只能给一个值（收到了多个值或列表）',
      ],
    ];
    for (const [query, errorId, message] of cases) {
      const html = await page(query, 422);
      expect({ query, message: messageOf(html, errorId) }).toEqual({ query, message });
      expect(html).toContain(`aria-describedby="${errorId}"`);
      // The list is that of the other filters (none here): every row, not none as if filtered.
      expect(seqsOf(html).length).toBe(Math.min(50, everything.length));
    }
    // With another filter: that filter's rows, the bad one said.
    const withAction = await page('object_type=ticket&object_id=abc&action=user.disable', 422);
    expect(seqsOf(withAction)).toEqual(newestFirst('account'));
    // The type stays chosen when only its id was refused.
    expect(withAction).toContain('<option value="ticket" selected>工单</option>');
    expect(withAction).toContain('name="object_id" value="abc"');
    // The export refuses it the same way, writing nothing.
    const exports = await t.db.knex('audit_log').where({ action: 'audit.export' }).count({ n: '*' }).first();
    await office.agent.get('/admin/audit/export.csv?object_type=ticket&object_id=abc').expect(422);
    await office.agent.get('/admin/audit/export.csv?object_type=widget').expect(422);
    expect(await t.db.knex('audit_log').where({ action: 'audit.export' }).count({ n: '*' }).first()).toEqual(exports);
  });

  it('says it in English to an English reader', async () => {
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      const unknown = await page('object_type=widget', 422);
      expect(messageOf(unknown, 'audit-object-type-error')).toBe(
        'Object type: there is no object type “widget”; choose one from the list',
      );
      const notNumber = await page('object_type=sharing_request&object_id=five', 422);
      expect(messageOf(notNumber, 'audit-object-id-error')).toBe(
        'Object id: “five” is not a number; Sharing request ids are numbers, such as 12',
      );
      expect(messageOf(await page('object_id=5', 422), 'audit-object-type-error')).toBe(
        'Object type: choose the type of object “5” is the id of (a ticket, a sharing request…)',
      );
      // The type's English name is taken too, and the menu names the types in English.
      const byName = await page('object_type=Sharing%20request&object_id=12');
      expect(seqsOf(byName)).toEqual(newestFirst('sharing12'));
      expect(byName).toContain('<option value="sharing_request" selected>Sharing request</option>');
      expect(byName).toContain(`<option value="">${en('admin.audit.objectTypeAll')}</option>`);
    } finally {
      await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    }
  });

  it('a department steward may not read it, filtered or not (403)', async () => {
    await stewardSession.agent.get('/admin/audit').expect(403);
    await stewardSession.agent.get('/admin/audit?object_type=ticket&object_id=12').expect(403);
    await stewardSession.agent.get('/admin/audit/export.csv?object_type=ticket&object_id=12').expect(403);
  });
});
