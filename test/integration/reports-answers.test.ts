import request from 'supertest';
import { run as runConfirmations } from '../../jobs/report-confirmations';
import { buildUser } from '../factories';
import { MONDAY, PDF, reportBody, ReportsWorld, useReportsWorld } from '../factories/reports';
import { signIn } from '../helpers/app';
import { notifyReporters } from '../../server/services/reports';
import { answerReport, confirmReportFix, MAX_COMMENT } from '../../server/services/tickets';
import { toCurrentUser, UserRow } from '../../server/services/users';

/** The department's answers, the reporter's confirmation or silence, reopening once, triage first. */
const at = (iso: string) => new Date(iso);

const world = useReportsWorld({ apiTokens: true });

/** Files a report through the API (as `who`), on the given staff member's record. */
async function file(
  who: keyof ReportsWorld,
  over: Record<string, unknown> = {},
): Promise<{ id: number; ticket_id: number | null }> {
  const res = await request(world.app)
    .post('/api/v1/reports')
    .set('Authorization', `Bearer ${world.tokens[who]}`)
    .send(reportBody(over));
  expect(res.status).toBe(201);
  return res.body;
}
async function answer(who: keyof ReportsWorld, ticketId: number, fields: Record<string, string>, document?: [Buffer, string]) {
  const s = await world.as(who);
  let req = s.agent.post(`/reports/tickets/${ticketId}/answer`).field('_csrf', s.csrf).set('Accept', 'text/html');
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (document) req = req.attach('document', document[0], document[1]);
  return req;
}
async function reporterPost(who: keyof ReportsWorld, path: string, form: Record<string, string> = {}) {
  const s = await world.as(who);
  return s.agent
    .post(path)
    .type('form')
    .send({ _csrf: s.csrf, ...form });
}
const ticketOf = (id: number) => world.db('tickets').where({ id }).first();
const eventsOf = (id: number) =>
  world
    .db('ticket_events')
    .where({ ticket_id: id })
    .orderBy('id')
    .select('kind', 'from_status', 'to_status', 'comment', 'details');
const inboxOf = (userId: number) =>
  world.db('notifications').where({ user_id: userId }).orderBy('id').select('kind', 'title', 'link');

describe('fixed → the reporter confirms', () => {
  it('only the field owner answers; the answer is recorded for the scorecards; the reporter is told and confirms', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter', { record_key: { staff_no: '20190001' } });
    const ticketId = r.ticket_id!;
    // HR owns the table but not this field: no answering for them.
    expect((await answer('hrSteward', ticketId, { answer: 'fixed' })).status).toBe(404);
    world.ctx.now = () => at('2026-03-03T03:00:00Z');
    const res = await answer('orgSteward', ticketId, { answer: 'fixed', comment: '已在人事系统更正' });
    expect(res.status).toBe(302);
    expect((await ticketOf(ticketId)).status).toBe('fixed');
    const state = await world.db('report_tickets').where({ ticket_id: ticketId }).first();
    expect(state).toMatchObject({ answer: 'fixed', answer_comment: '已在人事系统更正' });
    expect(new Date(state.first_answered_at).toISOString()).toBe('2026-03-03T03:00:00.000Z');
    expect((await eventsOf(ticketId)).map((e) => [e.kind, e.from_status, e.to_status])).toEqual([
      ['reported', null, 'open'],
      ['answered', 'open', 'fixed'],
    ]);
    expect(await inboxOf(world.people.reporter.id)).toEqual([
      {
        kind: 'report.answered',
        title: `【数据纠错】您的报告 #${r.id}：责任单位已整改，请确认是否已更正`,
        link: `/reports/${r.id}`,
      },
    ]);
    const page = await (await world.as('reporter')).agent.get(`/reports/${r.id}`).expect(200);
    expect(page.text).toContain('已整改待确认');
    expect(page.text).toContain('已在人事系统更正');
    expect((await reporterPost('reporter', `/reports/${r.id}/confirm`)).status).toBe(302);
    const done = await ticketOf(ticketId);
    expect(done.status).toBe('resolved');
    // The notice that asked for the confirmation asks nothing any more: read, so the unread count drops.
    const asked = await world
      .db('notifications')
      .where({ user_id: world.people.reporter.id, kind: 'report.answered' })
      .first('read_at', 'subject');
    expect(asked).toMatchObject({ subject: `report_confirm:${ticketId}` });
    expect(asked.read_at).not.toBeNull();
    expect((await eventsOf(ticketId)).at(-1)).toMatchObject({ kind: 'confirmed', from_status: 'fixed', to_status: 'resolved' });
    // Confirming twice changes nothing: back to the report, which says so (qa-reports-double-submit).
    expect((await reporterPost('reporter', `/reports/${r.id}/confirm`)).status).toBe(303);
    expect((await eventsOf(ticketId)).filter((e) => e.kind === 'confirmed')).toHaveLength(1);
    // Settled, the report shows no due date any more (处理期限 is the department's while it works on it).
    const settled = (await (await world.as('reporter')).agent.get(`/reports/${r.id}`).expect(200)).text;
    expect(settled).toContain('已解决');
    expect(settled).not.toContain('处理期限');
    const row = (await (await world.as('reporter')).agent.get('/reports/mine').expect(200)).text;
    const cells = row.slice(row.indexOf(`href="/reports/${r.id}"`), row.indexOf('</tr>', row.indexOf(`href="/reports/${r.id}"`)));
    expect(cells).toContain('<td class="when"></td>');
    // Confirmed, the answer no longer says the reporter is asked to confirm: on the reporter's list and page, and on
    // the department's answer page.
    expect(cells).toContain('<td>已整改<br><small>已在人事系统更正</small></td>');
    expect(settled).not.toContain('请报告人确认');
    const department = (await (await world.as('orgSteward')).agent.get(`/reports/tickets/${ticketId}`).expect(200)).text;
    expect(department).toContain('当前答复：已整改——已在人事系统更正');
    expect(department).not.toContain('请报告人确认');
  });
});

describe('a "please confirm" told late', () => {
  it('is written as read when the fix was confirmed before the reporters were told', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter', { field: 'name', record_key: { staff_no: '20190011' }, description: '姓名有误' });
    const person = async (id: number) => toCurrentUser((await world.db('users').where({ id }).first()) as UserRow);
    // The answer and the confirmation both before any notice (as when the job, not the page, tells the reporters).
    await answerReport(world.db, {
      ticketId: r.ticket_id!,
      answer: 'fixed',
      actor: await person(world.people.hrSteward.id),
      comment: '已更正',
      now: MONDAY,
    });
    await confirmReportFix(world.db, { ticketId: r.ticket_id!, actor: await person(world.people.reporter.id), now: MONDAY });
    await notifyReporters(world.db, [r.ticket_id!]);
    const asked = await world
      .db('notifications')
      .where({ user_id: world.people.reporter.id, subject: `report_confirm:${r.ticket_id}` })
      .select('read_at');
    expect(asked).toHaveLength(1);
    expect(asked[0].read_at).not.toBeNull();
  });
});

describe('fixed → silence for 5 working days resolves it', () => {
  it('is still waiting on the 5th working day and resolved the day after', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter', { field: 'name', description: '姓名应为张叁' });
    // Fixed on Monday 2026-03-02 (Shanghai); the 5 working days are Tue 3 … Mon 9.
    await answer('hrSteward', r.ticket_id!, { answer: 'fixed' });
    expect((await runConfirmations(world.ctx, { now: at('2026-03-09T09:00:00Z') })).resolved).not.toContain(r.ticket_id);
    expect((await ticketOf(r.ticket_id!)).status).toBe('fixed');
    const unread = () =>
      world
        .db('notifications')
        .where({ subject: `report_confirm:${r.ticket_id}` })
        .whereNull('read_at')
        .count({ n: '*' })
        .first();
    expect(Number((await unread())!.n)).toBe(1);
    const after = await runConfirmations(world.ctx, { now: at('2026-03-10T01:00:00Z') });
    expect(after.resolved).toContain(r.ticket_id);
    const ticket = await ticketOf(r.ticket_id!);
    expect(ticket.status).toBe('resolved');
    expect(Number((await unread())!.n)).toBe(0);
    expect((await eventsOf(r.ticket_id!)).at(-1)).toMatchObject({
      kind: 'confirmed',
      to_status: 'resolved',
      details: expect.objectContaining({ reason: 'no_reply' }),
    });
    const notices = (await inboxOf(world.people.reporter.id)).map((n) => n.title);
    expect(notices).toContain(`【数据纠错】您的报告 #${r.id}：整改后 5 个工作日内未收到异议，已自动确认解决`);
    // A second run changes nothing and tells nobody again.
    expect(await runConfirmations(world.ctx, { now: at('2026-03-11T01:00:00Z') })).toEqual({ resolved: [], notices: 0 });
  });
});

describe('not an error → the reporter may reopen once', () => {
  it("shows a reporter another reporter's objection as such, without their words; its author reads them", async () => {
    world.ctx.now = () => MONDAY;
    const mine = await file('reporter', { field: 'title_rank', record_key: { staff_no: '20190007' }, description: '职称有误' });
    const theirs = await file('reporter2', {
      field: 'title_rank',
      record_key: { staff_no: '20190007' },
      description: '职称应为教授',
    });
    expect(theirs.ticket_id).toBe(mine.ticket_id);
    await answer('hrSteward', mine.ticket_id!, { answer: 'not_error', comment: '以人事处文件为准' });
    world.ctx.now = () => at('2026-03-03T02:00:00Z');
    const reason = '我是王某，职称文件见附件，电话 13912345678';
    expect((await reporterPost('reporter2', `/reports/${theirs.id}/reopen`, { comment: reason })).status).toBe(302);

    const page = await (await world.as('reporter')).agent.get(`/reports/${mine.id}`).expect(200);
    expect(page.text).toContain('另一位报告人不同意答复');
    expect(page.text).not.toContain('我是王某');
    expect(page.text).toContain('以人事处文件为准'); // the department's answer is for every reporter
    const own = await (await world.as('reporter2')).agent.get(`/reports/${theirs.id}`).expect(200);
    expect(own.text).toContain('我是王某');
    expect(own.text).not.toContain('另一位报告人不同意答复');
    // The inbox notice says the same, without the words.
    const notices = await world
      .db('notifications')
      .where({ user_id: world.people.reporter.id, kind: 'report.reopened' })
      .select('title', 'body');
    expect(notices).toEqual([
      { title: `【数据纠错】您的报告 #${mine.id}：另一位报告人不同意答复，已重新打开，退回责任单位处理`, body: '' },
    ]);
    // The department, which had answered, hears at once that the report is back, with the reason masked and its due date.
    const ticket = await ticketOf(mine.ticket_id!);
    expect(ticket.status).toBe('open');
    const back = await world
      .db('notifications')
      .where({ user_id: world.people.hrSteward.id, kind: 'ticket.report_reopened' })
      .select('title', 'body', 'link');
    expect(back).toEqual([
      {
        title: `【纠错重新打开】质量工单 #${mine.ticket_id}：报告人不同意答复重新打开，请于 ${ticket.due_at} 前再次处理`,
        body: expect.stringContaining('理由：我是王某，职称文件见附件，电话 139****5678'),
        link: `/reports/tickets/${mine.ticket_id}`,
      },
    ]);
  });

  it('requires a reason, keeps the source document, and refuses a second reopen', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter2', { field: 'mobile', description: '手机号已停用' });
    const ticketId = r.ticket_id!;
    const missing = await answer('hrSteward', ticketId, { answer: 'not_error', comment: ' ' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('请填写理由');
    const wrongType = await answer('hrSteward', ticketId, { answer: 'not_error', comment: '本人确认号码有效' }, [
      Buffer.from('hello'),
      'proof.pdf',
    ]);
    expect(wrongType.status).toBe(422);
    expect((await ticketOf(ticketId)).status).toBe('open');
    // The sent-back form's address, opened again (a reload without resending): the ticket's page, not a 404.
    const steward = await world.as('hrSteward');
    await steward.agent.get(`/reports/tickets/${ticketId}/answer`).expect(302).expect('Location', `/reports/tickets/${ticketId}`);
    expect(
      (await answer('hrSteward', ticketId, { answer: 'not_error', comment: '本人确认号码有效' }, [PDF, 'proof.pdf'])).status,
    ).toBe(302);
    let ticket = await ticketOf(ticketId);
    expect([ticket.status, ticket.closed_reason]).toEqual(['closed', '本人确认号码有效']);
    // The reporter is told in a sentence, the reason in the notice's body: the title read 您的报告 #N：责任单位答复：经核实数据无误
    // (two colons, as labels), in English '…: the responsible department answers: the data was checked and is correct'.
    const told = await world
      .db('notifications')
      .where({ user_id: world.people.reporter2.id, kind: 'report.answered', link: `/reports/${r.id}` })
      .select('title', 'title_en', 'body');
    expect(told).toEqual([
      {
        title: `【数据纠错】您的报告 #${r.id}：责任单位经核实，数据无误`,
        title_en: `[Error report] Your report #${r.id}: the responsible department checked the data and found it correct`,
        body: '本人确认号码有效',
      },
    ]);
    const doc = await (await world.as('reporter2')).agent.get(`/reports/tickets/${ticketId}/document`).expect(200);
    expect(doc.headers['content-type']).toBe('application/pdf');
    // Another department's steward: as for a number no ticket has, in the same words (no ticket numbers to probe).
    const outsider = await world.as('orgSteward');
    const elsewhere = await outsider.agent.get(`/reports/tickets/${ticketId}/document`).expect(404);
    const noTicket = await outsider.agent.get('/reports/tickets/999999/document').expect(404);
    expect(elsewhere.text).toContain(`工单 #${ticketId} 不存在，或不由本单位负责`);
    expect(noTicket.text).toContain('工单 #999999 不存在，或不由本单位负责');

    // Reopen needs a comment; then back to the department with a fresh due date.
    const noReason = await reporterPost('reporter2', `/reports/${r.id}/reopen`, { comment: '' });
    expect(noReason.status).toBe(422);
    // The message is tied to its box (a screen reader reads it there).
    expect(noReason.text).toContain(
      `id="reopen-comment" name="comment" rows="3" maxlength="${MAX_COMMENT}" aria-required="true" aria-invalid="true" aria-describedby="reopen-comment-error"`,
    );
    expect(noReason.text).toContain('<p class="field-error" id="reopen-comment-error">');
    // And summed up at the page's top, linked to it: the box is two screens down on a phone.
    expect(noReason.text).toMatch(
      /<div class="flash flash-error error-summary" role="alert">\s*<p>[^<]+<\/p>\s*<ul><li><a href="#reopen-comment-error">[^<]+<\/a><\/li><\/ul>/,
    );
    // Once only: it asks first.
    expect(noReason.text).toContain(
      'data-confirm="报告人只能重新打开一次（同一工单的各报告共用这一次），确定不同意并重新打开吗？"',
    );
    await (await world.as('reporter2')).agent.get(`/reports/${r.id}/reopen`).expect(302).expect('Location', `/reports/${r.id}`);
    world.ctx.now = () => at('2026-03-04T02:00:00Z');
    expect((await reporterPost('reporter2', `/reports/${r.id}/reopen`, { comment: '号码已注销，见运营商证明' })).status).toBe(
      302,
    );
    ticket = await ticketOf(ticketId);
    // Wednesday 2026-03-04 + 5 working days = Wednesday 2026-03-11.
    expect([ticket.status, ticket.reopened, ticket.due_at, ticket.closed_reason]).toEqual(['open', 1, '2026-03-11', null]);

    await answer('hrSteward', ticketId, { answer: 'not_error', comment: '已再次核实，号码有效' });
    const second = await reporterPost('reporter2', `/reports/${r.id}/reopen`, { comment: '仍然不对' });
    expect(second.status).toBe(409);
    expect(second.text).toContain('该工单已由报告人重新打开过一次，如仍有异议请联系信息化办公室裁定');
    // An over-long comment gets the same answer: the page has no comment box to show its message in.
    const longSecond = await reporterPost('reporter2', `/reports/${r.id}/reopen`, { comment: '长'.repeat(5001) });
    expect(longSecond.status).toBe(409);
    expect(longSecond.text).toContain('该工单已由报告人重新打开过一次');
    expect((await ticketOf(ticketId)).status).toBe('closed');
    // The IT office decides: it may reopen.
    const s = await world.as('office');
    const byOffice = await s.agent
      .post(`/reports/tickets/${ticketId}/reopen`)
      .type('form')
      .send({ _csrf: s.csrf, comment: '请提供号码核验记录' });
    expect(byOffice.status).toBe(302);
    expect((await ticketOf(ticketId)).reopened).toBe(2);
    // Each time the department is told it has the report back: by the reporter, then by the office.
    const titles = await world
      .db('notifications')
      .where({ user_id: world.people.hrSteward.id, kind: 'ticket.report_reopened' })
      .where('title', 'like', `%#${ticketId}：%`)
      .orderBy('id')
      .pluck('title');
    expect(titles.map((x: string) => x.replace(/请于 \S+ 前/, '请于 … 前'))).toEqual([
      `【纠错重新打开】质量工单 #${ticketId}：报告人不同意答复重新打开，请于 … 前再次处理`,
      `【纠错重新打开】质量工单 #${ticketId}：信息化办公室重新打开，请于 … 前再次处理`,
    ]);
  });
});

describe('not our data → the IT office reassigns', () => {
  it('flags the ticket as disputed, tells the IT office, and the reporter hears of the reassignment', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter', { field: 'research_area', description: '研究方向有误' });
    const ticketId = r.ticket_id!;
    // research_area is the colleges' (COL) field: neither HR nor ORG may answer.
    expect((await answer('hrSteward', ticketId, { answer: 'not_ours', comment: 'x' })).status).toBe(404);
    const col = await buildUser(world.db, { department: 'COL', roles: ['steward'] });
    const c = await signIn(world.app, col.login, col.password);
    const post = (comment: string) =>
      c.agent
        .post(`/reports/tickets/${ticketId}/answer`)
        .field('_csrf', c.csrf)
        .set('Accept', 'text/html')
        .field('answer', 'not_ours')
        .field('comment', comment);
    expect((await post('')).status).toBe(422);
    expect((await post('研究方向由科技处维护')).status).toBe(302);
    const ticket = await ticketOf(ticketId);
    expect([ticket.status, ticket.department_code, ticket.disputed_at === null]).toEqual(['open', 'COL', false]);
    expect((await inboxOf(world.people.office.id)).filter((n) => n.kind === 'report.disputed')).toEqual([
      {
        kind: 'report.disputed',
        // The department by its name (各学院), as the IT office knows it, not by its code.
        title: `【数据纠错】纠错工单 #${ticketId}：各学院（COL）认为不属于本单位数据，请改派`,
        link: `/tickets/${ticketId}`,
      },
    ]);
    // The IT office reassigns on the ordinary ticket page; the job tells the reporter.
    const s = await world.as('office');
    await s.agent
      .post(`/tickets/${ticketId}/reassign`)
      .type('form')
      .send({ _csrf: s.csrf, department: 'SCI', reason: '科研信息归科技处' })
      .expect(302);
    // Decided: the office's notice of the dispute no longer waits in its inbox.
    const waiting = await world
      .db('notifications')
      .where({ user_id: world.people.office.id, kind: 'report.disputed', subject: `ticket_dispute:${ticketId}` })
      .first('read_at');
    expect(waiting.read_at).not.toBeNull();
    await runConfirmations(world.ctx, { now: MONDAY });
    expect((await inboxOf(world.people.reporter.id)).map((n) => n.title)).toContain(
      `【数据纠错】您的报告 #${r.id}：已由信息化办公室改派给其他责任单位`,
    );
  });
});

describe('triage first (IT office setting)', () => {
  it('holds new reports for the IT office, which routes them to a department', async () => {
    const s = await world.as('office');
    await world.triageFirst(true);
    world.ctx.now = () => MONDAY;
    const r = await file('reporter', { record_key: { staff_no: '20190002' }, description: '查无此人' });
    expect(r.ticket_id).toBeNull();
    const mine = await request(world.app)
      .get(`/api/v1/reports/${r.id}`)
      .set('Authorization', `Bearer ${world.tokens.reporter}`)
      .expect(200);
    expect(mine.body).toMatchObject({ status: 'triage', ticket_id: null, hub: { found: false, value: null } });
    const queue = await s.agent.get('/reports/triage').expect(200);
    expect(queue.text).toContain('查无此人');
    await s.agent.post(`/reports/${r.id}/route`).type('form').send({ _csrf: s.csrf, department: 'HR' }).expect(302);
    const routed = await world.db('reports').where({ id: r.id }).first();
    expect(routed.status).toBe('routed');
    expect((await ticketOf(routed.ticket_id)).department_code).toBe('HR');
    // The reporter hears it was taken up, and by which department (the ticket is filed in their name).
    const hr = await world.db('departments').where({ code: 'HR' }).first('name');
    expect((await inboxOf(world.people.reporter.id)).map((n) => n.title)).toContain(
      `【数据纠错】您的报告 #${r.id} 已受理，转交${hr.name}处理`,
    );
    await s.agent.post('/reports/settings').type('form').send({ _csrf: s.csrf }).expect(302);
    expect((await file('reporter', { field: 'email', description: '邮箱错误' })).ticket_id).not.toBeNull();
  });
});

describe('refusals say what the user sees, not stored values', () => {
  it('an answer sent without its type: “请选择答复类型”, in the user’s language, the text kept and nothing written', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter', { field: 'title_rank', record_key: { staff_no: '20190003' }, description: '职称有误' });
    const ticketId = r.ticket_id!;
    const before = [await ticketOf(ticketId), await eventsOf(ticketId)];
    const res = await answer('hrSteward', ticketId, { comment: '已核实为副教授' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<p class="field-error" id="answer-kind-error">请选择答复类型</p>');
    // The message is tied to the answer's choices, so a screen reader reads it with them.
    expect(res.text).toContain('<fieldset aria-describedby="answer-kind-error">');
    expect(res.text).not.toContain('应为');
    expect(res.text).toContain('已核实为副教授</textarea>');
    // In English for a steward who reads the pages in English.
    const en = await signIn(world.app, world.people.hrSteward.login, world.people.hrSteward.password);
    await en.agent.post('/locale').type('form').send({ _csrf: en.csrf, locale: 'en', next: '/' }).expect(302);
    const english = await en.agent
      .post(`/reports/tickets/${ticketId}/answer`)
      .field('_csrf', en.csrf)
      .set('Accept', 'text/html')
      .field('comment', 'Checked: associate professor');
    expect(english.status).toBe(422);
    expect(english.text).toContain('<p class="field-error" id="answer-kind-error">Choose an answer</p>');
    expect(english.text).toContain('Checked: associate professor</textarea>');
    expect([await ticketOf(ticketId), await eventsOf(ticketId)]).toEqual(before);
    // The switch is saved with the account: back to Chinese for the steward's later sign-ins.
    await en.agent.post('/locale').type('form').send({ _csrf: en.csrf, locale: 'zh-CN', next: '/' }).expect(302);
  });

  it('an answer the ticket no longer takes names its status in words', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter', { field: 'title_rank', record_key: { staff_no: '20190004' }, description: '职称有误' });
    const ticketId = r.ticket_id!;
    expect((await answer('hrSteward', ticketId, { answer: 'fixed' })).status).toBe(302);
    // A second tab's form with another answer, sent after the first answer (the same answer again is done: qa-reports-double-submit).
    const again = await answer('hrSteward', ticketId, { answer: 'not_error', comment: '再次确认' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('纠错工单当前状态为“已整改待确认”，不能答复“数据无误”');
    expect(again.text).not.toContain('fixed，');
    await reporterPost('reporter', `/reports/${r.id}/confirm`);
    const late = await answer('hrSteward', ticketId, { answer: 'not_error', comment: '无误' });
    expect(late.status).toBe(409);
    expect(late.text).toContain('纠错工单当前状态为“已解决”，已不能答复');
    expect((await ticketOf(ticketId)).status).toBe('resolved');
  });

  it('a reporter’s reopen of a report still open names its status as the page does (待处理)', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter', { field: 'title_rank', record_key: { staff_no: '20190005' }, description: '职称有误' });
    const page = await (await world.as('reporter')).agent.get(`/reports/${r.id}`).expect(200);
    expect(page.text).not.toContain(`action="/reports/${r.id}/reopen"`);
    // A form kept open in another tab.
    const res = await reporterPost('reporter', `/reports/${r.id}/reopen`, { comment: '仍然不对' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('报告当前状态为“待处理”，责任单位答复后才能重新打开');
    expect(res.text).not.toContain('状态为 open');
  });

  it('a confirm or reopen of a report with no ticket (waiting for triage, not accepted) names its status, not "does not exist"', async () => {
    world.ctx.now = () => MONDAY;
    await world.triageFirst(true);
    try {
      const waiting = await file('reporter', {
        field: 'title_rank',
        record_key: { staff_no: '20190007' },
        description: '职称待查',
      });
      for (const action of ['confirm', 'reopen']) {
        const res = await reporterPost('reporter', `/reports/${waiting.id}/${action}`, { comment: '仍然不对' });
        expect({ action, status: res.status }).toEqual({ action, status: 409 });
        expect(res.text).toContain('报告当前状态为“待信息化办公室分派”，没有可确认或重新打开的答复');
        expect(res.text).not.toContain(`报告 #${waiting.id} 不存在`);
      }
      expect((await world.db('reports').where({ id: waiting.id }).first('status')).status).toBe('triage');
    } finally {
      await world.triageFirst(false);
    }
  });

  it('offers no reopen once the answer is too old to reopen, and says why', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter', { field: 'title_rank', record_key: { staff_no: '20190006' }, description: '职称有误' });
    await answer('hrSteward', r.ticket_id!, { answer: 'not_error', comment: '以聘任文件为准' });
    const soon = await (await world.as('reporter')).agent.get(`/reports/${r.id}`).expect(200);
    expect(soon.text).toContain(`action="/reports/${r.id}/reopen"`);
    // 31 days after the answer (the ticket closed on Monday 2026-03-02): the service would refuse the reopen.
    world.ctx.now = () => at('2026-04-02T02:00:00Z');
    try {
      const later = await (await world.as('reporter')).agent.get(`/reports/${r.id}`).expect(200);
      expect(later.text).not.toContain(`action="/reports/${r.id}/reopen"`);
      expect(later.text).toContain('答复已超过 30 天，不能再重新打开。如仍有错误，请重新提交报告。');
    } finally {
      world.ctx.now = () => MONDAY;
    }
  });
});

describe("the department's page of a report ticket", () => {
  it('shows a value the hub holds empty as （空）, not as an empty box', async () => {
    const r = await file('reporter', { field: 'mobile', description: '手机号缺失' });
    await world.db('reports').where({ id: r.id }).update({ hub_found: true, hub_value: null });
    const page = (await (await world.as('hrSteward')).agent.get(`/reports/tickets/${r.ticket_id}`).expect(200)).text;
    const row = [...page.matchAll(/<tr>\s*<td>#(\d+)<br>[\s\S]*?<\/tr>/g)].find((m) => Number(m[1]) === r.id)![0];
    expect(row).toContain('<span class="muted">（空）</span>');
    expect(row).not.toContain('<code></code>');
  });
});

describe("the answer's and the reopen's boxes", () => {
  it("stop where the server's limit is (maxlength), as the report form's boxes do", async () => {
    // Nothing stopped a pasted 3,000-character text: the page came back with 最多 2000 个字符 and the text to cut.
    const maxlength = (page: string, id: string) => Number(new RegExp(`id="${id}"[^>]*\\bmaxlength="(\\d+)"`).exec(page)?.[1]);
    world.ctx.now = () => MONDAY;
    const r = await file('reporter2', { record_key: { staff_no: '20190001' } });
    const ticketId = r.ticket_id!;
    const answerPage = (await (await world.as('orgSteward')).agent.get(`/reports/tickets/${ticketId}`).expect(200)).text;
    world.ctx.now = () => at('2026-03-03T03:00:00Z');
    expect((await answer('orgSteward', ticketId, { answer: 'not_error', comment: '数据无误' })).status).toBe(302);
    const reportPage = (await (await world.as('reporter2')).agent.get(`/reports/${r.id}`).expect(200)).text;
    const officePage = (await (await world.as('office')).agent.get(`/reports/tickets/${ticketId}`).expect(200)).text;
    expect({
      answer: maxlength(answerPage, 'answer-comment'),
      reporterReopen: maxlength(reportPage, 'reopen-comment'),
      officeReopen: maxlength(officePage, 'office-reopen'),
    }).toEqual({ answer: MAX_COMMENT, reporterReopen: MAX_COMMENT, officeReopen: MAX_COMMENT });
  });
});

describe('a confirmation that comes too late', () => {
  it('says so of the report, as its page does, not of the ticket behind it; its address opened again is the report', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter', { record_key: { staff_no: '20190001' } });
    const ticketId = r.ticket_id!;
    world.ctx.now = () => at('2026-03-03T03:00:00Z');
    expect((await answer('orgSteward', ticketId, { answer: 'fixed', comment: '已更正' })).status).toBe(302);
    // The IT office reopens it while the reporter's page still offers 确认已更正.
    const office = await world.as('office');
    await office.agent
      .post(`/reports/tickets/${ticketId}/reopen`)
      .type('form')
      .send({ _csrf: office.csrf, comment: '整改不完整' })
      .expect(302);
    const late = await reporterPost('reporter', `/reports/${r.id}/confirm`);
    expect(late.status).toBe(409);
    expect(late.text).toContain('报告当前状态为“待处理”，没有待确认的整改');
    expect(late.text).not.toContain(`工单 #${ticketId}`);
    expect((await ticketOf(ticketId)).status).toBe('open');
    const reporter = await world.as('reporter');
    await reporter.agent.get(`/reports/${r.id}/confirm`).expect(302).expect('Location', `/reports/${r.id}`);
  });
});

describe('a reason to disagree with a NUL or a direction override in it', () => {
  it('comes back beside its box, summed up at the top, the reason kept; the report stays as it was', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter2', { record_key: { staff_no: '20190001' } });
    const ticketId = r.ticket_id!;
    world.ctx.now = () => at('2026-03-03T03:00:00Z');
    expect((await answer('orgSteward', ticketId, { answer: 'not_error', comment: '数据无误' })).status).toBe(302);
    const before = await ticketOf(ticketId);
    for (const comment of ['号码\u0000已注销', '号码\u202E已注销']) {
      const res = await reporterPost('reporter2', `/reports/${r.id}/reopen`, { comment });
      expect(res.status).toBe(422);
      expect(res.text).toContain('<a href="#reopen-comment-error">');
      expect(res.text).toMatch(/id="reopen-comment-error">文本中含有看不见的控制字符/);
      expect(res.text).toContain(`>${comment.replace('\u0000', '\ufffd')}</textarea>`);
    }
    const after = await ticketOf(ticketId);
    expect([after.status, after.reopened]).toEqual([before.status, before.reopened]);
  });

  it('on a report reopened already says it was done, not a 422 on a page without the box', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter2', { record_key: { staff_no: '20190003' } });
    const ticketId = r.ticket_id!;
    world.ctx.now = () => at('2026-03-03T03:00:00Z');
    expect((await answer('orgSteward', ticketId, { answer: 'not_error', comment: '数据无误' })).status).toBe(302);
    expect((await reporterPost('reporter2', `/reports/${r.id}/reopen`, { comment: '仍有误' })).status).toBe(302);
    const before = await ticketOf(ticketId);
    const res = await reporterPost('reporter2', `/reports/${r.id}/reopen`, { comment: '号码\u0000已注销' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/reports/${r.id}`);
    expect(await ticketOf(ticketId)).toEqual(before);
  });
});

describe("the department's answer with a NUL or a direction override in its text", () => {
  it('comes back beside the box with the text, for every answer, the file asked for again; nothing answered', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter2', { record_key: { staff_no: '20190001' } });
    const ticketId = r.ticket_id!;
    world.ctx.now = () => at('2026-03-03T03:00:00Z');
    const before = await ticketOf(ticketId);
    const eventsBefore = await eventsOf(ticketId);
    // A phone number copied from a Windows app comes wrapped in U+202A … U+202C: it was the bare error page, the
    // answer typed gone.
    for (const [kind, comment] of [
      ['not_error', '已与本人核实，手机号 \u202a13812345678\u202c 无误'],
      ['fixed', '已更正\u0000'],
      ['not_ours', '手机号由本人维护\u202e'],
    ]) {
      const res = await answer('orgSteward', ticketId, { answer: kind, comment }, [Buffer.from('%PDF-1.4\n'), '证明.pdf']);
      expect(res.status).toBe(422);
      expect(res.text).not.toContain('class="error-page"');
      expect(res.text).toMatch(/id="answer-comment-error"[^>]*>文本中含有看不见的控制字符/);
      expect(res.text).toContain('<a href="#answer-comment-error">');
      expect(res.text).toContain(`>${comment.replace('\u0000', '\ufffd')}</textarea>`);
      expect(res.text).toContain(`value="${kind}" checked`);
      expect(res.text).toContain('id="answer-document-again"');
    }
    const after = await ticketOf(ticketId);
    expect([after.status, after.disputed_at, after.version]).toEqual([before.status, before.disputed_at, before.version]);
    expect(await eventsOf(ticketId)).toEqual(eventsBefore);
    expect(await world.db('report_tickets').where({ ticket_id: ticketId }).first('answer')).toEqual({ answer: null });
  });
});

describe("数据纠错 (/reports/mine) for a department's steward", () => {
  it('says the reports routed to the department are answered from its tickets, how many wait, and links to them', async () => {
    world.ctx.now = () => MONDAY;
    const waitingBefore = await world
      .db('tickets')
      .where({ department_code: 'ORG', check_kind: 'report' })
      .whereIn('status', ['open', 'acknowledged'])
      .count({ n: '*' })
      .first();
    await file('reporter', { record_key: { staff_no: '20190002' } });
    const n = Number(waitingBefore?.n ?? 0) + 1;
    const steward = await world.as('orgSteward');
    const page = (await steward.agent.get('/reports/mine').expect(200)).text;
    expect(page).toContain(`转给本单位的数据纠错报告在“质量工单”中答复，目前 ${n} 条待答复。`);
    expect(page).toContain('<a href="/tickets?check=report&amp;status=active">查看本单位的纠错工单</a>');
    // A reporter who answers for no department is not pointed there.
    const reporter = await world.as('reporter');
    expect((await reporter.agent.get('/reports/mine').expect(200)).text).not.toContain('查看本单位的纠错工单');
  });
});

describe('an answer sent from a page left open after the ticket was answered in another tab', () => {
  it('is refused (409) with what was typed shown to copy, the form being gone; nothing changed', async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter2', { record_key: { staff_no: '20190001' } });
    const ticketId = r.ticket_id!;
    world.ctx.now = () => at('2026-03-03T03:00:00Z');
    expect((await answer('orgSteward', ticketId, { answer: 'not_error', comment: '数据无误' })).status).toBe(302);
    const before = await eventsOf(ticketId);
    const stale = await answer('orgSteward', ticketId, { answer: 'fixed', comment: '已在系统中更正为 13812345678' });
    expect(stale.status).toBe(409);
    expect(stale.text).not.toContain('name="answer"');
    expect(stale.text).toContain('<label for="answer-unsent">你填写的说明（未发送，可复制）</label>');
    expect(stale.text).toContain('readonly>已在系统中更正为 13812345678</textarea>');
    expect(await eventsOf(ticketId)).toEqual(before);
  });
});

describe("a reason to disagree at the box's 2,000 characters, in lines", () => {
  it("is taken: its line breaks count one each, as the browser's maxlength counts them, though sent as CRLF", async () => {
    world.ctx.now = () => MONDAY;
    const r = await file('reporter2', { record_key: { staff_no: '20190001' } });
    const ticketId = r.ticket_id!;
    world.ctx.now = () => at('2026-03-03T03:00:00Z');
    expect((await answer('orgSteward', ticketId, { answer: 'not_error', comment: '数据无误' })).status).toBe(302);
    const lines = Array.from({ length: 10 }, (_, i) => '理'.repeat(i === 9 ? 200 : 199));
    expect(lines.join('\n')).toHaveLength(2000);
    const res = await reporterPost('reporter2', `/reports/${r.id}/reopen`, { comment: lines.join('\r\n') });
    expect(res.status).toBe(302);
    const reopened = await world.db('ticket_events').where({ ticket_id: ticketId, kind: 'reopened' }).first('comment');
    expect(reopened.comment).toBe(lines.join('\n'));
  });
});
