import { buildUser } from '../factories';
import { buildTicket, exampleCalendar, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { escalateOverdueTickets, remindDueTickets } from '../../server/services/tickets';

/**
 * A department asks the IT office for more time on a ticket (申请延期); the office grants it (possibly fewer days) or
 * refuses it. Asking does not stop the clock — the ticket is reminded and shown overdue as before — but it is not
 * escalated while the office has not answered. March 2026 has no holidays: a ticket filed Monday 03-02 is due (medium,
 * 5 working days) Monday 03-09.
 */
const catalog = exampleCatalog();
const calendar = exampleCalendar(catalog);
const at = (iso: string) => new Date(iso);
let t: TestApp;
let steward: Awaited<ReturnType<typeof buildUser>>;
let office: Awaited<ReturnType<typeof buildUser>>;

beforeAll(async () => {
  t = await createTestApp();
  await seedCatalogDepartments(t.db.knex, catalog);
  steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
  office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
});
afterAll(() => t.close());

const ticketRow = (id: number) => t.db.knex('tickets').where({ id }).first();
const inboxOf = (userId: number) => t.db.knex('notifications').where({ user_id: userId }).orderBy('id');
const fileTicket = async (field: string) => (await buildTicket(t.db.knex, catalog, at('2026-03-02T02:00:00Z'), { field })).id;

it('asks for more time, is reminded but not escalated while the office decides, and the grant moves the due date', async () => {
  const id = await fileTicket('staff_no');
  expect((await ticketRow(id)).due_at).toBe('2026-03-09');
  // Tuesday 03-03: HR asks for more time.
  t.ctx.now = () => at('2026-03-03T02:00:00Z');
  const hr = await signIn(t.app, steward.login, steward.password);
  expect((await hr.agent.get(`/tickets/${id}`).expect(200)).text).toContain(`action="/tickets/${id}/extension"`);

  // Mistakes come back next to their inputs, what was typed kept, nothing changed.
  const version = (await ticketRow(id)).version;
  const empty = await hr.agent
    .post(`/tickets/${id}/extension`)
    .type('form')
    .send({ _csrf: hr.csrf, days: '', reason: ' ', version })
    .expect(422);
  expect(empty.text).toContain('<p class="field-error" id="extension-days-error">');
  expect(empty.text).toContain('请填写延期的工作日数（1–20）');
  expect(empty.text).toContain('请填写延期理由');
  const tooMany = await hr.agent
    .post(`/tickets/${id}/extension`)
    .type('form')
    .send({ _csrf: hr.csrf, days: '30', reason: '等待正式文件', version })
    .expect(422);
  expect(tooMany.text).toContain('应为 1–20 之间的整数（工作日），不能是“30”');
  expect(tooMany.text).toContain('>等待正式文件</textarea>');
  expect(await ticketRow(id)).toMatchObject({ extension_requested_at: null, extension_days: null, version });

  // Full-width digits, as a Chinese input method types them.
  await hr.agent
    .post(`/tickets/${id}/extension`)
    .type('form')
    .send({ _csrf: hr.csrf, days: '５', reason: '等待人事处正式任职文件，手机 13812345678', version })
    .expect(302);
  const asked = await ticketRow(id);
  expect(asked).toMatchObject({ extension_days: 5, due_at: '2026-03-09', status: 'open' });
  expect(asked.extension_requested_at).not.toBeNull();

  // The IT office hears it at once, the reason masked as the pages mask it.
  const officeNotice = (await inboxOf(office.id)).at(-1);
  expect(officeNotice).toMatchObject({
    kind: 'ticket.extension_asked',
    title: `【延期申请】质量工单 #${id}：人事处（HR）申请延期 5 个工作日`,
    link: `/tickets/${id}`,
  });
  expect(officeNotice.body).toContain('理由：等待人事处正式任职文件，手机 138****5678');

  // HR's page says it waits, and offers no second request; one sent anyway changes nothing.
  const waiting = (await hr.agent.get(`/tickets/${id}`).expect(200)).text;
  expect(waiting).toContain(
    '人事处已于 2026-03-03 申请延期 5 个工作日，等待信息化办公室决定；决定前整改期限仍为 2026-03-09，照常提醒，但不会逾期督办。',
  );
  expect(waiting).not.toContain(`action="/tickets/${id}/extension"`);
  const twice = await hr.agent
    .post(`/tickets/${id}/extension`)
    .type('form')
    .send({ _csrf: hr.csrf, days: '10', reason: '再次申请' })
    .expect(302);
  expect(twice.headers.location).toBe(`/tickets/${id}`);
  expect((await ticketRow(id)).extension_days).toBe(5);
  // Nor may the department answer its own request.
  await hr.agent.post(`/tickets/${id}/extension/grant`).type('form').send({ _csrf: hr.csrf, days: '5' }).expect(403);

  // The clock runs: reminded on Friday 03-06; past due on Tuesday 03-10, yet not escalated while the office decides.
  expect((await remindDueTickets(t.db.knex, { calendar, now: at('2026-03-06T01:00:00Z') })).map((x) => x.id)).toContain(id);
  expect((await escalateOverdueTickets(t.db.knex, { calendar, now: at('2026-03-10T01:00:00Z') })).map((x) => x.id)).not.toContain(
    id,
  );

  // Tuesday 03-10: the office finds it among the requests, with what granting all of it would give.
  t.ctx.now = () => at('2026-03-10T02:00:00Z');
  const it = await signIn(t.app, office.login, office.password);
  const queue = (await it.agent.get('/tickets?view=extension').expect(200)).text;
  expect(queue).toContain(`href="/tickets/${id}"`);
  // The queue says how much was asked, without opening each ticket.
  expect(queue).toContain('<span class="badge warn">已申请延期 5 个工作日</span>');
  const page = (await it.agent.get(`/tickets/${id}`).expect(200)).text;
  expect(page).toContain(`action="/tickets/${id}/extension/grant"`);
  expect(page).toContain(`action="/tickets/${id}/extension/refuse"`);
  expect(page).toMatch(/id="grant-days" name="days" inputmode="numeric" size="4" value="5"/);
  expect(page).toContain('按申请的 5 个工作日，整改期限将由 2026-03-09 顺延至 2026-03-16');
  // A check ticket has no reporters: the note's box does not speak of them.
  expect(page).toContain('同意延期的说明（可选，责任单位将收到）</label>');

  // More than was asked for is not granted (422 under the days, nothing changed).
  const more = await it.agent
    .post(`/tickets/${id}/extension/grant`)
    .type('form')
    .send({ _csrf: it.csrf, days: '8', reason: '', version: (await ticketRow(id)).version })
    .expect(422);
  expect(more.text).toContain('<p class="field-error" id="grant-days-error">不能超过申请的 5 个工作日</p>');
  // Not a number of days, or none: the message gives the range the box offers (1–5), not the department's 1–20.
  const zero = await it.agent
    .post(`/tickets/${id}/extension/grant`)
    .type('form')
    .send({ _csrf: it.csrf, days: '0', reason: '', version: (await ticketRow(id)).version })
    .expect(422);
  expect(zero.text).toContain('<p class="field-error" id="grant-days-error">应为 1–5 之间的整数（工作日），不能是“0”</p>');
  const none = await it.agent
    .post(`/tickets/${id}/extension/grant`)
    .type('form')
    .send({ _csrf: it.csrf, days: ' ', reason: '', version: (await ticketRow(id)).version })
    .set('Accept-Language', 'en')
    .expect(422);
  expect(none.text).toContain('<p class="field-error" id="grant-days-error">enter the number of working days (1–5)</p>');
  expect((await ticketRow(id)).due_at).toBe('2026-03-09');

  // It grants 3 of the 5: due 03-09 + 3 working days = Thursday 03-12; the reminder will come again.
  const granted = await it.agent
    .post(`/tickets/${id}/extension/grant`)
    .type('form')
    .send({ _csrf: it.csrf, days: '3', reason: '', version: (await ticketRow(id)).version })
    .expect(302);
  expect(granted.headers.location).toBe(`/tickets/${id}`);
  expect(await ticketRow(id)).toMatchObject({
    due_at: '2026-03-12',
    extension_requested_at: null,
    extension_days: null,
    reminded_at: null,
    escalated_at: null,
  });
  const hrNotice = (await inboxOf(steward.id)).at(-1);
  expect(hrNotice).toMatchObject({
    kind: 'ticket.extension_given',
    title: `【同意延期】质量工单 #${id} 整改期限顺延 3 个工作日至 2026-03-12`,
    link: `/tickets/${id}`,
  });
  const history = (await hr.agent.get(`/tickets/${id}`).expect(200)).text;
  expect(history).toMatch(/申请延期\s*<span class="event-note">5 个工作日（申请时整改期限 2026-03-09）<\/span>/);
  expect(history).toMatch(
    /同意延期\s*<span class="event-note">申请 5 个工作日，同意 3 个工作日；整改期限由 2026-03-09 顺延至 2026-03-12<\/span>/,
  );
  expect(history).not.toContain('extension-waiting');
  // In English the events read on from the person's name, as the other events do.
  await hr.agent.post('/locale').type('form').send({ _csrf: hr.csrf, locale: 'en', next: '/' }).expect(302);
  const english = (await hr.agent.get(`/tickets/${id}`).expect(200)).text;
  expect(english).toMatch(
    /asked for more time\s*<span class="event-note">a 5-working-day extension \(due 2026-03-09 when asked\)<\/span>/,
  );
  expect(english).toMatch(
    /granted more time\s*<span class="event-note">3 of the 5 working days asked for; due date moved from 2026-03-09 to 2026-03-12<\/span>/,
  );
  await hr.agent.post('/locale').type('form').send({ _csrf: hr.csrf, locale: 'zh-CN', next: '/' }).expect(302);
  // The audit log has the request and the decision.
  expect(
    (
      await t.db
        .knex('audit_log')
        .where({ object_type: 'ticket', object_id: String(id) })
        .orderBy('seq')
        .pluck('action')
    ).slice(-2),
  ).toEqual(['ticket.extension_request', 'ticket.extension_grant']);

  // Granted again (a colleague's page left open): nothing waits, nothing changes.
  const again = await it.agent
    .post(`/tickets/${id}/extension/grant`)
    .type('form')
    .send({ _csrf: it.csrf, days: '5' })
    .expect(302);
  expect(again.headers.location).toBe(`/tickets/${id}`);
  expect((await ticketRow(id)).due_at).toBe('2026-03-12');

  // The new date passes too: escalated on Friday 03-13.
  expect((await escalateOverdueTickets(t.db.knex, { calendar, now: at('2026-03-13T01:00:00Z') })).map((x) => x.id)).toContain(id);
});

it('refuses with a reason: the due date stays, and the next run escalates', async () => {
  const id = await fileTicket('name');
  t.ctx.now = () => at('2026-03-09T02:00:00Z');
  const hr = await signIn(t.app, steward.login, steward.password);
  await hr.agent
    .post(`/tickets/${id}/extension`)
    .type('form')
    .send({ _csrf: hr.csrf, days: '2', reason: '系统升级' })
    .expect(302);
  expect((await escalateOverdueTickets(t.db.knex, { calendar, now: at('2026-03-10T01:00:00Z') })).map((x) => x.id)).not.toContain(
    id,
  );

  t.ctx.now = () => at('2026-03-10T02:00:00Z');
  const it = await signIn(t.app, office.login, office.password);
  const noReason = await it.agent
    .post(`/tickets/${id}/extension/refuse`)
    .type('form')
    .send({ _csrf: it.csrf, reason: '' })
    .expect(422);
  expect(noReason.text).toContain('<p class="field-error" id="refuse-reason-error">');
  expect((await ticketRow(id)).extension_days).toBe(2);

  await it.agent
    .post(`/tickets/${id}/extension/refuse`)
    .type('form')
    .send({ _csrf: it.csrf, reason: '姓名应在报到当天录入' })
    .expect(302);
  expect(await ticketRow(id)).toMatchObject({ due_at: '2026-03-09', extension_requested_at: null, extension_days: null });
  const notice = (await inboxOf(steward.id)).at(-1);
  expect(notice).toMatchObject({
    kind: 'ticket.extension_denied',
    title: `【不同意延期】质量工单 #${id} 整改期限仍为 2026-03-09`,
  });
  expect(notice.body).toContain('理由：姓名应在报到当天录入');
  expect((await hr.agent.get(`/tickets/${id}`).expect(200)).text).toMatch(
    /不同意延期\s*<span class="event-note">整改期限仍为 2026-03-09<\/span>/,
  );
  expect((await escalateOverdueTickets(t.db.knex, { calendar, now: at('2026-03-11T01:00:00Z') })).map((x) => x.id)).toContain(id);
});

it('holds no escalation for a request made after the due date, and tells the department leaders the answer', async () => {
  const leader = await buildUser(t.db.knex, { department: 'HR', roles: ['dept_leader'] });
  const id = await fileTicket('duty_status');
  // Due Monday 03-09; the leader asks on Tuesday 03-10, after the date.
  t.ctx.now = () => at('2026-03-10T02:00:00Z');
  const lead = await signIn(t.app, leader.login, leader.password);
  await lead.agent
    .post(`/tickets/${id}/extension`)
    .type('form')
    .send({ _csrf: lead.csrf, days: '3', reason: '等待文件' })
    .expect(302);
  expect((await lead.agent.get(`/tickets/${id}`).expect(200)).text).toContain(
    '人事处已于 2026-03-10 申请延期 3 个工作日，等待信息化办公室决定；申请时已过整改期限 2026-03-09，逾期督办照常进行。',
  );
  // Asking again after each refusal must not put the escalation off: escalated while the request waits.
  expect((await escalateOverdueTickets(t.db.knex, { calendar, now: at('2026-03-11T01:00:00Z') })).map((x) => x.id)).toContain(id);
  const it = await signIn(t.app, office.login, office.password);
  await it.agent.post(`/tickets/${id}/extension/refuse`).type('form').send({ _csrf: it.csrf, reason: '已逾期' }).expect(302);
  expect((await inboxOf(leader.id)).at(-1)).toMatchObject({ kind: 'ticket.extension_denied' });
});

it('withdraws an escalation when the new date is not past, and ends a request when the ticket leaves the department', async () => {
  // Escalated on Tuesday 03-10; asked for more time that day; granted 5 days on Wednesday 03-11: due 03-16, not overdue.
  const id = await fileTicket('gender');
  expect((await escalateOverdueTickets(t.db.knex, { calendar, now: at('2026-03-10T01:00:00Z') })).map((x) => x.id)).toContain(id);
  t.ctx.now = () => at('2026-03-10T02:00:00Z');
  const hr = await signIn(t.app, steward.login, steward.password);
  await hr.agent
    .post(`/tickets/${id}/extension`)
    .type('form')
    .send({ _csrf: hr.csrf, days: '5', reason: '等待文件' })
    .expect(302);
  t.ctx.now = () => at('2026-03-11T02:00:00Z');
  const it = await signIn(t.app, office.login, office.password);
  await it.agent.post(`/tickets/${id}/extension/grant`).type('form').send({ _csrf: it.csrf, days: '5' }).expect(302);
  expect(await ticketRow(id)).toMatchObject({ due_at: '2026-03-16', escalated_at: null });

  // A request left waiting ends when the department marks the ticket fixed: nothing left to extend.
  await hr.agent
    .post(`/tickets/${id}/extension`)
    .type('form')
    .send({ _csrf: hr.csrf, days: '2', reason: '再等两天' })
    .expect(302);
  expect((await ticketRow(id)).extension_days).toBe(2);
  await hr.agent.post(`/tickets/${id}/transition`).type('form').send({ _csrf: hr.csrf, to: 'fixed' }).expect(302);
  expect(await ticketRow(id)).toMatchObject({ status: 'fixed', extension_requested_at: null, extension_days: null });
  // The history says the request ended with it.
  expect((await hr.agent.get(`/tickets/${id}`).expect(200)).text).toContain(
    '<span class="event-note">申请的 2 个工作日延期随之结束</span>',
  );
  expect((await it.agent.get('/tickets?view=extension').expect(200)).text).not.toContain(`href="/tickets/${id}"`);
  // A fixed ticket waits for its re-check, not for more time.
  const fixed = await hr.agent
    .post(`/tickets/${id}/extension`)
    .type('form')
    .send({ _csrf: hr.csrf, days: '2', reason: '再等两天' })
    .expect(409);
  expect(fixed.text).toContain(`工单 #${id} 当前为“已整改待复查”，不能申请延期`);
});

it('withdraws a waiting request when the department disputes the ticket: the dispute stops the clock instead', async () => {
  const id = await fileTicket('title_rank');
  t.ctx.now = () => at('2026-03-03T02:00:00Z');
  const hr = await signIn(t.app, steward.login, steward.password);
  await hr.agent.post(`/tickets/${id}/extension`).type('form').send({ _csrf: hr.csrf, days: '3', reason: '等待' }).expect(302);
  await hr.agent.post(`/tickets/${id}/dispute`).type('form').send({ _csrf: hr.csrf, reason: '职称由组织部维护' }).expect(302);
  expect(await ticketRow(id)).toMatchObject({ extension_requested_at: null, extension_days: null });
  const page = (await hr.agent.get(`/tickets/${id}`).expect(200)).text;
  expect(page).not.toContain('extension-waiting');
  expect(page).toMatch(/提出异议\s*<span class="event-note">申请的 3 个工作日延期随之结束<\/span>/);
});

it('is not asked while disputed, and a reassignment ends a waiting request', async () => {
  const disputed = await fileTicket('id_card');
  t.ctx.now = () => at('2026-03-03T02:00:00Z');
  const hr = await signIn(t.app, steward.login, steward.password);
  await hr.agent.post(`/tickets/${disputed}/dispute`).type('form').send({ _csrf: hr.csrf, reason: '非本单位数据' }).expect(302);
  expect((await hr.agent.get(`/tickets/${disputed}`).expect(200)).text).not.toContain(`action="/tickets/${disputed}/extension"`);
  const res = await hr.agent
    .post(`/tickets/${disputed}/extension`)
    .type('form')
    .send({ _csrf: hr.csrf, days: '3', reason: '等待' })
    .expect(409);
  expect(res.text).toContain('异议期间整改期限暂停计算，无需申请延期');

  const id = await fileTicket('mobile');
  await hr.agent.post(`/tickets/${id}/extension`).type('form').send({ _csrf: hr.csrf, days: '3', reason: '等待' }).expect(302);
  const it = await signIn(t.app, office.login, office.password);
  await it.agent
    .post(`/tickets/${id}/reassign`)
    .type('form')
    .send({ _csrf: it.csrf, department: 'ORG', reason: '手机由组织部维护' })
    .expect(302);
  expect(await ticketRow(id)).toMatchObject({ department_code: 'ORG', extension_requested_at: null, extension_days: null });
});

it('shows a waiting request in the API, and only to those who may see the ticket', async () => {
  const id = await fileTicket('email');
  t.ctx.now = () => at('2026-03-03T02:00:00Z');
  const hr = await signIn(t.app, steward.login, steward.password);
  await hr.agent.post(`/tickets/${id}/extension`).type('form').send({ _csrf: hr.csrf, days: '4', reason: '等待' }).expect(302);
  const body = (await hr.agent.get(`/api/v1/tickets/${id}`).expect(200)).body;
  expect(body).toMatchObject({ id, extension_days: 4, due_at: '2026-03-09' });
  expect(body.extension_requested_at).toBe('2026-03-03T02:00:00.000Z');
  const other = await buildUser(t.db.knex, { department: 'ORG', roles: ['steward'] });
  const org = await signIn(t.app, other.login, other.password);
  await org.agent.post(`/tickets/${id}/extension`).type('form').send({ _csrf: org.csrf, days: '4', reason: '等待' }).expect(404);
});
