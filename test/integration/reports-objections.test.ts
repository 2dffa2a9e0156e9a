import { run as runConfirmations } from '../../jobs/report-confirmations';
import { up as clearStaleAnswers } from '../../migrations/20261202003000_clear_stale_report_answers';
import { MONDAY, reportBody, ReportsWorld, STAFF, useReportsWorld } from '../factories/reports';

/**
 * A new report on a record whose ticket the department answered "fixed" is an objection to the fix:
 * it reopens the ticket, and the 5-day silence never confirms on the new reporter's behalf. After any
 * reopen the old answer no longer shows as the current one.
 */
const at = (iso: string) => new Date(iso);

const world = useReportsWorld({ apiTokens: true });

const api = (who: keyof ReportsWorld) => world.api(who);
async function file(who: keyof ReportsWorld, over: Record<string, unknown> = {}): Promise<{ id: number; ticket_id: number }> {
  return (await api(who).post('/reports', reportBody(over)).expect(201)).body;
}
async function answer(who: keyof ReportsWorld, ticketId: number, fields: Record<string, string>) {
  const s = await world.as(who);
  let req = s.agent.post(`/reports/tickets/${ticketId}/answer`).field('_csrf', s.csrf).set('Accept', 'text/html');
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
}
const ticketOf = (id: number) => world.db('tickets').where({ id }).first();
const stateOf = (id: number) => world.db('report_tickets').where({ ticket_id: id }).first();
const eventsOf = (id: number) =>
  world
    .db('ticket_events')
    .where({ ticket_id: id })
    .orderBy('id')
    .select('kind', 'from_status', 'to_status', 'actor_login', 'comment', 'details');
const inboxOf = (userId: number) =>
  world.db('notifications').where({ user_id: userId }).orderBy('id').select('kind', 'title', 'link');

describe('a new report on a fixed record', () => {
  it('reopens the ticket with a fresh due date, tells the department and the earlier reporter, and silence no longer resolves it', async () => {
    world.ctx.now = () => MONDAY;
    const first = await file('reporter');
    const ticketId = first.ticket_id;
    // ORG answers "fixed" on Monday 2026-03-02; the reporter would have until Monday 9 to object.
    expect((await answer('orgSteward', ticketId, { answer: 'fixed', comment: '已更正' })).status).toBe(302);
    expect((await ticketOf(ticketId)).status).toBe('fixed');

    // Tuesday: another data user still sees the wrong value and reports it.
    world.ctx.now = () => at('2026-03-03T03:00:00Z');
    const second = await file('reporter2', { description: '仍显示为群众' });
    expect(second.ticket_id).toBe(ticketId);
    const ticket = await ticketOf(ticketId);
    // Medium severity: Tuesday 2026-03-03 + 5 working days = Tuesday 2026-03-10.
    expect([ticket.status, ticket.reopened, ticket.due_at, ticket.occurrences]).toEqual(['open', 1, '2026-03-10', 2]);
    const state = await stateOf(ticketId);
    expect([state.answer, state.answer_comment, state.answered_at, state.fixed_at]).toEqual([null, null, null, null]);
    // The first answer still counts for the scorecards.
    expect(new Date(state.first_answered_at).toISOString()).toBe(MONDAY.toISOString());
    expect((await eventsOf(ticketId)).map((e) => [e.kind, e.from_status, e.to_status, e.actor_login])).toEqual([
      ['reported', null, 'open', world.people.reporter.login],
      ['answered', 'open', 'fixed', world.people.orgSteward.login],
      ['reported', null, null, world.people.reporter2.login],
      ['reopened', 'fixed', 'open', world.people.reporter2.login],
    ]);
    const reopened = (await eventsOf(ticketId)).at(-1)!;
    expect(reopened.details).toMatchObject({ by: 'report', report_id: second.id, due_at: '2026-03-10' });
    // Another reporter's description is not in the event the earlier reporter reads.
    expect(reopened.comment).toBeNull();
    const audit = await world
      .db('audit_log')
      .where({ object_type: 'ticket', object_id: String(ticketId), action: 'ticket.reopen' })
      .select('summary');
    expect(audit).toHaveLength(1);
    expect(audit[0].summary).toMatchObject({ from: 'fixed', to: 'open', by: 'report' });

    // The department hears of it (the ticket is theirs again), linking to the answer page.
    expect((await inboxOf(world.people.orgSteward.id)).filter((n) => n.kind === 'report.reopened')).toEqual([
      {
        kind: 'report.reopened',
        title: `【数据纠错】#${ticketId} 已整改的记录收到新的错误报告，工单已重新打开`,
        link: `/reports/tickets/${ticketId}`,
      },
    ]);
    // The first reporter is told at once; the second is not told of their own report.
    expect((await inboxOf(world.people.reporter.id)).map((n) => n.title)).toContain(
      `【数据纠错】您的报告 #${first.id}：已重新打开，退回责任单位处理`,
    );
    expect((await inboxOf(world.people.reporter2.id)).map((n) => n.kind)).not.toContain('report.reopened');

    // Both reporters see it open, with no answer.
    for (const [who, id] of [
      ['reporter', first.id],
      ['reporter2', second.id],
    ] as const) {
      const mine = await api(who).get(`/reports/${id}`).expect(200);
      expect([mine.body.status, mine.body.answer, mine.body.due_at]).toEqual(['open', null, '2026-03-10']);
    }

    // Past the first fix's 5 working days, nothing is resolved in anyone's name.
    const run = await runConfirmations(world.ctx, { now: at('2026-03-11T01:00:00Z') });
    expect(run.resolved).not.toContain(ticketId);
    expect((await ticketOf(ticketId)).status).toBe('open');
    for (const who of ['reporter', 'reporter2'] as const)
      expect((await inboxOf(world.people[who].id)).map((n) => n.title).join('\n')).not.toContain('未收到异议');
  });

  it('says so on the form: the report reopened the fixed ticket', async () => {
    world.ctx.now = () => MONDAY;
    const first = await file('reporter', { field: 'name', description: '姓名应为张叁' });
    await answer('hrSteward', first.ticket_id, { answer: 'fixed' });
    const s = await world.as('reporter2');
    const res = await s.agent
      .post('/reports')
      .field('_csrf', s.csrf)
      .set('Accept', 'text/html')
      .field('table', 'staff_basic')
      .field('field', 'name')
      .field('record_key[staff_no]', STAFF.staff_no)
      .field('description', '姓名仍然有误')
      .field('action', 'submit');
    expect(res.status).toBe(302);
    const page = await s.agent.get(res.headers.location).expect(200);
    expect(page.text).toContain(`您的报告视为对整改的异议：工单已重新打开，退回责任单位处理。`);
    expect((await ticketOf(first.ticket_id)).status).toBe('open');
  });

  it('silence resolves a fix only for the reporters who were there: a report that joined after the fix (before this rule) waits for its reporter', async () => {
    world.ctx.now = () => MONDAY;
    const first = await file('reporter', { field: 'email', description: '邮箱错误' });
    await answer('hrSteward', first.ticket_id, { answer: 'fixed' });
    // What a join did before a report reopened a fixed ticket: the ticket stayed fixed.
    const [late] = await world
      .db('reports')
      .insert({
        reporter_id: world.people.reporter2.id,
        ticket_id: first.ticket_id,
        status: 'routed',
        table_name: 'staff_basic',
        field_name: 'email',
        record_key: JSON.stringify({ staff_no: STAFF.staff_no }),
        department_code: 'HR',
        description: '邮箱仍然错误',
        created_at: at('2026-03-04T02:00:00Z'),
      })
      .returning('id');
    await world.db('ticket_events').insert({
      ticket_id: first.ticket_id,
      at: at('2026-03-04T02:00:00Z'),
      actor_user_id: world.people.reporter2.id,
      actor_login: world.people.reporter2.login,
      actor_name: world.people.reporter2.name,
      kind: 'reported',
      comment: '邮箱仍然错误',
      details: JSON.stringify({ report_id: Number(late.id) }),
    });
    const run = await runConfirmations(world.ctx, { now: at('2026-03-10T01:00:00Z') });
    expect(run.resolved).not.toContain(first.ticket_id);
    expect((await ticketOf(first.ticket_id)).status).toBe('fixed');
    expect((await inboxOf(world.people.reporter2.id)).map((n) => n.title).join('\n')).not.toContain('未收到异议');
    // The late reporter answers for themselves.
    const mine = await api('reporter2')
      .get(`/reports/${Number(late.id)}`)
      .expect(200);
    expect(mine.body.status).toBe('fixed');
  });
});

describe('after a reopen the old answer is gone', () => {
  it('shows no answer on the open ticket (page and API) and keeps the first answer time and the history', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter', { field: 'mobile', description: '手机号已停用' });
    const ticketId = r.ticket_id;
    await answer('hrSteward', ticketId, { answer: 'not_error', comment: '本人确认号码有效' });
    expect((await api('reporter').get(`/reports/${r.id}`).expect(200)).body.answer).toMatchObject({
      kind: 'not_error',
      comment: '本人确认号码有效',
    });

    world.ctx.now = () => at('2026-03-03T02:00:00Z');
    const s = await world.as('reporter');
    await s.agent.post(`/reports/${r.id}/reopen`).type('form').send({ _csrf: s.csrf, comment: '号码已注销' }).expect(302);
    expect((await ticketOf(ticketId)).status).toBe('open');
    const state = await stateOf(ticketId);
    expect([state.answer, state.answer_comment, state.answered_at]).toEqual([null, null, null]);
    expect(new Date(state.first_answered_at).toISOString()).toBe(MONDAY.toISOString());

    expect((await api('reporter').get(`/reports/${r.id}`).expect(200)).body.answer).toBeNull();
    const reporterPage = await s.agent.get(`/reports/${r.id}`).expect(200);
    expect(reporterPage.text).not.toContain('责任单位答复</dt>');
    const hr = await world.as('hrSteward');
    const answerPage = await hr.agent.get(`/reports/tickets/${ticketId}`).expect(200);
    expect(answerPage.text).not.toContain('当前答复');
    // The answer is still in the history, where it belongs.
    expect(answerPage.text).toContain('本人确认号码有效');
    // The department may answer again.
    expect(answerPage.text).toContain('name="answer" value="not_error"');
  });

  it('the migration clears answers left on tickets reopened before, but not a pending "not ours"', async () => {
    world.ctx.now = () => MONDAY;
    const stale = await file('reporter', { field: 'gender', description: '性别有误' });
    const disputed = await file('reporter', { field: 'unit_code', description: '部门有误' });
    // As the old reopen left it: open, with the previous answer still current.
    await world
      .db('report_tickets')
      .where({ ticket_id: stale.ticket_id })
      .update({ answer: 'fixed', answer_comment: '旧答复', answered_at: MONDAY, first_answered_at: MONDAY, fixed_at: MONDAY });
    await world
      .db('report_tickets')
      .where({ ticket_id: disputed.ticket_id })
      .update({ answer: 'not_ours', answer_comment: '非本单位', answered_at: MONDAY });
    await clearStaleAnswers(world.db);
    expect(await stateOf(stale.ticket_id)).toMatchObject({
      answer: null,
      answer_comment: null,
      answered_at: null,
      fixed_at: null,
    });
    expect(new Date((await stateOf(stale.ticket_id)).first_answered_at).toISOString()).toBe(MONDAY.toISOString());
    expect(await stateOf(disputed.ticket_id)).toMatchObject({ answer: 'not_ours', answer_comment: '非本单位' });
  });
});
