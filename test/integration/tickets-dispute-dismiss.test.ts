import { buildUser } from '../factories';
import { buildTicket, checkResult, exampleCalendar, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { applyCheckResults, escalateOverdueTickets, remindDueTickets } from '../../server/services/tickets';

/**
 * A department disputes a ticket ("not our data"); the IT office either reassigns it or — here — keeps it with the
 * department, saying why. While the office decided, the department's clock stood still: no reminder, no escalation;
 * after, the due date moves on by the working days the dispute took, the department is told, and it may not dispute
 * the same ticket again. March 2026 has no holidays: filed Monday 03-02, due (medium, 5 working days) Monday 03-09.
 */
const catalog = exampleCatalog();
const calendar = exampleCalendar(catalog);
const at = (iso: string) => new Date(iso);
let t: TestApp;
let steward: Awaited<ReturnType<typeof buildUser>>;
let office: Awaited<ReturnType<typeof buildUser>>;
let leader: Awaited<ReturnType<typeof buildUser>>;
let ticketId: number;

beforeAll(async () => {
  t = await createTestApp();
  await seedCatalogDepartments(t.db.knex, catalog);
  ticketId = (await buildTicket(t.db.knex, catalog, at('2026-03-02T02:00:00Z'), { field: 'staff_no' })).id;
  steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
  office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
  leader = await buildUser(t.db.knex, { department: 'HR', roles: ['dept_leader'] });
});
afterAll(() => t.close());

const ticket = () => t.db.knex('tickets').where({ id: ticketId }).first();
const inboxOf = (userId: number) => t.db.knex('notifications').where({ user_id: userId }).orderBy('id');

it('stops the clock while disputed, moves the due date on when the office keeps it, and is not disputed twice', async () => {
  expect((await ticket()).due_at).toBe('2026-03-09');
  // Tuesday 03-03: HR says the data is not theirs.
  t.ctx.now = () => at('2026-03-03T02:00:00Z');
  const hr = await signIn(t.app, steward.login, steward.password);
  await hr.agent
    .post(`/tickets/${ticketId}/dispute`)
    .type('form')
    .send({ _csrf: hr.csrf, reason: '职工号由组织部维护' })
    .expect(302);

  // The department's page says its clock stopped.
  expect((await hr.agent.get(`/tickets/${ticketId}`).expect(200)).text).toContain(
    '<p class="muted dispute-waiting">已提出异议，等待信息化办公室改派或裁定；在此期间整改期限暂停计算，不发到期提醒，不逾期督办。</p>',
  );
  // Friday 03-06 (due on the next working day) and Tuesday 03-10 (past due): neither reminded nor escalated.
  expect(await remindDueTickets(t.db.knex, { calendar, now: at('2026-03-06T01:00:00Z') })).toEqual([]);
  expect(await escalateOverdueTickets(t.db.knex, { calendar, now: at('2026-03-10T01:00:00Z') })).toEqual([]);

  // Tuesday 03-10: the IT office keeps it with HR. A reason is required (422, nothing changed).
  t.ctx.now = () => at('2026-03-10T02:00:00Z');
  const it = await signIn(t.app, office.login, office.password);
  const page = (await it.agent.get(`/tickets/${ticketId}`).expect(200)).text;
  expect(page).toContain(`action="/tickets/${ticketId}/dispute/dismiss"`);
  // Past its due date, yet not overdue while disputed: not badged, not in the overdue view (nor counted so elsewhere).
  expect(page).not.toContain('class="badge bad"');
  expect((await it.agent.get('/tickets?view=overdue').expect(200)).text).not.toContain(`href="/tickets/${ticketId}"`);
  expect((await it.agent.get('/tickets?view=disputed').expect(200)).text).toContain(`href="/tickets/${ticketId}"`);
  const version = (await ticket()).version;
  const empty = await it.agent
    .post(`/tickets/${ticketId}/dispute/dismiss`)
    .type('form')
    .send({ _csrf: it.csrf, reason: ' ', version })
    .expect(422);
  expect(empty.text).toContain('id="dismiss-reason-error"');
  expect((await ticket()).version).toBe(version);
  await it.agent
    .post(`/tickets/${ticketId}/dispute/dismiss`)
    .type('form')
    .send({ _csrf: it.csrf, reason: '职工号由人事处在报到后一周内维护', version })
    .expect(302);

  // 5 working days went by in the dispute (03-04 … 03-10): due 03-09 + 5 = Monday 03-16.
  const kept = await ticket();
  expect(kept).toMatchObject({ department_code: 'HR', disputed_at: null, due_at: '2026-03-16', reminded_at: null });
  const hrInbox = await inboxOf(steward.id);
  expect(hrInbox.at(-1)).toMatchObject({
    kind: 'ticket.dispute_refused',
    title: `【异议未采纳】质量工单 #${ticketId} 仍由本单位整改`,
    link: `/tickets/${ticketId}`,
  });
  expect(hrInbox.at(-1).body).toContain('理由：职工号由人事处在报到后一周内维护');
  // The department's leader hears it too: a leader may file the dispute, and the clock runs again for the department.
  expect((await inboxOf(leader.id)).map((n) => n.kind)).toContain('ticket.dispute_refused');

  // The history says it, with the new due date; HR is offered no second dispute, and a crafted one is a 409.
  const hrPage = (await hr.agent.get(`/tickets/${ticketId}`).expect(200)).text;
  expect(hrPage).toMatch(/异议未采纳\s*<span class="event-note">仍由本单位整改；整改期限顺延 5 个工作日至 2026-03-16<\/span>/);
  expect(hrPage).not.toContain(`action="/tickets/${ticketId}/dispute"`);
  expect(hrPage).not.toContain('dispute-waiting');
  const again = await hr.agent
    .post(`/tickets/${ticketId}/dispute`)
    .type('form')
    .send({ _csrf: hr.csrf, reason: '再次异议' })
    .expect(409);
  expect(again.text).toContain(`信息化办公室已裁定工单 #${ticketId} 由本单位整改，不能再次提出异议`);
  expect((await ticket()).disputed_at).toBeNull();

  // The clock runs again: reminded on Friday 03-13, escalated on Tuesday 03-17.
  expect((await remindDueTickets(t.db.knex, { calendar, now: at('2026-03-13T01:00:00Z') })).map((x) => x.id)).toEqual([ticketId]);
  expect((await escalateOverdueTickets(t.db.knex, { calendar, now: at('2026-03-17T01:00:00Z') })).map((x) => x.id)).toEqual([
    ticketId,
  ]);
});

it('takes a ticket with no dispute pending as settled (the form sent twice): back with a notice, nothing changed; anyone but the IT office 403', async () => {
  const it = await signIn(t.app, office.login, office.password);
  const before = await ticket();
  const res = await it.agent
    .post(`/tickets/${ticketId}/dispute/dismiss`)
    .type('form')
    .send({ _csrf: it.csrf, reason: '再次' })
    .expect(302);
  expect(res.headers.location).toBe(`/tickets/${ticketId}`);
  const page = (await it.agent.get(res.headers.location).expect(200)).text;
  // The same person kept it: the notice says so (not that someone else may have settled it).
  expect(page).toMatch(
    new RegExp(
      `class="flash flash-info"[^>]*>\\s*工单 #${ticketId} 的异议您已决定不采纳（在其他页面，或表单提交了两次）；本次提交未作改动`,
    ),
  );
  expect(await ticket()).toEqual(before);
  const hr = await signIn(t.app, steward.login, steward.password);
  await hr.agent
    .post(`/tickets/${ticketId}/dispute/dismiss`)
    .type('form')
    .send({ _csrf: hr.csrf, reason: '自己驳回' })
    .expect(403);
});

it('a dispute ends when a passing run resolves the ticket: reopened later, its clock runs and it may be disputed again', async () => {
  const id = (await buildTicket(t.db.knex, catalog, at('2026-03-02T02:00:00Z'), { field: 'email', check: 'validate' })).id;
  t.ctx.now = () => at('2026-03-03T02:00:00Z');
  const hr = await signIn(t.app, steward.login, steward.password);
  await hr.agent.post(`/tickets/${id}/dispute`).type('form').send({ _csrf: hr.csrf, reason: '邮箱由本人维护' }).expect(302);
  const run = (runId: string, passed: boolean, now: string) =>
    applyCheckResults(t.db.knex, {
      runId,
      results: [checkResult({ field: 'email', check: 'validate', passed })],
      catalog,
      calendar,
      now: at(now),
    });
  expect((await run('pass', true, '2026-03-04T02:00:00Z')).resolved).toEqual([id]);
  expect((await run('fail', false, '2026-03-16T02:00:00Z')).reopened).toEqual([id]);
  // Reopened on Monday 03-16, due 03-23: reminded on Friday 03-20, escalated on Tuesday 03-24 — a stale flag stopped both.
  expect(await t.db.knex('tickets').where({ id }).first('status', 'disputed_at', 'due_at')).toEqual({
    status: 'open',
    disputed_at: null,
    due_at: '2026-03-23',
  });
  expect((await remindDueTickets(t.db.knex, { calendar, now: at('2026-03-20T01:00:00Z') })).map((x) => x.id)).toContain(id);
  expect((await escalateOverdueTickets(t.db.knex, { calendar, now: at('2026-03-24T01:00:00Z') })).map((x) => x.id)).toContain(id);
  expect((await hr.agent.get(`/tickets/${id}`).expect(200)).text).toContain(`action="/tickets/${id}/dispute"`);
});
