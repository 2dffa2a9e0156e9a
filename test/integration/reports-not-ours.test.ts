import request from 'supertest';
import { run as runConfirmations } from '../../jobs/report-confirmations';
import { up as clearReassignedNotOurs } from '../../migrations/20261203002000_clear_reassigned_not_ours_answers';
import { saveUpload } from '../../server/services/uploads';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { MONDAY, PDF, reportBody, useReportsWorld } from '../factories/reports';
import { signIn } from '../helpers/app';

/**
 * "Not our data" (非本单位数据) on a report ticket: the dispute and the answer are one change, and
 * the department the IT office hands the ticket to starts without the previous department's answer.
 */

let col: Awaited<ReturnType<typeof buildUser>>;
let reporterToken: string;
type Session = Awaited<ReturnType<typeof signIn>>;

const world = useReportsWorld({
  setup: async () => {
    // research_area is the colleges' (COL) field in the example catalog.
    col = await buildUser(world.db, { name: '学院专员', department: 'COL', roles: ['steward'] });
    reporterToken = await issueApiToken(world.db, world.people.reporter.id);
  },
});

/** A report on a staff member's research area (a new ticket for each staff number). */
async function fileReport(staffNo: string, description: string): Promise<{ id: number; ticket_id: number }> {
  const res = await request(world.app)
    .post('/api/v1/reports')
    .set('Authorization', `Bearer ${reporterToken}`)
    .send(reportBody({ field: 'research_area', record_key: { staff_no: staffNo }, description }));
  expect(res.status).toBe(201);
  return res.body;
}
function notOurs(s: Session, ticketId: number, comment: string) {
  return s.agent
    .post(`/reports/tickets/${ticketId}/answer`)
    .field('_csrf', s.csrf)
    .set('Accept', 'text/html')
    .field('answer', 'not_ours')
    .field('comment', comment);
}
const ticketOf = (id: number) => world.db('tickets').where({ id }).first();
const stateOf = (id: number) => world.db('report_tickets').where({ ticket_id: id }).first();
const kindsOf = async (id: number) =>
  (await world.db('ticket_events').where({ ticket_id: id }).orderBy('id').select('kind')).map((e) => e.kind);
const auditOf = (id: number) =>
  world
    .db('audit_log')
    .where({ object_type: 'ticket', object_id: String(id) })
    .orderBy('seq')
    .select('action', 'summary');

describe('"not ours" is one change: the dispute and the answer together or neither', () => {
  it('leaves the ticket undisputed and unanswered when writing the answer fails, and the steward can send it again', async () => {
    world.ctx.now = () => MONDAY;
    const r = await fileReport('20190001', '研究方向有误');
    const ticketId = r.ticket_id;
    const before = await ticketOf(ticketId);
    const auditBefore = await auditOf(ticketId);
    const officeNotices = () =>
      world.db('notifications').where({ user_id: world.people.office.id, kind: 'report.disputed' }).count({ n: '*' }).first();
    const noticesBefore = Number((await officeNotices())!.n);

    // The database refuses the answer row for this ticket (as a failing disk or a lost connection
    // would refuse it): the second write of "not ours" fails after the dispute was written.
    await world.db.raw(
      `alter table report_tickets add constraint test_refuse_not_ours check (not (ticket_id = ${Number(ticketId)} and answer = 'not_ours')) not valid`,
    );
    const s = await signIn(world.app, col.login, col.password);
    try {
      const failed = await notOurs(s, ticketId, '研究方向由科技处维护');
      expect(failed.status).toBe(500);
    } finally {
      await world.db.raw('alter table report_tickets drop constraint test_refuse_not_ours');
    }

    // Nothing of it was kept: not disputed, no answer, no history or audit row, the IT office not told.
    const after = await ticketOf(ticketId);
    expect([after.disputed_at, after.version, after.status]).toEqual([null, before.version, 'open']);
    expect(await stateOf(ticketId)).toMatchObject({ answer: null, answer_comment: null, answered_at: null });
    expect(await kindsOf(ticketId)).toEqual(['reported']);
    expect(await auditOf(ticketId)).toEqual(auditBefore);
    expect(Number((await officeNotices())!.n)).toBe(noticesBefore);
    // The page still offers "not ours"…
    const page = await s.agent.get(`/reports/tickets/${ticketId}`).expect(200);
    expect(page.text).toContain('name="answer" value="not_ours"');

    // …and sending it again works, both writes at once.
    expect((await notOurs(s, ticketId, '研究方向由科技处维护')).status).toBe(302);
    const disputed = await ticketOf(ticketId);
    expect(disputed.disputed_at).not.toBeNull();
    expect(disputed.version).toBe(before.version + 1);
    expect(await stateOf(ticketId)).toMatchObject({ answer: 'not_ours', answer_comment: '研究方向由科技处维护' });
    expect(new Date((await stateOf(ticketId)).answered_at).toISOString()).toBe(MONDAY.toISOString());
    expect(await kindsOf(ticketId)).toEqual(['reported', 'disputed']);
    expect((await auditOf(ticketId)).map((a) => a.action)).toEqual([...auditBefore.map((a) => a.action), 'ticket.dispute']);
    expect(Number((await officeNotices())!.n)).toBe(noticesBefore + 1);
  });

  it('writes neither when the dispute itself is refused (already disputed)', async () => {
    world.ctx.now = () => MONDAY;
    const r = await fileReport('20190002', '研究方向填写错误');
    const s = await signIn(world.app, col.login, col.password);
    expect((await notOurs(s, r.ticket_id, '归科技处')).status).toBe(302);
    const before = await stateOf(r.ticket_id);
    world.ctx.now = () => new Date('2026-03-03T02:00:00Z');
    // A second "not ours" (another tab): done already, nothing changed (the page says so), the first answer as it was.
    const again = await notOurs(s, r.ticket_id, '第二次');
    expect(again.status).toBe(303);
    expect(await stateOf(r.ticket_id)).toEqual(before);
  });
});

describe('while its "not ours" waits for the IT office', () => {
  it('the department is offered no other answer, and one sent anyway is refused (409) with nothing changed', async () => {
    world.ctx.now = () => MONDAY;
    const r = await fileReport('20190012', '研究方向有误（待定）');
    const s = await signIn(world.app, col.login, col.password);
    expect((await notOurs(s, r.ticket_id, '研究方向由科研处维护')).status).toBe(302);
    const before = await ticketOf(r.ticket_id);
    expect(before.disputed_at).not.toBeNull();
    const page = (await s.agent.get(`/reports/tickets/${r.ticket_id}`).expect(200)).text;
    expect(page).not.toContain('name="answer" value="fixed"');
    expect(page).not.toContain('name="answer" value="not_error"');
    const fixed = await s.agent
      .post(`/reports/tickets/${r.ticket_id}/answer`)
      .field('_csrf', s.csrf)
      .set('Accept', 'text/html')
      .field('answer', 'fixed')
      .field('comment', '');
    expect(fixed.status).toBe(409);
    expect(fixed.text).toContain(`纠错工单 #${r.ticket_id} 已答复“非本单位数据”，正等待信息化办公室处理；处理后才能再答复`);
    expect(await ticketOf(r.ticket_id)).toEqual(before);
    expect((await stateOf(r.ticket_id)).answer).toBe('not_ours');
  });
});

describe('the IT office reassigns a report ticket after "not ours"', () => {
  it('gives the new department the ticket without the previous answer; the history keeps who said "not ours" and why', async () => {
    world.ctx.now = () => MONDAY;
    const r = await fileReport('20190003', '研究方向应为材料科学');
    const ticketId = r.ticket_id;
    const c = await signIn(world.app, col.login, col.password);
    expect((await notOurs(c, ticketId, '研究方向由科技处维护')).status).toBe(302);
    expect(await stateOf(ticketId)).toMatchObject({ answer: 'not_ours', answer_comment: '研究方向由科技处维护' });

    const TUESDAY = new Date('2026-03-03T02:00:00Z');
    world.ctx.now = () => TUESDAY;
    const office = await signIn(world.app, world.people.office.login, world.people.office.password);
    await office.agent
      .post(`/tickets/${ticketId}/reassign`)
      .type('form')
      .send({ _csrf: office.csrf, department: 'SCI', reason: '科研信息归科技处' })
      .expect(302);

    const ticket = await ticketOf(ticketId);
    expect([ticket.department_code, ticket.status, ticket.disputed_at]).toEqual(['SCI', 'open', null]);
    // No current answer: COL's "not ours" is not SCI's answer. Nothing was ever answered, so no first answer either.
    expect(await stateOf(ticketId)).toMatchObject({
      answer: null,
      answer_comment: null,
      answer_document_id: null,
      answered_at: null,
      first_answered_at: null,
    });
    const api = await request(world.app)
      .get(`/api/v1/reports/${r.id}`)
      .set('Authorization', `Bearer ${reporterToken}`)
      .expect(200);
    expect(api.body).toMatchObject({ status: 'open', department: 'SCI', answer: null });

    // The new department's page: no "current answer", every answer offered.
    const sci = await buildUser(world.db, { name: '科技处专员', department: 'SCI', roles: ['steward'] });
    const s = await signIn(world.app, sci.login, sci.password);
    const page = await s.agent.get(`/reports/tickets/${ticketId}`).expect(200);
    expect(page.text).not.toContain('当前答复');
    for (const a of ['fixed', 'not_error', 'not_ours']) expect(page.text).toContain(`name="answer" value="${a}"`);
    // The history still says who disputed and why, and who reassigned to whom.
    const history = /<ol class="report-history">([\s\S]*?)<\/ol>/.exec(page.text)![1];
    expect(history).toMatch(/学院专员<\/strong>\s*责任单位提出异议\s*<blockquote>研究方向由科技处维护<\/blockquote>/);
    // Headed as on the ticket page, its note naming both departments and the new due date.
    expect(history).toMatch(
      /信息办专员<\/strong>\s*改派[^<]*<span class="event-note">[^<]*→ [^<]*SCI[^<]*，整改期限 [0-9-]+<\/span>\s*<blockquote>科研信息归科技处<\/blockquote>/,
    );
    const events = await world
      .db('ticket_events')
      .where({ ticket_id: ticketId })
      .orderBy('id')
      .select('kind', 'actor_login', 'comment', 'details');
    expect(events.map((e) => [e.kind, e.actor_login, e.comment])).toEqual([
      ['reported', world.people.reporter.login, '研究方向应为材料科学'],
      ['disputed', col.login, '研究方向由科技处维护'],
      ['reassigned', world.people.office.login, '科研信息归科技处'],
    ]);
    // The audit row of the reassignment names the answer it set aside.
    const audit = (await auditOf(ticketId)).filter((a) => a.action === 'ticket.reassign');
    expect(audit).toHaveLength(1);
    expect(audit[0].summary).toMatchObject({ from_department: 'COL', to_department: 'SCI', cleared_answer: 'not_ours' });

    // SCI answers for itself; its answer is the current one.
    const answered = await s.agent
      .post(`/reports/tickets/${ticketId}/answer`)
      .field('_csrf', s.csrf)
      .set('Accept', 'text/html')
      .field('answer', 'fixed')
      .field('comment', '已在科研系统更正');
    expect(answered.status).toBe(302);
    expect(await stateOf(ticketId)).toMatchObject({ answer: 'fixed', answer_comment: '已在科研系统更正' });
    expect(new Date((await stateOf(ticketId)).first_answered_at).toISOString()).toBe(TUESDAY.toISOString());
  });

  it('changes no answer state and notes no cleared answer when nobody had answered', async () => {
    world.ctx.now = () => MONDAY;
    const r = await fileReport('20190004', '研究方向为空');
    const office = await signIn(world.app, world.people.office.login, world.people.office.password);
    await office.agent
      .post(`/tickets/${r.ticket_id}/reassign`)
      .type('form')
      .send({ _csrf: office.csrf, department: 'SCI', reason: '归科技处' })
      .expect(302);
    expect(await stateOf(r.ticket_id)).toMatchObject({ answer: null, answered_at: null });
    const audit = (await auditOf(r.ticket_id)).filter((a) => a.action === 'ticket.reassign');
    expect(audit[0].summary.cleared_answer).toBeUndefined();
  });
});

describe('the IT office reassigns a report ticket answered "fixed"', () => {
  it('hands the new department an open ticket with a fresh due date and no fix; silence confirms nothing on the old fix', async () => {
    world.ctx.now = () => MONDAY;
    const r = await fileReport('20190005', '研究方向应为凝聚态物理');
    const ticketId = r.ticket_id;
    const c = await signIn(world.app, col.login, col.password);
    // COL says it fixed the record, then that the record is not its own after all ("not ours" from fixed).
    const fixed = await c.agent
      .post(`/reports/tickets/${ticketId}/answer`)
      .field('_csrf', c.csrf)
      .set('Accept', 'text/html')
      .field('answer', 'fixed')
      .field('comment', '已更正');
    expect(fixed.status).toBe(302);
    expect((await ticketOf(ticketId)).status).toBe('fixed');
    const answerable = (await c.agent.get(`/reports/tickets/${ticketId}`).expect(200)).text;
    expect(answerable).toContain('name="answer" value="not_ours"');
    // The form's hints speak of the one answer it offers, not of 数据无误 or of reporters getting the document.
    expect(answerable).toContain('placeholder="请写明为何不是本单位的数据（必填）。"');
    expect(answerable).toContain(
      '<p class="muted" id="answer-document-help">作为依据交信息化办公室改派时参考，不向报告人显示。</p>',
    );
    expect((await notOurs(c, ticketId, '研究方向由科技处维护，学院无权更正')).status).toBe(302);
    // "Not ours" withdraws COL's own fix: back to 已签收, nothing waits for the reporter's confirmation.
    expect((await ticketOf(ticketId)).status).toBe('acknowledged');
    expect(await stateOf(ticketId)).toMatchObject({ answer: 'not_ours', fixed_at: null });
    const disputed = (await world.db('ticket_events').where({ ticket_id: ticketId }).orderBy('id')).at(-1);
    expect([disputed.kind, disputed.from_status, disputed.to_status]).toEqual(['disputed', 'fixed', 'acknowledged']);

    // Wednesday 2026-03-04: reassigned to SCI.
    const WEDNESDAY = new Date('2026-03-04T02:00:00Z');
    world.ctx.now = () => WEDNESDAY;
    const office = await signIn(world.app, world.people.office.login, world.people.office.password);
    await office.agent
      .post(`/tickets/${ticketId}/reassign`)
      .type('form')
      .send({ _csrf: office.csrf, department: 'SCI', reason: '科研信息归科技处' })
      .expect(302);

    // research_area is of medium severity: 5 working days from Wednesday 03-04 is 03-05, 06, 09, 10, 11.
    const ticket = await ticketOf(ticketId);
    expect([ticket.department_code, ticket.status, ticket.due_at, ticket.disputed_at, ticket.recheck_requested_at]).toEqual([
      'SCI',
      'open',
      '2026-03-11',
      null,
      null,
    ]);
    // COL's fix is not SCI's: nothing waits for the reporter's confirmation. The first answer stays (scorecards).
    const state = await stateOf(ticketId);
    expect(state).toMatchObject({ answer: null, answer_comment: null, answered_at: null, fixed_at: null, confirmed_at: null });
    expect(new Date(state.first_answered_at).toISOString()).toBe(MONDAY.toISOString());

    // The history and the audit say the status went back to open, the answer cleared, and the new due date (the fix
    // was set aside by the "not ours" before).
    const events = await world.db('ticket_events').where({ ticket_id: ticketId }).orderBy('id');
    const reassigned = events[events.length - 1];
    expect([reassigned.kind, reassigned.from_status, reassigned.to_status]).toEqual(['reassigned', 'acknowledged', 'open']);
    expect(reassigned.details).toMatchObject({
      from_department: 'COL',
      to_department: 'SCI',
      due_at: '2026-03-11',
      cleared_answer: 'not_ours',
    });
    expect(reassigned.details.cleared_fix).toBeUndefined();
    const audit = (await auditOf(ticketId)).filter((a) => a.action === 'ticket.reassign');
    expect(audit).toHaveLength(1);
    expect(audit[0].summary).toMatchObject({
      kind: 'reassigned',
      from: 'acknowledged',
      to: 'open',
      department: 'SCI',
      from_department: 'COL',
      to_department: 'SCI',
      due_at: '2026-03-11',
      cleared_answer: 'not_ours',
    });

    // SCI's page offers every answer and shows the move in its history.
    const sci = await buildUser(world.db, { name: '科技处专员乙', department: 'SCI', roles: ['steward'] });
    const s = await signIn(world.app, sci.login, sci.password);
    const page = await s.agent.get(`/reports/tickets/${ticketId}`).expect(200);
    for (const a of ['fixed', 'not_error', 'not_ours']) expect(page.text).toContain(`name="answer" value="${a}"`);
    const history = /<ol class="report-history">([\s\S]*?)<\/ol>/.exec(page.text)![1];
    // In the department's words, as its ticket page and list say them (待签收; the reporter's page says 待处理).
    expect(history).toMatch(
      /信息办专员<\/strong>\s*改派 → 待签收\s*<span class="event-note">[^<]*→ [^<]*SCI[^<]*，整改期限 [0-9-]+<\/span>\s*<blockquote>科研信息归科技处<\/blockquote>/,
    );
    expect(page.text).toMatch(/<span class="badge report-open">待签收<\/span>[^<]*· 整改期限 2026-03-11/);

    // The reporter is no longer asked to confirm COL's fix, and hears that the new department works on it.
    const api = await request(world.app)
      .get(`/api/v1/reports/${r.id}`)
      .set('Authorization', `Bearer ${reporterToken}`)
      .expect(200);
    expect(api.body).toMatchObject({ status: 'open', department: 'SCI', answer: null });
    await runConfirmations(world.ctx, { now: WEDNESDAY });
    const told = await world
      .db('notifications')
      .where({ user_id: world.people.reporter.id, kind: 'report.reassigned' })
      .orderBy('id');
    expect(told[told.length - 1].title).toBe(`【数据纠错】您的报告 #${r.id}：已由信息化办公室改派给其他责任单位`);

    // Monday 03-16, well past 5 working days after COL's fix (03-02): the ticket is not resolved on it.
    const run = await runConfirmations(world.ctx, { now: new Date('2026-03-16T02:00:00Z') });
    expect(run.resolved).not.toContain(ticketId);
    expect((await ticketOf(ticketId)).status).toBe('open');
  });
});

describe('the migration for report tickets reassigned before the reassignment cleared the answer', () => {
  it('clears a "not ours" given before a later reassignment, and leaves one given after it or not yet reassigned', async () => {
    world.ctx.now = () => MONDAY;
    const TUESDAY = new Date('2026-03-03T02:00:00Z');
    const WEDNESDAY = new Date('2026-03-04T02:00:00Z');
    const c = await signIn(world.app, col.login, col.password);
    const office = await signIn(world.app, world.people.office.login, world.people.office.password);
    const sci = await buildUser(world.db, { name: '科技处专员丙', department: 'SCI', roles: ['steward'] });
    const s = await signIn(world.app, sci.login, sci.password);
    const reassign = (ticketId: number, department: string) =>
      office.agent
        .post(`/tickets/${ticketId}/reassign`)
        .type('form')
        .send({ _csrf: office.csrf, department, reason: '改派' })
        .expect(302);

    // Stale: COL said "not ours" on Monday, the IT office reassigned to SCI on Tuesday, and (as the
    // old reassignment left it) COL's answer is still the current one.
    const stale = (await fileReport('20190006', '研究方向有误')).ticket_id;
    expect((await notOurs(c, stale, '归科技处')).status).toBe(302);
    world.ctx.now = () => TUESDAY;
    await reassign(stale, 'SCI');
    const documentId = await saveUpload(world.db, {
      purpose: 'report_answer',
      filename: '说明.pdf',
      buffer: PDF,
      uploadedBy: col.id,
    });
    await world.db('report_tickets').where({ ticket_id: stale }).update({
      answer: 'not_ours',
      answer_comment: '归科技处',
      answer_document_id: documentId,
      answered_at: MONDAY,
      first_answered_at: TUESDAY,
    });

    // Pending: COL said "not ours", the IT office has not decided yet.
    world.ctx.now = () => MONDAY;
    const pending = (await fileReport('20190007', '研究方向为空')).ticket_id;
    expect((await notOurs(c, pending, '归科技处')).status).toBe(302);

    // SCI's own: reassigned to SCI on Tuesday, SCI said "not ours" on Wednesday.
    const own = (await fileReport('20190008', '研究方向填错')).ticket_id;
    world.ctx.now = () => TUESDAY;
    await reassign(own, 'SCI');
    world.ctx.now = () => WEDNESDAY;
    expect((await notOurs(s, own, '应由学院维护')).status).toBe(302);

    const before = { pending: await stateOf(pending), own: await stateOf(own) };
    await clearReassignedNotOurs(world.db);

    const cleared = await stateOf(stale);
    expect(cleared).toMatchObject({ answer: null, answer_comment: null, answer_document_id: null, answered_at: null });
    expect(new Date(cleared.first_answered_at).toISOString()).toBe(TUESDAY.toISOString());
    expect(await stateOf(pending)).toEqual(before.pending);
    expect(await stateOf(own)).toEqual(before.own);
    expect(before.own).toMatchObject({ answer: 'not_ours', answer_comment: '应由学院维护' });
    // SCI's page no longer shows COL's answer as the current one.
    const page = await s.agent.get(`/reports/tickets/${stale}`).expect(200);
    expect(page.text).not.toContain('当前答复');
  });
});

describe('the IT office hears of "not ours" in Chinese', () => {
  it('whatever language the steward uses the site in', async () => {
    world.ctx.now = () => MONDAY;
    const r = await fileReport('20190009', '研究方向有误');
    const english = await buildUser(world.db, { name: '学院专员乙', department: 'COL', roles: ['steward'] });
    const s = await signIn(world.app, english.login, english.password);
    await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'en', next: '/' }).expect(302);
    // The steward's own page is in English…
    expect((await s.agent.get(`/reports/tickets/${r.ticket_id}`).expect(200)).text).toContain('lang="en"');
    expect((await notOurs(s, r.ticket_id, '研究方向由科技处维护')).status).toBe(302);
    // …the IT office's notice is not.
    const notices = await world
      .db('notifications')
      .where({ user_id: world.people.office.id, kind: 'report.disputed', link: `/tickets/${r.ticket_id}` })
      .select('title', 'body');
    expect(notices).toEqual([
      {
        title: `【数据纠错】纠错工单 #${r.ticket_id}：各学院（COL）认为不属于本单位数据，请改派`,
        body: '教职工基本信息·研究方向：数据使用者报告记录（职工号 20190009）有误\n理由：研究方向由科技处维护',
      },
    ]);
  });
});

describe('a document with "not ours" is the steward’s evidence for the IT office', () => {
  it('is kept with the answer: the office reads it where it decides, the reporters do not, the notice says it is there', async () => {
    world.ctx.now = () => MONDAY;
    const r = await fileReport('20190010', '研究方向有误');
    const s = await signIn(world.app, col.login, col.password);
    // The page says, before sending, where a document goes with each answer.
    const form = (await s.agent.get(`/reports/tickets/${r.ticket_id}`).expect(200)).text;
    expect(form).toContain('答复“非本单位数据”时作为依据交信息化办公室改派时参考，不向报告人显示。');
    const res = await notOurs(s, r.ticket_id, '研究方向由科技处维护').attach('document', PDF, '分工文件.pdf');
    expect(res.status).toBe(302);
    const state = await stateOf(r.ticket_id);
    expect(state).toMatchObject({ answer: 'not_ours', answer_document_id: expect.any(Number) });
    expect(await world.db('uploads').where({ id: state.answer_document_id }).first('filename', 'file_type')).toEqual({
      filename: '分工文件.pdf',
      file_type: 'pdf',
    });

    // The IT office, deciding the dispute, finds it on the report ticket's page (the ticket page's 查看报告) and opens it.
    const office = await signIn(world.app, world.people.office.login, world.people.office.password);
    const page = (await office.agent.get(`/reports/tickets/${r.ticket_id}`).expect(200)).text;
    expect(page).toContain(`<a href="/reports/tickets/${r.ticket_id}/document">依据文件</a>`);
    const file = await office.agent.get(`/reports/tickets/${r.ticket_id}/document`).expect(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    const notice = await world
      .db('notifications')
      .where({ user_id: world.people.office.id, kind: 'report.disputed', link: `/tickets/${r.ticket_id}` })
      .first('body');
    expect(notice.body).toBe(
      '教职工基本信息·研究方向：数据使用者报告记录（职工号 20190010）有误\n理由：研究方向由科技处维护\n' +
        `附有依据文件，见纠错工单页 /reports/tickets/${r.ticket_id}`,
    );

    // The reporter reads the answer, without the department's evidence.
    const reporter = await world.as('reporter');
    const own = (await reporter.agent.get(`/reports/${r.id}`).expect(200)).text;
    expect(own).toContain('非本单位数据（转信息化办公室改派）');
    expect(own).not.toContain('/document');
    await reporter.agent.get(`/reports/tickets/${r.ticket_id}/document`).expect(404);

    // Reassigned: the decision is made, and the new department starts without the previous one's answer and document.
    await office.agent
      .post(`/tickets/${r.ticket_id}/reassign`)
      .type('form')
      .send({ _csrf: office.csrf, department: 'SCI', reason: '归科技处' })
      .expect(302);
    expect(await stateOf(r.ticket_id)).toMatchObject({ answer: null, answer_document_id: null });
  });

  it('a file that is not a PDF or image is refused naming the document, with a missing reason, nothing written', async () => {
    world.ctx.now = () => MONDAY;
    const r = await fileReport('20190011', '研究方向有误');
    const s = await signIn(world.app, col.login, col.password);
    const uploads = Number((await world.db('uploads').count({ n: '*' }).first())!.n);
    const before = await ticketOf(r.ticket_id);
    const res = await notOurs(s, r.ticket_id, '  ').attach('document', Buffer.from('GIF89a not allowed'), 'scan.pdf');
    expect(res.status).toBe(422);
    expect(res.text).toContain('只接受 PNG、JPEG 图片或 PDF 文件（按文件内容识别）');
    expect(res.text).toContain('请填写理由');
    // The answer stays chosen.
    expect(res.text).toContain('name="answer" value="not_ours" checked');
    const after = await ticketOf(r.ticket_id);
    expect([after.disputed_at, after.version]).toEqual([null, before.version]);
    expect(await stateOf(r.ticket_id)).toMatchObject({ answer: null, answer_document_id: null, answered_at: null });
    expect(Number((await world.db('uploads').count({ n: '*' }).first())!.n)).toBe(uploads);
    expect(await kindsOf(r.ticket_id)).toEqual(['reported']);
  });

  it("the answer form's hints quote its answers as their buttons read, in both languages", async () => {
    world.ctx.now = () => MONDAY;
    const r = await fileReport('20190013', '研究方向有误');
    const s = await signIn(world.app, col.login, col.password);
    // Each answer a hint quotes is a button's words, or their start before the parenthesis: the hint said “数据无误”
    // beside the button 经核实数据无误, and “not an error” beside "Checked — not an error".
    const quotedAnswers = async () => {
      const form = (await s.agent.get(`/reports/tickets/${r.ticket_id}`).expect(200)).text;
      const buttons = [...form.matchAll(/name="answer" value="\w+"[^>]*>\s*([^<]+?)<\/label>/g)].map((m) => m[1]);
      const hints = /placeholder="([^"]*)"/.exec(form)![1] + /id="answer-document-help">([^<]*)</.exec(form)![1];
      const quoted = [...hints.matchAll(/“([^”]+)”/g)].map((m) => m[1]);
      return { buttons, quoted };
    };
    const check = ({ buttons, quoted }: { buttons: string[]; quoted: string[] }) => {
      expect(buttons).toHaveLength(3);
      expect(quoted.length).toBeGreaterThanOrEqual(4);
      for (const words of quoted)
        expect([words, buttons.some((b) => b === words || b.startsWith(`${words}（`) || b.startsWith(`${words} (`))]).toEqual([
          words,
          true,
        ]);
    };
    check(await quotedAnswers());
    await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'en', next: '/' }).expect(302);
    check(await quotedAnswers());
  });
});
