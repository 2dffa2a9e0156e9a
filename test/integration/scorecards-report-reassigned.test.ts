import { computeDay, DEFAULT_WEIGHTS } from '../../server/services/scorecards';
import { MONDAY, reportBody, ReportsWorld, useReportsWorld } from '../factories/reports';

/**
 * "Reports answered in time" (scorecards/compute.ts) counts an answer given since the ticket came to its department.
 * A report ticket ORG answered, reopened by its reporter and then handed by the IT office to HR (reassign: open with a
 * new due date, the previous department's answer set aside) counted for HR as answered in time — by ORG's earlier
 * answer — though HR never answered it and its due date passed. Once HR answers, it counts.
 */
const world = useReportsWorld({ apiTokens: true });

async function form(who: keyof ReportsWorld, path: string, body: Record<string, string>) {
  const s = await world.as(who);
  return s.agent
    .post(path)
    .type('form')
    .send({ _csrf: s.csrf, ...body });
}

it("a report ticket handed to another department is not counted as answered in time by the first department's answer", async () => {
  world.ctx.now = () => MONDAY;
  const filed = await world.api('reporter').post('/reports', reportBody());
  expect(filed.status).toBe(201);
  const { id: reportId, ticket_id: ticketId } = filed.body;
  expect((await world.db('tickets').where({ id: ticketId }).first()).department_code).toBe('ORG');

  // ORG answers 已整改; the reporter disagrees and reopens.
  const steward = await world.as('orgSteward');
  await steward.agent
    .post(`/reports/tickets/${ticketId}/answer`)
    .field('_csrf', steward.csrf)
    .field('answer', 'fixed')
    .field('comment', '已更正')
    .expect(302);
  expect((await form('reporter', `/reports/${reportId}/reopen`, { comment: '仍未更正' })).status).toBeLessThan(400);
  expect((await world.db('tickets').where({ id: ticketId }).first()).status).toBe('open');

  // The IT office hands it to HR: open, a new due date; HR never answers.
  const moved = await world.api('office').post(`/tickets/${ticketId}/reassign`, { department: 'HR', reason: '人事处维护' });
  expect(moved.status).toBe(200);
  const ticket = await world.db('tickets').where({ id: ticketId }).first();
  expect(ticket).toMatchObject({ department_code: 'HR', status: 'open' });
  const due = String(ticket.due_at instanceof Date ? ticket.due_at.toISOString().slice(0, 10) : ticket.due_at);
  expect(due < '2026-03-25').toBe(true);

  const day = await computeDay(world.db, { day: '2026-03-25', timezone: 'Asia/Shanghai', weights: DEFAULT_WEIGHTS });
  const hr = day.departments.find((d) => d.department_code === 'HR')!;
  // It read reports_in_time_30d 1 (reports 100 %), by ORG's answer before the ticket was ever HR's.
  expect(hr).toMatchObject({ reports_due_30d: 1, reports_in_time_30d: 0, reports: 0 });

  // HR answers before its due date: in time.
  world.ctx.now = () => new Date(`${due}T02:00:00Z`);
  const hrSteward = await world.as('hrSteward');
  await hrSteward.agent
    .post(`/reports/tickets/${ticketId}/answer`)
    .field('_csrf', hrSteward.csrf)
    .field('answer', 'fixed')
    .field('comment', '已由人事处更正')
    .expect(302);
  const after = await computeDay(world.db, { day: '2026-03-25', timezone: 'Asia/Shanghai', weights: DEFAULT_WEIGHTS });
  expect(after.departments.find((d) => d.department_code === 'HR')).toMatchObject({
    reports_due_30d: 1,
    reports_in_time_30d: 1,
  });
});
