import type { Knex } from 'knex';
import request from 'supertest';
import { run as runConfirmations } from '../../jobs/report-confirmations';
import {
  reopenInheritedStatuses,
  up as reopenInheritedStatusesMigration,
} from '../../migrations/20261203200000_reopen_statuses_inherited_on_reassignment';
import { migrateToLatest } from '../../server/db/migrate';
import type { CurrentUser } from '../../server/policies';
import { verifyAuditChain } from '../../server/services/audit';
import {
  answerReport,
  applyCheckResults,
  disputeInTransaction,
  dueDateFor,
  loadDueWorkingDays,
  reassignTicket,
  transitionTicket,
  TicketRow,
} from '../../server/services/tickets';
import { recordAndAudit } from '../../server/services/tickets/events';
import { issueApiToken, toCurrentUser, UserRow } from '../../server/services/users';
import { MONDAY, reportBody, useReportsWorld } from '../factories/reports';
import { buildTicket, checkResult, exampleCalendar, exampleCatalog } from '../factories/tickets';
import { signIn } from '../helpers/app';

/**
 * The migration for tickets reassigned before a reassignment handed the new department an open
 * ticket (0c0dbfe): they kept the previous department's `fixed` or `acknowledged`. The rows are built
 * here as the reassignment of that time left them.
 */
const catalog = exampleCatalog();
const calendar = exampleCalendar(catalog);
// March 2026 has no holidays: working days are Monday to Friday.
const TUESDAY = new Date('2026-03-03T02:00:00Z');
const WEDNESDAY = new Date('2026-03-04T02:00:00Z');
/** When the migration runs: Monday 2026-03-09. 5 working days (medium) from then: 03-10, 11, 12, 13, 16. */
const CORRECTED = new Date('2026-03-09T02:00:00Z');
const FRESH_DUE = '2026-03-16';

let db: Knex;
let reporterToken: string;
const user = async (p: { id: number }): Promise<CurrentUser> =>
  toCurrentUser((await db('users').where({ id: p.id }).first()) as UserRow);

const world = useReportsWorld({
  setup: async () => {
    db = world.db;
    await migrateToLatest(db);
    reporterToken = await issueApiToken(db, world.people.reporter.id);
  },
});

/**
 * A reassignment as `reassignTicket` made it before 0c0dbfe: the department changes, the dispute,
 * escalation and reminder are cleared and the due date is counted afresh, but the status, the re-check
 * request and a report ticket's `fixed_at`/`confirmed_at` stay; only the answer is cleared. The history
 * row has no from/to status.
 */
async function reassignTheOldWay(ticketId: number, department: string, at: Date): Promise<void> {
  const office = await user(world.people.office);
  await db.transaction(async (trx) => {
    const current = (await trx('tickets').where({ id: ticketId }).forUpdate().first()) as TicketRow;
    const dueAt = dueDateFor(calendar, at, current.severity, await loadDueWorkingDays(trx));
    const [updated] = (await trx('tickets')
      .where({ id: ticketId })
      .update({
        department_code: department,
        disputed_at: null,
        escalated_at: null,
        reminded_at: null,
        due_at: dueAt,
        version: current.version + 1,
        updated_at: at,
      })
      .returning('*')) as TicketRow[];
    const state = await trx('report_tickets').where({ ticket_id: ticketId }).first('answer');
    if (state?.answer)
      await trx('report_tickets')
        .where({ ticket_id: ticketId })
        .update({ answer: null, answer_comment: null, answer_document_id: null, answered_at: null, updated_at: at });
    await recordAndAudit(trx, updated, 'ticket.reassign', {
      kind: 'reassigned',
      at,
      actor: office,
      comment: '一数一源：改派',
      details: {
        from_department: current.department_code,
        to_department: department,
        due_at: dueAt,
        cleared_answer: state?.answer ?? undefined,
      },
    });
  });
}

const ticketOf = (id: number): Promise<TicketRow> => db('tickets').where({ id }).first();
const stateOf = (id: number) => db('report_tickets').where({ ticket_id: id }).first();
const eventsOf = (id: number) => db('ticket_events').where({ ticket_id: id }).orderBy('id');
const count = async (table: string) => Number((await db(table).count({ n: '*' }).first())!.n);

/** A report on a staff member's political status (ORG's field), fixed by ORG on Monday. */
async function fixedReportTicket(staffNo: string, description: string): Promise<{ reportId: number; ticketId: number }> {
  const res = await request(world.app)
    .post('/api/v1/reports')
    .set('Authorization', `Bearer ${reporterToken}`)
    .send(reportBody({ description, record_key: { staff_no: staffNo } }));
  expect(res.status).toBe(201);
  await answerReport(db, {
    ticketId: res.body.ticket_id,
    answer: 'fixed',
    actor: await user(world.people.orgSteward),
    comment: '已更正',
    now: MONDAY,
  });
  return { reportId: res.body.id, ticketId: res.body.ticket_id };
}

describe('the migration for tickets that kept their status through a reassignment', () => {
  let fixedCheck: TicketRow;
  let acknowledgedCheck: TicketRow;
  let fixedReport: { reportId: number; ticketId: number };
  let disputedReport: { reportId: number; ticketId: number };
  const untouched: Record<string, number> = {};
  let before: Record<number, TicketRow>;

  beforeAll(async () => {
    const hr = await user(world.people.hrSteward);
    const org = await user(world.people.orgSteward);

    // HR marks a check ticket fixed (re-check requested), the IT office reassigns it to ORG the old way.
    fixedCheck = await buildTicket(db, catalog, MONDAY, { field: 'political_status', check: 'codes' });
    await transitionTicket(db, { ticketId: fixedCheck.id, to: 'fixed', actor: hr, now: MONDAY });
    await reassignTheOldWay(fixedCheck.id, 'ORG', TUESDAY);

    // HR acknowledges one, reassigned the old way; ORG was then reminded and escalated on the old due date.
    acknowledgedCheck = await buildTicket(db, catalog, MONDAY, { field: 'political_status', check: 'required' });
    await transitionTicket(db, { ticketId: acknowledgedCheck.id, to: 'acknowledged', actor: hr, now: MONDAY });
    await reassignTheOldWay(acknowledgedCheck.id, 'ORG', TUESDAY);
    await db('tickets').where({ id: acknowledgedCheck.id }).update({ reminded_at: WEDNESDAY, escalated_at: WEDNESDAY });

    // A report ticket ORG answered fixed on Monday, reassigned to HR the old way: its fix still waits for confirmation.
    fixedReport = await fixedReportTicket('20190001', '政治面貌应为中共党员');
    await reassignTheOldWay(fixedReport.ticketId, 'HR', TUESDAY);

    // The same, and HR said "not ours" on Wednesday (allowed from fixed): HR's answer and dispute stay. Recorded as the
    // code of that time recorded it — the status left at "fixed" (a "not ours" now sets the fix aside: not-ours.ts).
    disputedReport = await fixedReportTicket('20190002', '政治面貌应为共青团员');
    await reassignTheOldWay(disputedReport.ticketId, 'HR', TUESDAY);
    await db.transaction((trx) =>
      disputeInTransaction(
        trx,
        { ticketId: disputedReport.ticketId, actor: hr, reason: '政治面貌由组织部维护', now: WEDNESDAY, reportAnswer: true },
        (ticket, reason, now) =>
          trx('report_tickets')
            .where({ ticket_id: ticket.id })
            .update({ answer: 'not_ours', answer_comment: reason, answered_at: now, updated_at: now })
            .then(() => undefined),
      ),
    );

    // Left alone: ORG's own fix after an old-way reassignment from open…
    const ownFix = await buildTicket(db, catalog, MONDAY, { field: 'political_status', check: 'pattern' });
    await reassignTheOldWay(ownFix.id, 'ORG', TUESDAY);
    await transitionTicket(db, { ticketId: ownFix.id, to: 'fixed', actor: org, now: WEDNESDAY });
    untouched.ownFix = ownFix.id;
    // …a ticket reassigned the current way and then acknowledged by ORG…
    const current = await buildTicket(db, catalog, MONDAY, { field: 'political_status', check: 'validate' });
    await transitionTicket(db, { ticketId: current.id, to: 'fixed', actor: hr, now: MONDAY });
    await reassignTicket(db, {
      ticketId: current.id,
      actor: await user(world.people.office),
      department: 'ORG',
      reason: '改派',
      calendar,
      now: TUESDAY,
    });
    await transitionTicket(db, { ticketId: current.id, to: 'acknowledged', actor: org, now: WEDNESDAY });
    untouched.current = current.id;
    // …one whose re-check failed after the old-way reassignment, then acknowledged by ORG…
    const rechecked = await buildTicket(db, catalog, MONDAY, { field: 'political_status', check: 'unique' });
    await transitionTicket(db, { ticketId: rechecked.id, to: 'fixed', actor: hr, now: MONDAY });
    await reassignTheOldWay(rechecked.id, 'ORG', TUESDAY);
    await applyCheckResults(db, {
      runId: 'recheck',
      results: [checkResult({ field: 'political_status', check: 'unique' })],
      catalog,
      calendar,
      now: WEDNESDAY,
    });
    await transitionTicket(db, { ticketId: rechecked.id, to: 'acknowledged', actor: org, now: WEDNESDAY });
    untouched.rechecked = rechecked.id;
    // …one a passing run resolved after the old-way reassignment, and a fixed one never reassigned.
    const resolved = await buildTicket(db, catalog, MONDAY, { field: 'political_status', check: 'references' });
    await transitionTicket(db, { ticketId: resolved.id, to: 'fixed', actor: hr, now: MONDAY });
    await reassignTheOldWay(resolved.id, 'ORG', TUESDAY);
    await applyCheckResults(db, {
      runId: 'pass',
      results: [checkResult({ field: 'political_status', check: 'references', passed: true })],
      catalog,
      calendar,
      now: WEDNESDAY,
    });
    untouched.resolved = resolved.id;
    const notReassigned = await buildTicket(db, catalog, MONDAY, { field: 'staff_no', check: 'required' });
    await transitionTicket(db, { ticketId: notReassigned.id, to: 'fixed', actor: hr, now: MONDAY });
    untouched.notReassigned = notReassigned.id;

    // As the old reassignment left them: the old department's status, its re-check request and its fix.
    expect(await ticketOf(fixedCheck.id)).toMatchObject({ department_code: 'ORG', status: 'fixed', due_at: '2026-03-10' });
    expect((await ticketOf(fixedCheck.id)).recheck_requested_at).not.toBeNull();
    expect(await ticketOf(fixedReport.ticketId)).toMatchObject({ department_code: 'HR', status: 'fixed' });
    expect(await stateOf(fixedReport.ticketId)).toMatchObject({ answer: null, fixed_at: MONDAY });

    before = {};
    for (const id of Object.values(untouched)) before[id] = await ticketOf(id);
    expect(Object.values(before).map((x) => x.status)).toEqual(['fixed', 'acknowledged', 'acknowledged', 'resolved', 'fixed']);
  });

  it('puts each back to open for the new department with a fresh due date, and says why in the history and the audit log', async () => {
    expect([(await ticketOf(fixedCheck.id)).status, (await ticketOf(acknowledgedCheck.id)).status]).toEqual([
      'fixed',
      'acknowledged',
    ]);
    const auditBefore = await count('audit_log');

    const corrected = await reopenInheritedStatuses(db, CORRECTED);
    expect(corrected).toEqual([fixedCheck.id, acknowledgedCheck.id, fixedReport.ticketId, disputedReport.ticketId]);

    for (const [ticket, from, department] of [
      [fixedCheck.id, 'fixed', 'ORG'],
      [acknowledgedCheck.id, 'acknowledged', 'ORG'],
      [fixedReport.ticketId, 'fixed', 'HR'],
      [disputedReport.ticketId, 'fixed', 'HR'],
    ] as const) {
      const row = await ticketOf(ticket);
      expect(row).toMatchObject({
        department_code: department,
        status: 'open',
        due_at: FRESH_DUE,
        recheck_requested_at: null,
        escalated_at: null,
        reminded_at: null,
      });
      const events = await eventsOf(ticket);
      const last = events[events.length - 1];
      const reassigned = events.filter((e) => e.kind === 'reassigned').pop();
      expect(last).toMatchObject({ kind: 'transition', actor_user_id: null, from_status: from, to_status: 'open' });
      expect(last.comment).toBe(
        `系统更正：本工单于 2026-03-03 改派给现责任单位时沿用了原责任单位的「${from === 'fixed' ? '已整改待复查' : '已确认'}」状态。` +
          `改派应交给新责任单位一张待处理的工单，原单位的${from === 'fixed' ? '整改' : '确认'}不代表现责任单位的处理，` +
          `现改为待处理，整改期限重新计算为 ${FRESH_DUE}。`,
      );
      expect(last.details).toMatchObject({
        reason: 'reassignment_correction',
        reassigned_event_id: Number(reassigned.id),
        reassigned_at: TUESDAY.toISOString(),
        from_department: department === 'ORG' ? 'HR' : 'ORG',
        due_at: FRESH_DUE,
      });
      expect(new Date(last.at).toISOString()).toBe(CORRECTED.toISOString());
      const audit = await db('audit_log')
        .where({ object_type: 'ticket', object_id: String(ticket), action: 'ticket.reassignment_corrected' })
        .select('actor_user_id', 'summary');
      expect(audit).toEqual([
        {
          actor_user_id: null,
          summary: expect.objectContaining({ kind: 'transition', from, to: 'open', department, due_at: FRESH_DUE }),
        },
      ]);
    }
    expect(await count('audit_log')).toBe(auditBefore + 4);
    expect((await verifyAuditChain(db)).ok).toBe(true);

    // The fixes set aside: HR's re-check request, ORG's answered fix (its time in the history).
    expect((await eventsOf(fixedCheck.id)).pop().details.cleared_fix).toBe(MONDAY.toISOString());
    expect((await eventsOf(acknowledgedCheck.id)).pop().details.cleared_fix).toBeUndefined();
    expect((await eventsOf(fixedReport.ticketId)).pop().details.cleared_fix).toBe(MONDAY.toISOString());

    // Report tickets: no fix waits for confirmation; the first answer stays for the scorecards, and
    // HR's own "not ours" after the reassignment stays with its dispute.
    const fixedState = await stateOf(fixedReport.ticketId);
    expect(fixedState).toMatchObject({ answer: null, answered_at: null, fixed_at: null, confirmed_at: null });
    expect(new Date(fixedState.first_answered_at).toISOString()).toBe(MONDAY.toISOString());
    const disputedState = await stateOf(disputedReport.ticketId);
    expect(disputedState).toMatchObject({ answer: 'not_ours', answer_comment: '政治面貌由组织部维护', fixed_at: null });
    expect(new Date((await ticketOf(disputedReport.ticketId)).disputed_at!).toISOString()).toBe(WEDNESDAY.toISOString());

    // Everything else is as it was.
    for (const id of Object.values(untouched)) expect(await ticketOf(id)).toEqual(before[id]);
  });

  it('leaves the confirmation job nothing to resolve on the old fix, and tells the reporter', async () => {
    // Monday 03-16: well past 5 working days after ORG's fix of 03-02.
    const run = await runConfirmations(world.ctx, { now: new Date('2026-03-16T02:00:00Z') });
    expect(run.resolved).toEqual([]);
    expect((await ticketOf(fixedReport.ticketId)).status).toBe('open');
    const told = await db('notifications')
      .where({ user_id: world.people.reporter.id, kind: 'report.transition', link: `/reports/${fixedReport.reportId}` })
      .orderBy('id');
    expect(told.map((n) => n.title)).toEqual([`【数据纠错】您的报告 #${fixedReport.reportId}：状态变更为“待处理”`]);
    expect(told[0].body).toContain('现改为待处理，整改期限重新计算为 2026-03-16');
  });

  it("offers the new department its ticket's actions again", async () => {
    const s = await signIn(world.app, world.people.orgSteward.login, world.people.orgSteward.password);
    const page = await s.agent.get(`/tickets/${fixedCheck.id}`).expect(200);
    expect(page.text).toContain('value="acknowledged"');
    expect(page.text).toContain('value="fixed"');
    expect(page.text).toContain('系统更正：本工单于 2026-03-03 改派给现责任单位时沿用了原责任单位的「已整改待复查」状态。');
  });

  it("runs as a migration: in the migrator's transaction, on the day it is applied", async () => {
    const late = await buildTicket(db, catalog, MONDAY, { field: 'political_status', check: 'deadline' });
    await transitionTicket(db, { ticketId: late.id, to: 'acknowledged', actor: await user(world.people.hrSteward), now: MONDAY });
    await reassignTheOldWay(late.id, 'ORG', TUESDAY);
    await db('knex_migrations').where({ name: '20261203200000_reopen_statuses_inherited_on_reassignment' }).delete();
    expect(await migrateToLatest(db)).toEqual(['20261203200000_reopen_statuses_inherited_on_reassignment']);
    const row = await ticketOf(late.id);
    const last = (await eventsOf(late.id)).pop();
    expect([row.status, last.kind, last.from_status, last.to_status]).toEqual(['open', 'transition', 'acknowledged', 'open']);
    // Counted from today (the real clock): after today, and what the history says.
    expect(row.due_at > new Date().toISOString().slice(0, 10)).toBe(true);
    expect(last.details.due_at).toBe(row.due_at);
  });

  it('changes nothing when run again (as the migration, on any day)', async () => {
    const snapshot = async () => ({
      tickets: await db('tickets').orderBy('id'),
      events: await count('ticket_events'),
      audit: await count('audit_log'),
      states: await db('report_tickets').orderBy('ticket_id'),
    });
    const was = await snapshot();
    expect(await reopenInheritedStatuses(db, new Date('2026-03-20T02:00:00Z'))).toEqual([]);
    await db.transaction((trx) => reopenInheritedStatusesMigration(trx));
    expect(await snapshot()).toEqual(was);
  });
});
