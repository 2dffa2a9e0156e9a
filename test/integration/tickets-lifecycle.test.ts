import type { Knex } from 'knex';
import { migrateToLatest } from '../../server/db/migrate';
import type { CurrentUser } from '../../server/policies';
import type { AppError } from '../../server/errors';
import { translate } from '../../server/i18n';
import {
  answerReport,
  applyCheckResults,
  commentTicket,
  disputeTicket,
  escalateOverdueTickets,
  fileReport,
  reassignTicket,
  remindDueTickets,
  transitionTicket,
  TicketRow,
} from '../../server/services/tickets';
import { buildUser } from '../factories';
import { buildTicket, checkResult, exampleCalendar, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestDatabase, TestDatabase } from '../helpers/database';

const catalog = exampleCatalog();
const calendar = exampleCalendar(catalog);
/** 2026-09-30 10:00 in Shanghai, a Wednesday before National Day. */
const T0 = new Date('2026-09-30T02:00:00Z');
const days = (n: number, from = T0) => new Date(from.getTime() + n * 86_400_000);

describe('tickets from check results', () => {
  let tdb: TestDatabase;
  let db: Knex;
  let steward: CurrentUser;

  /** A new IT-office account, as the services receive the signed-in user. */
  async function itOfficeUser(): Promise<CurrentUser> {
    const row = await buildUser(db, { department: 'ITC', roles: ['it_office'] });
    return { id: row.id, login: row.login, name: row.name, department: 'ITC', roles: ['it_office'], locale: 'zh-CN' };
  }

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = tdb.knex;
    await migrateToLatest(db);
    await seedCatalogDepartments(db, catalog);
    const row = await buildUser(db, { department: 'HR', roles: ['steward'] });
    steward = { id: row.id, login: row.login, name: row.name, department: 'HR', roles: ['steward'], locale: 'zh-CN' };
  });
  afterAll(() => tdb.close());
  beforeEach(async () => {
    await db('ticket_events').delete();
    await db('tickets').delete();
  });

  const apply = (results: Parameters<typeof checkResult>[0][], now: Date, runId = 'r') =>
    applyCheckResults(db, { runId, results: results.map((r) => checkResult(r)), catalog, calendar, now });
  const all = (): Promise<TicketRow[]> => db('tickets').orderBy('id');

  it('keeps one ticket over repeated failing runs and updates it instead of filing another', async () => {
    await apply([{ violations: 3 }], T0, 'r1');
    await apply([{ violations: 5, sampleKeys: [{ staff_no: '20200001' }] }], days(1), 'r2');
    await apply([{ violations: 5 }], days(2), 'r3');
    const tickets = await all();
    expect(tickets).toHaveLength(1);
    const [t] = tickets;
    expect(t).toMatchObject({
      status: 'open',
      occurrences: 3,
      violations: 5,
      department_code: 'HR',
      check_kind: 'deadline',
      field_name: 'staff_no',
      last_run_id: 'r3',
    });
    expect(t.first_seen.toISOString()).toBe(T0.toISOString());
    expect(t.last_seen.toISOString()).toBe(days(2).toISOString());
    expect(t.message).toBe('教职工基本信息·职工号：5 条在职记录在报到 7 天后仍未填写');
    // History: filed, then one "updated" for the change 3 → 5; the unchanged third run adds none.
    const events = await db('ticket_events').where({ ticket_id: t.id }).orderBy('id');
    expect(events.map((e) => e.kind)).toEqual(['filed', 'updated']);
    expect(events[1].details).toMatchObject({ violations: { from: 3, to: 5 } });
  });

  it('leaves one active ticket with 50 occurrences after 50 concurrent failure applications', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => apply([{ violations: 3 }], T0, `c${i}`)));
    const tickets = await all();
    expect(tickets).toHaveLength(1);
    expect(tickets[0].status).toBe('open');
    expect(tickets[0].occurrences).toBe(50);
    expect(await db('ticket_events').where({ kind: 'filed' }).count({ n: '*' }).first()).toEqual({ n: 1 });
  });

  it('refuses a second active ticket for one fingerprint at the database level', async () => {
    const t = await buildTicket(db, catalog, T0);
    const { id: _id, ...copy } = t;
    await expect(
      db('tickets').insert({ ...copy, sample_keys: JSON.stringify(copy.sample_keys), status: 'acknowledged' }),
    ).rejects.toThrow(/tickets_one_active_per_fingerprint/);
  });

  it('files high/medium/low due dates in working days across National Day 2026', async () => {
    await apply(
      [
        { check: 'deadline', field: 'staff_no', severity: 'medium' },
        { check: 'validate', field: 'id_card', severity: 'high' },
        { check: 'validate', field: 'email', severity: 'low' },
      ],
      T0,
    );
    const due = Object.fromEntries((await all()).map((t) => [t.severity, t.due_at]));
    // Holidays 10-01…10-07, make-up working Saturday 10-10, Sunday 10-11 off (chinese-days 2026).
    // medium 5wd: 10-08, 10-09, 10-10, 10-12, 10-13. high 3wd: 10-08, 10-09, 10-10.
    // low 10wd: … 10-13, 10-14, 10-15, 10-16, 10-19 (17/18 weekend), 10-20.
    expect(due).toEqual({ medium: '2026-10-13', high: '2026-10-10', low: '2026-10-20' });
  });

  it('uses the due working days set by the IT office', async () => {
    await db('settings').insert({ key: 'tickets.due_working_days', value: JSON.stringify({ high: 1, medium: 2, low: 4 }) });
    try {
      await apply([{ severity: 'medium' }], T0);
      expect((await all())[0].due_at).toBe('2026-10-09');
    } finally {
      await db('settings').where({ key: 'tickets.due_working_days' }).delete();
    }
  });

  it('resolves an active ticket from any active status when the check passes', async () => {
    await apply([{ field: 'staff_no' }, { field: 'name' }, { field: 'gender' }], T0);
    const [a, b] = await all();
    await transitionTicket(db, { ticketId: a.id, to: 'acknowledged', actor: steward, now: days(1) });
    await transitionTicket(db, { ticketId: b.id, to: 'fixed', actor: steward, now: days(1) });
    const summary = await apply(
      [
        { field: 'staff_no', passed: true },
        { field: 'name', passed: true },
        { field: 'gender', passed: true },
      ],
      days(2),
    );
    expect(summary.resolved).toHaveLength(3);
    for (const t of await all()) {
      expect(t.status).toBe('resolved');
      expect(t.resolved_at?.toISOString()).toBe(days(2).toISOString());
    }
    const resolvedEvents = await db('ticket_events').where({ kind: 'transition', to_status: 'resolved' }).orderBy('ticket_id');
    expect(resolvedEvents.map((e) => e.from_status)).toEqual(['acknowledged', 'fixed', 'open']);
  });

  it('touches nothing for tables absent from the results (their check errored)', async () => {
    const t = await buildTicket(db, catalog, T0);
    await apply([{ table: 'student_status', field: 'student_no', department: 'STU', check: 'required', passed: true }], days(1));
    expect((await all()).map((x) => [x.id, x.status])).toEqual([[t.id, 'open']]);
  });

  it('reopens the same ticket when the check fails again within 30 days of resolution', async () => {
    const t = await buildTicket(db, catalog, T0);
    await apply([{ passed: true }], days(1));
    await apply([{ violations: 2 }], days(31)); // 30 days after the resolution
    const tickets = await all();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ id: t.id, status: 'open', reopened: 1, occurrences: 2, violations: 2, resolved_at: null });
    // Due date restarts from the reopening day: 2026-10-31 (Sat) + 5wd = 11-02 … 11-06.
    expect(tickets[0].due_at).toBe('2026-11-06');
    const kinds = (await db('ticket_events').where({ ticket_id: t.id }).orderBy('id')).map((e) => e.kind);
    expect(kinds).toEqual(['filed', 'transition', 'reopened']);
  });

  it('files a new ticket when the check fails more than 30 days after resolution', async () => {
    const t = await buildTicket(db, catalog, T0);
    await apply([{ passed: true }], days(1));
    await apply([{ violations: 2 }], days(32));
    const tickets = await all();
    expect(tickets.map((x) => [x.id === t.id, x.status, x.reopened])).toEqual([
      [true, 'resolved', 0],
      [false, 'open', 0],
    ]);
  });

  it('sends a "fixed" ticket back to open when a run after the re-check request still fails', async () => {
    const rechecked: string[] = [];
    const t = await buildTicket(db, catalog, T0);
    await transitionTicket(db, {
      ticketId: t.id,
      to: 'fixed',
      actor: steward,
      now: days(1),
      requestRecheck: (table) => void rechecked.push(table),
    });
    expect(rechecked).toEqual(['staff_basic']);
    // A run that started before the department said "fixed" does not count against it.
    await apply([{ violations: 3 }], new Date(days(1).getTime() - 60_000));
    expect((await all())[0].status).toBe('fixed');
    await apply([{ violations: 1 }], days(1.1));
    const [after] = await all();
    expect(after).toMatchObject({ id: t.id, status: 'open', violations: 1 });
    expect(await db('ticket_events').where({ ticket_id: t.id, from_status: 'fixed', to_status: 'open' })).toHaveLength(1);
  });

  it("a form left open across a check run, a reminder and an escalation still goes through; a person's change makes it stale", async () => {
    await apply([{ violations: 3 }], T0, 'r1');
    const [shown] = await all();
    // The hourly run still finds the problem (with other figures); the reminder and the escalation are sent.
    await apply([{ violations: 4, sampleKeys: [{ staff_no: '20200009' }] }], days(0.1), 'r2');
    // Due 2026-10-13 (medium, 5 working days): reminded on the working day before.
    await remindDueTickets(db, { calendar, now: new Date('2026-10-12T02:00:00Z') });
    await escalateOverdueTickets(db, { calendar, now: days(30) });
    const [refreshed] = await all();
    expect(refreshed).toMatchObject({ violations: 4, occurrences: 2, version: shown.version });
    expect(refreshed.reminded_at).not.toBeNull();
    expect(refreshed.escalated_at).not.toBeNull();
    const acknowledged = await transitionTicket(db, {
      ticketId: shown.id,
      to: 'acknowledged',
      actor: steward,
      expectedVersion: shown.version,
      now: days(30),
    });
    expect(acknowledged.status).toBe('acknowledged');
    // A comment by the IT office is something the page did not show: the form shown before it is stale.
    await commentTicket(db, { ticketId: shown.id, actor: await itOfficeUser(), comment: '请尽快', now: days(30) });
    const stale = transitionTicket(db, {
      ticketId: shown.id,
      to: 'fixed',
      actor: steward,
      expectedVersion: acknowledged.version,
      now: days(30),
    });
    await expect(stale).rejects.toMatchObject({ status: 409, messageKey: 'tickets.errors.stale' });
    expect((await all())[0].status).toBe('acknowledged');
  });

  it('keeps a closed ticket quiet while the check keeps failing, and files anew after it has passed once', async () => {
    const office = await buildUser(db, { department: 'ITC', roles: ['it_office'] });
    const actor: CurrentUser = {
      id: office.id,
      login: office.login,
      name: office.name,
      department: 'ITC',
      roles: ['it_office'],
      locale: 'zh-CN',
    };
    const t = await buildTicket(db, catalog, T0);
    await transitionTicket(db, { ticketId: t.id, to: 'closed', actor, comment: '历史数据，不予整改', now: days(1) });
    await apply([{ violations: 3 }], days(2));
    expect(await all()).toHaveLength(1);
    await apply([{ passed: true }], days(3));
    await apply([{ violations: 4 }], days(4));
    const tickets = await all();
    expect(tickets.map((x) => x.status)).toEqual(['closed', 'open']);
  });

  it('keeps a reassigned ticket as the one the next failing run updates, with history and audit of the dispute and reassignment', async () => {
    const office = await itOfficeUser();
    const t = await buildTicket(db, catalog, T0, { field: 'political_status', check: 'codes' });
    await disputeTicket(db, { ticketId: t.id, actor: steward, reason: '政治面貌由组织部维护', now: days(1) });
    await expect(
      reassignTicket(db, { ticketId: t.id, actor: steward, department: 'ORG', reason: 'x', calendar, now: days(1) }),
    ).rejects.toMatchObject({ status: 403 });
    const moved = await reassignTicket(db, {
      ticketId: t.id,
      actor: office,
      department: 'ORG',
      reason: '一数一源：组织部负责',
      calendar,
      now: days(2),
    });
    // Reassigned on 2026-10-02 (holiday): 5 working days from then is 10-13 again (10-08 … 10-13).
    expect(moved).toMatchObject({ department_code: 'ORG', disputed_at: null, due_at: '2026-10-13' });
    await apply([{ field: 'political_status', check: 'codes', violations: 7 }], days(3));
    const tickets = await all();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ id: t.id, department_code: 'ORG', violations: 7, occurrences: 2 });
    const kinds = (await db('ticket_events').where({ ticket_id: t.id }).orderBy('id')).map((e) => e.kind);
    expect(kinds).toEqual(['filed', 'disputed', 'reassigned', 'updated']);
    const audit = await db('audit_log')
      .where({ object_type: 'ticket', object_id: String(t.id) })
      .orderBy('seq');
    expect(audit.map((a) => a.action)).toEqual(['ticket.file', 'ticket.dispute', 'ticket.reassign']);
    // The HR steward no longer sees it; comments need a visible ticket, and one they may not see is as missing.
    await expect(commentTicket(db, { ticketId: t.id, actor: steward, comment: '补充说明' })).rejects.toMatchObject({
      status: 404,
      messageKey: 'tickets.errors.notFoundOrNotYours',
    });
  });

  it("takes comments from the ticket's department and the IT office, not from a university leader who only reads it", async () => {
    const t = await buildTicket(db, catalog, T0);
    const row = await buildUser(db, { department: 'XXB', roles: ['univ_leader'] });
    const leader: CurrentUser = {
      ...steward,
      id: row.id,
      login: row.login,
      name: row.name,
      department: 'XXB',
      roles: ['univ_leader'],
    };
    const refused = commentTicket(db, { ticketId: t.id, actor: leader, comment: '请加快进度', now: days(1) });
    await expect(refused).rejects.toMatchObject({ status: 403, messageKey: 'tickets.errors.commentForbidden' });
    await commentTicket(db, { ticketId: t.id, actor: steward, comment: '正在核对', now: days(1) });
    await commentTicket(db, { ticketId: t.id, actor: await itOfficeUser(), comment: '请本周内完成', now: days(1) });
    const events = await db('ticket_events').where({ ticket_id: t.id, kind: 'comment' }).orderBy('id');
    expect(events.map((e) => e.comment)).toEqual(['正在核对', '请本周内完成']);
    expect((await db('tickets').where({ id: t.id }).first()).version).toBe(t.version + 2);
  });

  it('adds a comment sent twice once; the same words again later, or after another event, are a new comment', async () => {
    const t = await buildTicket(db, catalog, T0, { field: 'research_area', check: 'required' });
    const at = (minutes: number) => new Date(days(1).getTime() + minutes * 60_000);
    const comment = (text: string, minutes: number) =>
      commentTicket(db, { ticketId: t.id, actor: steward, comment: text, now: at(minutes) });
    // A double click: both sends at once, and a resend a minute later.
    await Promise.all([comment('已通知各学院填写', 0), comment('已通知各学院填写', 0)]);
    await comment(' 已通知各学院填写 ', 1);
    const comments = async () =>
      (await db('ticket_events').where({ ticket_id: t.id, kind: 'comment' }).orderBy('id')).map((e) => e.comment);
    expect(await comments()).toEqual(['已通知各学院填写']);
    // Someone else's comment in between, or the same words much later: said again, recorded again.
    await commentTicket(db, { ticketId: t.id, actor: await itOfficeUser(), comment: '收到', now: at(2) });
    await comment('已通知各学院填写', 3);
    await comment('已通知各学院填写', 3 + 60);
    expect(await comments()).toEqual(['已通知各学院填写', '收到', '已通知各学院填写', '已通知各学院填写']);
  });

  it('hands the new department an open ticket whichever active status it had: the old fix and its re-check set aside', async () => {
    const office = await itOfficeUser();
    // HR says it fixed the political status (a re-check is requested), then that it is not HR's data.
    const fixed = await buildTicket(db, catalog, T0, { field: 'political_status', check: 'codes' });
    const fixedAt = new Date(T0.getTime() + 3_600_000);
    await transitionTicket(db, { ticketId: fixed.id, to: 'fixed', actor: steward, now: fixedAt });
    await disputeTicket(db, { ticketId: fixed.id, actor: steward, reason: '政治面貌由组织部维护', now: days(1) });
    // And an acknowledged one: HR's "we are on it" is not ORG's.
    const acknowledged = await buildTicket(db, catalog, T0, { field: 'political_status', check: 'required' });
    await transitionTicket(db, { ticketId: acknowledged.id, to: 'acknowledged', actor: steward, now: fixedAt });

    // Reassigned on 2026-10-02 (holiday): 5 working days from then is 10-13 (10-08, 09, 10 (make-up day), 12, 13).
    for (const [t, from] of [
      [fixed, 'fixed'],
      [acknowledged, 'acknowledged'],
    ] as const) {
      const moved = await reassignTicket(db, {
        ticketId: t.id,
        actor: office,
        department: 'ORG',
        reason: '一数一源：组织部负责',
        calendar,
        now: days(2),
      });
      expect(moved).toMatchObject({
        department_code: 'ORG',
        status: 'open',
        due_at: '2026-10-13',
        recheck_requested_at: null,
        disputed_at: null,
      });
      const event = await db('ticket_events').where({ ticket_id: t.id, kind: 'reassigned' }).first();
      expect([event.from_status, event.to_status]).toEqual([from, 'open']);
      const audit = await db('audit_log')
        .where({ object_type: 'ticket', object_id: String(t.id), action: 'ticket.reassign' })
        .first();
      expect(audit.summary).toMatchObject({
        from,
        to: 'open',
        from_department: 'HR',
        to_department: 'ORG',
        due_at: '2026-10-13',
      });
      if (from === 'fixed') {
        expect(event.details.cleared_fix).toBe(fixedAt.toISOString());
        expect(audit.summary.cleared_fix).toBe(fixedAt.toISOString());
      } else expect(event.details.cleared_fix).toBeUndefined();
    }

    // ORG can work on both; a failing run is an update of ORG's open ticket, not HR's failed re-check.
    const org = await buildUser(db, { department: 'ORG', roles: ['steward'] });
    const orgSteward: CurrentUser = {
      id: org.id,
      login: org.login,
      name: org.name,
      department: 'ORG',
      roles: ['steward'],
      locale: 'zh-CN',
    };
    await apply([{ field: 'political_status', check: 'codes', department: 'HR', violations: 3 }], days(3));
    expect((await db('tickets').where({ id: fixed.id }).first()).status).toBe('open');
    expect((await db('ticket_events').where({ ticket_id: fixed.id }).orderBy('id')).map((e) => e.kind)).toEqual([
      'filed',
      'transition',
      'disputed',
      'reassigned',
    ]);
    await transitionTicket(db, { ticketId: acknowledged.id, to: 'acknowledged', actor: orgSteward, now: days(3) });
    await transitionTicket(db, { ticketId: fixed.id, to: 'fixed', actor: orgSteward, now: days(3) });
  });

  it('refuses illegal transitions with a conflict and a missing closing reason as invalid input', async () => {
    const office = await itOfficeUser();
    const t = await buildTicket(db, catalog, T0);
    await transitionTicket(db, { ticketId: t.id, to: 'fixed', actor: steward, now: days(1) });
    await expect(transitionTicket(db, { ticketId: t.id, to: 'acknowledged', actor: steward })).rejects.toMatchObject({
      status: 409,
    });
    await expect(transitionTicket(db, { ticketId: t.id, to: 'closed', actor: office, comment: '' })).rejects.toMatchObject({
      status: 422,
      fields: [{ field: 'comment' }],
    });
    await apply([{ passed: true }], days(2));
    await expect(
      transitionTicket(db, { ticketId: t.id, to: 'closed', actor: office, comment: '无需处理' }),
    ).rejects.toMatchObject({ status: 409 });
    expect((await all())[0].status).toBe('resolved');
  });

  it('names the ticket and its status in every refusal for its status, report answers included', async () => {
    const zh = (err: unknown) => {
      const e = err as AppError;
      return translate('zh-CN', e.messageKey, e.params);
    };
    const t = await buildTicket(db, catalog, T0);
    await transitionTicket(db, { ticketId: t.id, to: 'fixed', actor: steward, now: days(1) });
    const illegal = await transitionTicket(db, { ticketId: t.id, to: 'acknowledged', actor: steward }).catch((e) => e);
    expect(zh(illegal)).toBe(`工单 #${t.id} 当前为“fixed”，不能变更为“acknowledged”`);

    const report = await db.transaction((trx) =>
      fileReport(trx, {
        table: 'staff_basic',
        field: 'political_status',
        department: 'HR',
        recordKey: { staff_no: '20190001' },
        severity: 'medium',
        message: '教职工基本信息·政治面貌：数据使用者报告记录（职工号 20190001）有误',
        messageEn: '教职工基本信息·政治面貌: a data user reported the record (职工号 20190001) as wrong',
        sampleKey: { staff_no: '20190001' },
        reportId: 1,
        description: '应为中共党员',
        suggestedValue: null,
        audited: { description: '应为中共党员', suggestedValue: null },
        actor: steward,
        calendar,
        now: T0,
      }),
    );
    await answerReport(db, { ticketId: report.ticket.id, answer: 'fixed', actor: steward, now: days(1) });
    // Another answer (the same one again is done already: AlreadyDoneError, qa-reports-double-submit).
    const again = await answerReport(db, { ticketId: report.ticket.id, answer: 'not_error', actor: steward }).catch((e) => e);
    expect(again).toMatchObject({ status: 409 });
    expect(zh(again)).toBe(`工单 #${report.ticket.id} 当前为“fixed”，不能变更为“not_error”`);
  });

  it('writes every automatic filing, resolution and reopening to the audit log', async () => {
    const before = Number((await db('audit_log').count({ n: '*' }).first())!.n);
    const t = await buildTicket(db, catalog, T0);
    await apply([{ passed: true }], days(1));
    await apply([{ violations: 1 }], days(2));
    const rows = await db('audit_log')
      .where('seq', '>', before)
      .andWhere({ object_type: 'ticket', object_id: String(t.id) })
      .orderBy('seq');
    expect(rows.map((r) => r.action)).toEqual(['ticket.file', 'ticket.resolve', 'ticket.reopen']);
  });
});
