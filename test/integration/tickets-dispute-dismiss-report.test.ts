import { buildUser } from '../factories';
import { MONDAY, reportBody, useReportsWorld } from '../factories/reports';
import { signIn } from '../helpers/app';

/**
 * The IT office keeps a disputed report ticket with its department: the "not ours" — and a "fixed" given before it —
 * is set aside, so the department answers the report again (the ticket no longer waits for its reporters'
 * confirmation, which silence would have given); the department's notice masks the office's reason by the reports'
 * rule and links to the report's answer page.
 */
let col: Awaited<ReturnType<typeof buildUser>>;
const world = useReportsWorld({
  apiTokens: true,
  setup: async () => {
    col = await buildUser(world.db, { name: '学院专员', department: 'COL', roles: ['steward'] });
  },
});

const answer = async (ticketId: number, kind: string, comment: string) => {
  const c = await signIn(world.app, col.login, col.password);
  return c.agent
    .post(`/reports/tickets/${ticketId}/answer`)
    .field('_csrf', c.csrf)
    .set('Accept', 'text/html')
    .field('answer', kind)
    .field('comment', comment);
};

it('a report ticket disputed after "fixed" and kept: acknowledged, unanswered, answered again; the notice masked', async () => {
  world.ctx.now = () => MONDAY;
  const filed = (
    await world
      .api('reporter')
      .post(
        '/reports',
        reportBody({ field: 'research_area', description: '研究方向应为凝聚态物理', suggested_value: '凝聚态物理' }),
      )
      .expect(201)
  ).body as { id: number; ticket_id: number };
  const ticketId = filed.ticket_id;
  expect((await answer(ticketId, 'fixed', '已更正')).status).toBe(302);
  expect((await answer(ticketId, 'not_ours', '研究方向由科技处维护')).status).toBe(302);

  world.ctx.now = () => new Date('2026-03-04T02:00:00Z');
  const office = await world.as('office');
  const version = (await world.db('tickets').where({ id: ticketId }).first('version')).version;
  await office.agent
    .post(`/tickets/${ticketId}/dispute/dismiss`)
    .type('form')
    .send({ _csrf: office.csrf, reason: '研究方向（凝聚态物理）由各学院维护', version })
    .expect(302);

  expect(await world.db('tickets').where({ id: ticketId }).first('status', 'disputed_at')).toEqual({
    status: 'acknowledged',
    disputed_at: null,
  });
  expect(await world.db('report_tickets').where({ ticket_id: ticketId }).first('answer', 'fixed_at')).toEqual({
    answer: null,
    fixed_at: null,
  });
  // COL answers again; the reporter is not asked to confirm the fix that was set aside.
  const c = await signIn(world.app, col.login, col.password);
  const page = (await c.agent.get(`/reports/tickets/${ticketId}`).expect(200)).text;
  expect(page).toContain('name="answer" value="fixed"');
  expect(page).not.toContain('name="answer" value="not_ours"');
  const mine = (await world.api('reporter').get(`/reports/${filed.id}`).expect(200)).body as { status: string };
  expect(mine.status).toBe('acknowledged');

  // The department's notice links to the report's answer page, where it answers.
  const notice = await world.db('notifications').where({ user_id: col.id, kind: 'ticket.dispute_refused' }).first();
  expect(notice.link).toBe(`/reports/tickets/${ticketId}`);
});

it('masks the office’s reason in the notice by the reports’ rule: a suggested name repeated in it', async () => {
  world.ctx.now = () => MONDAY;
  const filed = (
    await world
      .api('reporter')
      .post('/reports', reportBody({ field: 'name', description: '姓名应为张叁', suggested_value: '张叁' }))
      .expect(201)
  ).body as { ticket_id: number };
  const hr = await world.as('hrSteward');
  await hr.agent
    .post(`/reports/tickets/${filed.ticket_id}/answer`)
    .field('_csrf', hr.csrf)
    .set('Accept', 'text/html')
    .field('answer', 'not_ours')
    .field('comment', '姓名由本人维护')
    .expect(302);
  const office = await world.as('office');
  await office.agent
    .post(`/tickets/${filed.ticket_id}/dispute/dismiss`)
    .type('form')
    .send({ _csrf: office.csrf, reason: '姓名应改为张叁，由人事处维护' })
    .expect(302);
  const notice = await world
    .db('notifications')
    .where({ user_id: world.people.hrSteward.id, kind: 'ticket.dispute_refused' })
    .first();
  expect(notice.body).toContain('理由：姓名应改为张*，由人事处维护');
  expect(notice.body).not.toContain('张叁');
});

it('a reassigned report ticket: the new department’s notice links to its answer page, the reason masked by the reports’ rule', async () => {
  world.ctx.now = () => MONDAY;
  const filed = (
    await world
      .api('reporter')
      .post('/reports', reportBody({ field: 'name', description: '姓名应为张叁', suggested_value: '张叁' }))
      .expect(201)
  ).body as { ticket_id: number };
  const office = await world.as('office');
  await office.agent
    .post(`/tickets/${filed.ticket_id}/reassign`)
    .type('form')
    .send({ _csrf: office.csrf, department: 'ORG', reason: '姓名应改为张叁，由组织部维护' })
    .expect(302);
  const incoming = await world
    .db('notifications')
    .where({ user_id: world.people.orgSteward.id, kind: 'ticket.reassigned_in' })
    .first('link', 'body');
  expect(incoming.link).toBe(`/reports/tickets/${filed.ticket_id}`);
  expect(incoming.body).toContain('改派理由：姓名应改为张*，由组织部维护');
  const outgoing = await world
    .db('notifications')
    .where({ user_id: world.people.hrSteward.id, kind: 'ticket.reassigned_out' })
    .first('body');
  expect(outgoing.body).not.toContain('张叁');
});

it('"not ours" on a report ticket through the tickets API is the department’s answer too, and the ticket page leaves it to the answer page', async () => {
  world.ctx.now = () => MONDAY;
  const filed = (
    await world
      .api('reporter')
      .post('/reports', reportBody({ field: 'mobile', description: '手机号已停用', suggested_value: '13912345678' }))
      .expect(201)
  ).body as { ticket_id: number };
  const hr = await world.as('hrSteward');
  // Answered "fixed" first: the reporters are asked to confirm.
  await hr.agent
    .post(`/reports/tickets/${filed.ticket_id}/answer`)
    .field('_csrf', hr.csrf)
    .set('Accept', 'text/html')
    .field('answer', 'fixed')
    .field('comment', '已更正')
    .expect(302);
  // The ticket page offers no dispute form of its own for a report ticket (as it offers no "fixed"): its answer page does.
  const page = (await hr.agent.get(`/tickets/${filed.ticket_id}`).expect(200)).text;
  expect(page).not.toContain(`action="/tickets/${filed.ticket_id}/dispute"`);
  expect(page).toContain(`href="/reports/tickets/${filed.ticket_id}"`);

  await world.api('hrSteward').post(`/tickets/${filed.ticket_id}/dispute`, { reason: '手机号由组织部维护' }).expect(200);
  expect(await world.db('report_tickets').where({ ticket_id: filed.ticket_id }).first('answer', 'answer_comment')).toEqual({
    answer: 'not_ours',
    answer_comment: '手机号由组织部维护',
  });
  // The fix given before is set aside: back to 已签收, nothing for the reporter to confirm, nothing for silence to resolve.
  const ticket = await world.db('tickets').where({ id: filed.ticket_id }).first('status', 'disputed_at');
  expect(ticket.status).toBe('acknowledged');
  expect(ticket.disputed_at).not.toBeNull();
  const unconfirmed = await world
    .db('notifications')
    .where({ user_id: world.people.reporter.id, subject: `report_confirm:${filed.ticket_id}` })
    .whereNull('read_at');
  expect(unconfirmed).toEqual([]);
  const reporter = await world.as('reporter');
  const report = await world.db('reports').where({ ticket_id: filed.ticket_id }).first('id');
  expect((await reporter.agent.get(`/reports/${report.id}`).expect(200)).text).not.toContain(
    `action="/reports/${report.id}/confirm"`,
  );
  await reporter.agent.post(`/reports/${report.id}/confirm`).type('form').send({ _csrf: reporter.csrf }).expect(409);
  expect((await world.db('tickets').where({ id: filed.ticket_id }).first('status')).status).toBe('acknowledged');
});

it('a dispute sent from the ticket page for a report ticket is refused, naming its answer page; nothing changes', async () => {
  world.ctx.now = () => MONDAY;
  const filed = (
    await world
      .api('reporter')
      .post(
        '/reports',
        reportBody({ field: 'id_card', description: '身份证号末位应为 X', suggested_value: '41010219900101123X' }),
      )
      .expect(201)
  ).body as { ticket_id: number };
  const ticketId = filed.ticket_id;
  const hr = await world.as('hrSteward');
  // What the department and the IT office would see change: the ticket (status, flag, version), its history, the answer.
  const state = async () => ({
    ticket: await world
      .db('tickets')
      .where({ id: ticketId })
      .first('status', 'disputed_at', 'version', 'updated_at', 'due_at', 'extension_requested_at'),
    events: await world.db('ticket_events').where({ ticket_id: ticketId }).orderBy('id').select('id', 'kind'),
    answer: await world.db('report_tickets').where({ ticket_id: ticketId }).first(),
    notices: Number((await world.db('notifications').count({ n: '*' }).first())?.n),
  });
  const before = await state();
  expect(before.ticket.disputed_at).toBeNull();

  // As a page from before (or a hand-made form) would send it, with a valid CSRF token, by the department's steward.
  const sent = await hr.agent
    .post(`/tickets/${ticketId}/dispute`)
    .type('form')
    .send({ _csrf: hr.csrf, reason: '身份证号由户籍部门维护' });
  expect(sent.status).toBe(409);
  expect(sent.text).toContain(`工单 #${ticketId} 是错误报告工单，不在工单页提出异议：请在“查看报告并答复”页答复“非本单位数据”`);
  // What was typed is not lost: the page, with no dispute form, gives it back to copy.
  expect(sent.text).toContain('身份证号由户籍部门维护</textarea>');
  expect(await state()).toEqual(before);

  // In English too.
  await hr.agent.post('/locale').type('form').send({ _csrf: hr.csrf, locale: 'en', next: '/' }).expect(302);
  const en = await hr.agent
    .post(`/tickets/${ticketId}/dispute`)
    .type('form')
    .send({ _csrf: hr.csrf, reason: '身份证号由户籍部门维护' });
  expect(en.status).toBe(409);
  expect(en.text).toContain(
    `Ticket #${ticketId} is an error report ticket: it is not disputed on the ticket page — answer “Not our data” on its report page`,
  );
  expect(await state()).toEqual(before);
  await hr.agent.post('/locale').type('form').send({ _csrf: hr.csrf, locale: 'zh-CN', next: '/' }).expect(302);

  // Its answer page still takes "not ours": the dispute and the answer, together.
  const answered = await hr.agent
    .post(`/reports/tickets/${ticketId}/answer`)
    .field('_csrf', hr.csrf)
    .set('Accept', 'text/html')
    .field('answer', 'not_ours')
    .field('comment', '身份证号由户籍部门维护');
  expect(answered.status).toBe(302);
  expect((await world.db('tickets').where({ id: ticketId }).first('disputed_at')).disputed_at).not.toBeNull();
  expect((await world.db('report_tickets').where({ ticket_id: ticketId }).first('answer')).answer).toBe('not_ours');
});
