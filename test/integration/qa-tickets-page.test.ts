import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The ticket page's forms when something sent is refused: the message is tied to its input
 * (aria-invalid, aria-describedby naming the message), as the account and settings forms do, and it
 * comes back in the form that was sent alone — the dispute's and the reassignment's reasons are both
 * `reason`, and someone who may do both saw one refusal under both forms, with the typed text in both.
 */
const catalog = exampleCatalog();
const T0 = new Date('2026-09-30T02:00:00Z');

let t: TestApp;
let steward: { login: string; password: string };
let office: { login: string; password: string };
let both: { login: string; password: string };

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-10-01T02:00:00Z');
  await seedCatalogDepartments(t.db.knex, catalog);
  steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
  office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
  // The IT office's data officer who is also a steward of the department (small universities have one person for both).
  both = await buildUser(t.db.knex, { department: 'HR', roles: ['it_office', 'steward'] });
});
afterAll(() => t.close());

/** The opening tag of the element with this id. */
const tag = (html: string, id: string) => new RegExp(`<(?:textarea|select) id="${id}"[^>]*>`).exec(html)?.[0] ?? '';
const invalid = (html: string, id: string) =>
  tag(html, id).includes(`aria-invalid="true" aria-describedby="${id}-error"`) && html.includes(` id="${id}-error">`);

/**
 * The summary at the page's top of a sent-back form: each message with the id it links to, and whether the page has
 * that id (the forms are a screen or more below the ticket; the page comes back at its top).
 */
const summary = (html: string) =>
  [
    ...(/<div class="flash flash-error error-summary" role="alert">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '').matchAll(
      /<a href="#([^"]+)">([^<]*)<\/a>/g,
    ),
  ].map(([, anchor, message]) => ({ message, anchor, found: html.includes(` id="${anchor}"`) }));

describe('a refused form on the ticket page', () => {
  it("ties each message to its input: the steward's dispute reason, fix note and comment", async () => {
    const ticket = (await buildTicket(t.db.knex, catalog, T0, { field: 'name', check: 'required' })).id;
    const s = await signIn(t.app, steward.login, steward.password);
    const page = (await s.agent.get(`/tickets/${ticket}`).expect(200)).text;
    for (const id of ['fix-comment', 'dispute-reason', 'comment'])
      expect({ id, invalid: invalid(page, id) }).toEqual({ id, invalid: false });

    const dispute = await s.agent
      .post(`/tickets/${ticket}/dispute`)
      .type('form')
      .send({ _csrf: s.csrf, reason: '  ' })
      .expect(422);
    expect(invalid(dispute.text, 'dispute-reason')).toBe(true);
    expect(dispute.text).toContain('<p class="field-error" id="dispute-reason-error">请填写理由</p>');
    expect(invalid(dispute.text, 'comment')).toBe(false);
    // …and said at the top, linked to it.
    expect(summary(dispute.text)).toEqual([{ message: '异议理由：请填写理由', anchor: 'dispute-reason-error', found: true }]);
    expect(summary(page)).toEqual([]);

    const fixed = await s.agent
      .post(`/tickets/${ticket}/transition`)
      .type('form')
      .send({ _csrf: s.csrf, to: 'fixed', comment: '长'.repeat(2001) })
      .expect(422);
    expect(invalid(fixed.text, 'fix-comment')).toBe(true);
    expect(fixed.text).toContain('id="fix-comment-error">最多 2000 个字符（已填写 2001 个）</p>');
    expect(summary(fixed.text)).toEqual([
      { message: '整改说明：最多 2000 个字符（已填写 2001 个）', anchor: 'fix-comment-error', found: true },
    ]);
    expect(invalid(fixed.text, 'comment')).toBe(false);

    const comment = await s.agent
      .post(`/tickets/${ticket}/comment`)
      .type('form')
      .send({ _csrf: s.csrf, comment: '' })
      .expect(422);
    expect(invalid(comment.text, 'comment')).toBe(true);
    expect(comment.text).toContain('id="comment-error">请填写备注内容</p>');
    expect(summary(comment.text)).toEqual([{ message: '备注：请填写备注内容', anchor: 'comment-error', found: true }]);
    expect(invalid(comment.text, 'fix-comment')).toBe(false);
  });

  it("ties the IT office's reassignment and close messages to their inputs", async () => {
    const ticket = (await buildTicket(t.db.knex, catalog, T0, { field: 'gender', check: 'codes' })).id;
    const o = await signIn(t.app, office.login, office.password);
    const reassign = await o.agent
      .post(`/tickets/${ticket}/reassign`)
      .type('form')
      .send({ _csrf: o.csrf, department: '', reason: '' })
      .expect(422);
    expect(invalid(reassign.text, 'reassign-department')).toBe(true);
    expect(invalid(reassign.text, 'reassign-reason')).toBe(true);
    expect(invalid(reassign.text, 'close-reason')).toBe(false);
    expect(summary(reassign.text).map((m) => [m.anchor, m.found])).toEqual([
      ['reassign-department-error', true],
      ['reassign-reason-error', true],
    ]);

    const close = await o.agent
      .post(`/tickets/${ticket}/transition`)
      .type('form')
      .send({ _csrf: o.csrf, to: 'closed' })
      .expect(422);
    expect(invalid(close.text, 'close-reason')).toBe(true);
    expect(close.text).toContain('id="close-reason-error">请填写理由</p>');
    expect(summary(close.text)).toEqual([{ message: '关闭原因：请填写理由', anchor: 'close-reason-error', found: true }]);
    expect(invalid(close.text, 'reassign-reason')).toBe(false);
  });

  it('brings a refused reason back in the form it was sent with, not in both reason forms', async () => {
    const ticket = (await buildTicket(t.db.knex, catalog, T0, { field: 'ethnicity', check: 'codes' })).id;
    const b = await signIn(t.app, both.login, both.password);
    const page = (await b.agent.get(`/tickets/${ticket}`).expect(200)).text;
    expect(page).toContain('id="dispute-reason"');
    expect(page).toContain('id="reassign-reason"');

    // A reassignment without its department: the reason typed stays in the reassignment form only.
    const reassign = await b.agent
      .post(`/tickets/${ticket}/reassign`)
      .type('form')
      .send({ _csrf: b.csrf, department: '', reason: '民族由学生处维护' })
      .expect(422);
    expect(reassign.text.split('民族由学生处维护</textarea>')).toHaveLength(2);
    expect(tag(reassign.text, 'reassign-reason')).toBeTruthy();
    expect(reassign.text).toMatch(/id="reassign-reason"[^>]*>民族由学生处维护<\/textarea>/);

    // A dispute without its reason: one message, under the dispute form (and the summary's link to it at the top).
    const dispute = await b.agent.post(`/tickets/${ticket}/dispute`).type('form').send({ _csrf: b.csrf, reason: '' }).expect(422);
    expect(dispute.text.split('<p class="field-error" id="dispute-reason-error">请填写理由</p>')).toHaveLength(2);
    expect(dispute.text.split('请填写理由')).toHaveLength(3);
    expect(summary(dispute.text)).toEqual([{ message: '异议理由：请填写理由', anchor: 'dispute-reason-error', found: true }]);
    expect(invalid(dispute.text, 'dispute-reason')).toBe(true);
    expect(invalid(dispute.text, 'reassign-reason')).toBe(false);
  });
});

/** The text of the label of the input with this id. */
const labelOf = (html: string, id: string) => new RegExp(`<label for="${id}">([^<]*)</label>`).exec(html)?.[1] ?? '';

describe("a refused form's summary at the page's top", () => {
  const TOO_LONG = '长'.repeat(2001);
  /** The summary's entries with the label of the box each links to: the label starts with the name the entry gives. */
  const named = (html: string) =>
    summary(html).map(({ message, anchor, found }) => {
      const box = anchor.replace(/-error$/, '');
      const name = message.slice(0, Math.max(message.indexOf('：'), message.indexOf(': ')));
      return { message, anchor, found, labelled: !!name && labelOf(html, box).startsWith(name) };
    });
  const entry = (message: string, anchor: string) => ({ message, anchor, found: true, labelled: true });

  it("names the box of each message as its label does, in Chinese and English: the steward's texts", async () => {
    const ticket = (await buildTicket(t.db.knex, catalog, T0, { field: 'title_rank', check: 'required' })).id;
    const before = await t.db.knex('ticket_events').where({ ticket_id: ticket }).pluck('kind');
    const s = await signIn(t.app, steward.login, steward.password);
    const send = (path: string, body: Record<string, string>, locale = 'zh-CN') =>
      s.agent
        .post(`/tickets/${ticket}${path}`)
        .set('Accept-Language', locale)
        .type('form')
        .send({ _csrf: s.csrf, ...body })
        .expect(422);

    expect(named((await send('/extension', { days: '3', reason: TOO_LONG })).text)).toEqual([
      entry('延期理由：最多 2000 个字符（已填写 2001 个）', 'extension-reason-error'),
    ]);
    expect(named((await send('/extension', { days: '3', reason: TOO_LONG }, 'en')).text)).toEqual([
      entry('Reason for the extension: At most 2000 characters (2001 given)', 'extension-reason-error'),
    ]);
    expect(named((await send('/extension', { days: '0', reason: '' })).text)).toEqual([
      entry('延期天数：应为 1–20 之间的整数（工作日），不能是“0”', 'extension-days-error'),
      entry('延期理由：请填写延期理由', 'extension-reason-error'),
    ]);
    expect(named((await send('/dispute', { reason: TOO_LONG })).text)).toEqual([
      entry('异议理由：最多 2000 个字符（已填写 2001 个）', 'dispute-reason-error'),
    ]);
    expect(named((await send('/dispute', { reason: TOO_LONG }, 'en')).text)).toEqual([
      entry('Reason for the dispute: At most 2000 characters (2001 given)', 'dispute-reason-error'),
    ]);
    expect(named((await send('/transition', { to: 'fixed', comment: TOO_LONG })).text)).toEqual([
      entry('整改说明：最多 2000 个字符（已填写 2001 个）', 'fix-comment-error'),
    ]);
    expect(named((await send('/comment', { comment: TOO_LONG })).text)).toEqual([
      entry('备注：最多 2000 个字符（已填写 2001 个）', 'comment-error'),
    ]);
    expect(named((await send('/comment', { comment: TOO_LONG }, 'en')).text)).toEqual([
      entry('Comment: At most 2000 characters (2001 given)', 'comment-error'),
    ]);
    // Nothing was written.
    expect(await t.db.knex('ticket_events').where({ ticket_id: ticket }).pluck('kind')).toEqual(before);
  });

  it("names the IT office's boxes: reassignment, close, the extension's grant and refusal, the dispute's dismissal", async () => {
    const ticket = (await buildTicket(t.db.knex, catalog, T0, { field: 'unit_code', check: 'references' })).id;
    const s = await signIn(t.app, steward.login, steward.password);
    const o = await signIn(t.app, office.login, office.password);
    const send = (path: string, body: Record<string, string>, locale = 'zh-CN') =>
      o.agent
        .post(`/tickets/${ticket}${path}`)
        .set('Accept-Language', locale)
        .type('form')
        .send({ _csrf: o.csrf, ...body })
        .expect(422);

    expect(named((await send('/reassign', { department: '', reason: TOO_LONG })).text)).toEqual([
      entry('改派给：请在“改派给”中选择接收工单的单位', 'reassign-department-error'),
      entry('改派理由：最多 2000 个字符（已填写 2001 个）', 'reassign-reason-error'),
    ]);
    expect(named((await send('/reassign', { department: 'ITC', reason: TOO_LONG }, 'en')).text)).toEqual([
      entry('Reason for reassigning: At most 2000 characters (2001 given)', 'reassign-reason-error'),
    ]);
    expect(named((await send('/transition', { to: 'closed', comment: TOO_LONG })).text)).toEqual([
      entry('关闭原因：最多 2000 个字符（已填写 2001 个）', 'close-reason-error'),
    ]);
    expect(named((await send('/transition', { to: 'closed', comment: TOO_LONG }, 'en')).text)).toEqual([
      entry('Reason for closing: At most 2000 characters (2001 given)', 'close-reason-error'),
    ]);

    await s.agent
      .post(`/tickets/${ticket}/extension`)
      .type('form')
      .send({ _csrf: s.csrf, days: '3', reason: '需核对纸质档案' })
      .expect(302);
    expect(named((await send('/extension/grant', { days: '3', reason: TOO_LONG })).text)).toEqual([
      entry('同意延期的说明：最多 2000 个字符（已填写 2001 个）', 'grant-reason-error'),
    ]);
    expect(named((await send('/extension/grant', { days: '9', reason: '' }, 'en')).text)).toEqual([
      entry('Working days granted: may not be more than the 3 working days asked for', 'grant-days-error'),
    ]);
    expect(named((await send('/extension/refuse', { reason: TOO_LONG })).text)).toEqual([
      entry('不同意延期的理由：最多 2000 个字符（已填写 2001 个）', 'refuse-reason-error'),
    ]);
    expect(named((await send('/extension/refuse', { reason: '' }, 'en')).text)).toEqual([
      entry('Reason for refusing more time: A reason is required', 'refuse-reason-error'),
    ]);

    await s.agent
      .post(`/tickets/${ticket}/dispute`)
      .type('form')
      .send({ _csrf: s.csrf, reason: '部门代码由组织部维护' })
      .expect(302);
    expect(named((await send('/dispute/dismiss', { reason: TOO_LONG })).text)).toEqual([
      entry('不采纳异议的理由：最多 2000 个字符（已填写 2001 个）', 'dismiss-reason-error'),
    ]);
    expect(named((await send('/dispute/dismiss', { reason: TOO_LONG }, 'en')).text)).toEqual([
      entry('Why the dispute is not accepted: At most 2000 characters (2001 given)', 'dismiss-reason-error'),
    ]);
  });
});
