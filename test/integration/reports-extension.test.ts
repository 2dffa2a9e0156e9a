import { buildUser } from '../factories';
import { MONDAY, reportBody, useReportsWorld } from '../factories/reports';
import { signIn } from '../helpers/app';

/**
 * An error report's ticket given more time: its reporter sees that the due date moved (处理期限 and the history), not the
 * IT office's note, which the grant form says is for the department.
 */
let col: Awaited<ReturnType<typeof buildUser>>;
const world = useReportsWorld({
  apiTokens: true,
  setup: async () => {
    col = await buildUser(world.db, { name: '学院专员', department: 'COL', roles: ['steward'] });
  },
});

it('shows the reporter the moved due date and the grant, without the office’s note to the department', async () => {
  world.ctx.now = () => MONDAY;
  const filed = (
    await world
      .api('reporter')
      .post('/reports', reportBody({ field: 'research_area', description: '研究方向有误', suggested_value: '凝聚态物理' }))
      .expect(201)
  ).body as { id: number; ticket_id: number };
  const before = (await world.db('tickets').where({ id: filed.ticket_id }).first('due_at')).due_at as string;
  const c = await signIn(world.app, col.login, col.password);
  // The department's answer page points to where more time is asked.
  const answerPage = `/reports/tickets/${filed.ticket_id}`;
  expect((await c.agent.get(answerPage).expect(200)).text).toContain(
    `<a href="/tickets/${filed.ticket_id}#extension-days">申请延期</a>`,
  );
  await c.agent
    .post(`/tickets/${filed.ticket_id}/extension`)
    .type('form')
    .send({ _csrf: c.csrf, days: '2', reason: '等待教师返校核实' })
    .expect(302);
  const waiting = (await c.agent.get(answerPage).expect(200)).text;
  expect(waiting).toContain('<span class="badge warn">已申请延期 2 个工作日</span>');
  expect(waiting).not.toContain('#extension-days');
  const office = await world.as('office');
  // The grant form tells the office its note is not for the reporters (a check ticket's has none to speak of).
  expect((await office.agent.get(`/tickets/${filed.ticket_id}`).expect(200)).text).toContain(
    '同意延期的说明（可选，责任单位将收到；不向报告人显示）</label>',
  );
  await office.agent
    .post(`/tickets/${filed.ticket_id}/extension/grant`)
    .type('form')
    .send({ _csrf: office.csrf, days: '2', reason: '请联系该教师 13812345678 尽快核实' })
    .expect(302);
  const after = (await world.db('tickets').where({ id: filed.ticket_id }).first('due_at')).due_at as string;
  expect(after > before).toBe(true);
  // The answer page's history says what was asked and granted, as the ticket page does.
  const history = (await c.agent.get(answerPage).expect(200)).text;
  expect(history).toContain(`<span class="event-note">2 个工作日（申请时整改期限 ${before}）</span>`);
  expect(history).toContain(`<span class="event-note">整改期限顺延 2 个工作日，由 ${before} 至 ${after}</span>`);

  const reporter = await world.as('reporter');
  const page = (await reporter.agent.get(`/reports/${filed.id}`).expect(200)).text;
  expect(page).toContain('信息化办公室同意延期，处理期限顺延');
  expect(page).toContain(after);
  expect(page).not.toContain('请联系该教师');
  // Nor the department's request itself.
  expect(page).not.toContain('等待教师返校核实');
});

it('masks a reported value repeated in the request’s reason in the IT office’s notice, as the report pages do', async () => {
  world.ctx.now = () => MONDAY;
  const filed = (
    await world
      .api('reporter')
      .post(
        '/reports',
        reportBody({
          field: 'mobile',
          observed_value: '1381234',
          suggested_value: null,
          description: '手机号码位数不对',
        }),
      )
      .expect(201)
  ).body as { id: number; ticket_id: number };
  const hr = await world.as('hrSteward');
  await hr.agent
    .post(`/tickets/${filed.ticket_id}/extension`)
    .type('form')
    .send({ _csrf: hr.csrf, days: '2', reason: '系统中的 1381234 需与本人核实' })
    .expect(302);
  const notice = await world
    .db('notifications')
    .where({ user_id: world.people.office.id, kind: 'ticket.extension_asked' })
    .orderBy('id', 'desc')
    .first('body');
  expect(notice.body).toContain('理由：系统中的 ');
  expect(notice.body).not.toContain('1381234');
});

it('masks it in the dispute notice too', async () => {
  world.ctx.now = () => MONDAY;
  const filed = (
    await world
      .api('reporter')
      .post(
        '/reports',
        reportBody({ field: 'mobile', observed_value: '1397654', suggested_value: null, description: '手机号码位数不对' }),
      )
      .expect(201)
  ).body as { id: number; ticket_id: number };
  // A report ticket's "not ours" is the report's answer (the ticket page refuses a dispute of one).
  const hr = await world.as('hrSteward');
  await hr.agent
    .post(`/reports/tickets/${filed.ticket_id}/answer`)
    .field('_csrf', hr.csrf)
    .set('Accept', 'text/html')
    .field('answer', 'not_ours')
    .field('comment', '1397654 是外聘人员号码，由合作单位维护')
    .expect(302);
  const notice = await world
    .db('notifications')
    .where({ user_id: world.people.office.id, kind: 'report.disputed' })
    .orderBy('id', 'desc')
    .first('body');
  expect(notice.body).toContain('是外聘人员号码');
  expect(notice.body).not.toContain('1397654');
});

it('says in the history that a waiting request ended when the department answers the report', async () => {
  world.ctx.now = () => MONDAY;
  const filed = (
    await world
      .api('reporter')
      .post('/reports', reportBody({ field: 'research_area', description: '研究方向有误', record_key: { staff_no: '20190003' } }))
      .expect(201)
  ).body as { id: number; ticket_id: number };
  const c = await signIn(world.app, col.login, col.password);
  await c.agent
    .post(`/tickets/${filed.ticket_id}/extension`)
    .type('form')
    .send({ _csrf: c.csrf, days: '1', reason: '等待' })
    .expect(302);
  await c.agent
    .post(`/reports/tickets/${filed.ticket_id}/answer`)
    .field('_csrf', c.csrf)
    .field('answer', 'fixed')
    .field('comment', '已更正')
    .expect(302);
  expect(await world.db('tickets').where({ id: filed.ticket_id }).first('status', 'extension_days')).toEqual({
    status: 'fixed',
    extension_days: null,
  });
  const page = (await c.agent.get(`/reports/tickets/${filed.ticket_id}`).expect(200)).text;
  expect(page).toContain('<span class="event-note">申请的 1 个工作日延期随之结束</span>');
});
