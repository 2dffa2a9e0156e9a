import { computePeriodResults, DEFAULT_WEIGHTS, scoreOf, snapshotDay } from '../../server/services/scorecards';
import { buildUser } from '../factories';
import {
  buildCheckRun,
  insertSourceReviews,
  insertTicket,
  seedScorecardCatalog,
  ticketTransition,
} from '../factories/scorecards';
import { createMigratedTestDatabase, TestDatabase } from '../helpers/database';

const TZ = 'Asia/Shanghai';
const D = '2026-11-20';

/**
 * One hand-made day (2026-11-20, Beijing time) for 人事处 (HR) and 党委组织部 (ORG); every expected
 * number is worked out in the comments from the rows inserted below.
 */
describe('scorecard snapshot of one day, on hand-made data', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    await seedScorecardCatalog(db.knex);
    const k = db.knex;

    // Outside the day: 23:30 the evening before and 00:10 the morning after. Never counted.
    await buildCheckRun(k, '2026-11-19T23:30:00+08:00', [
      { table: 'payroll', check: 'freshness', department: 'HR', passed: true },
    ]);
    await buildCheckRun(k, '2026-11-21T00:10:00+08:00', [
      { table: 'payroll', check: 'freshness', department: 'HR', passed: true },
    ]);
    // Early run: superseded for staff by the later run of the same day.
    await buildCheckRun(
      k,
      '2026-11-20T02:00:00+08:00',
      [
        { table: 'staff', check: 'freshness', department: 'HR', passed: false },
        { table: 'staff', field: 'staff_no', check: 'required', department: 'HR', violations: 10, checked: 100 },
      ],
      { staff: 30 },
    );
    // Latest run of the day.
    await buildCheckRun(
      k,
      '2026-11-20T10:00:00+08:00',
      [
        { table: 'staff', check: 'freshness', department: 'HR', passed: true },
        { table: 'payroll', check: 'freshness', department: 'HR', passed: false },
        { table: 'staff', field: 'staff_no', check: 'required', department: 'HR', violations: 4, checked: 100 },
        { table: 'staff', field: 'staff_no', check: 'pattern', department: 'HR', violations: 6, checked: 100 },
        { table: 'staff', field: 'staff_no', check: 'unique', department: 'HR', violations: 0, checked: 100 },
        { table: 'staff', field: 'duty_status', check: 'deadline', department: 'HR', violations: 30, checked: 120 },
        { table: 'staff', field: 'political_status', check: 'codes', department: 'ORG', violations: 5, checked: 50 },
      ],
      { staff: 2.4, payroll: 51 },
    );

    // Quality tickets of HR, as they stand at the end of D.
    await insertTicket(k, {
      department: 'HR',
      status: 'open',
      due: '2026-11-18',
      firstSeen: '2026-11-12T09:00:00+08:00',
      escalatedAt: '2026-11-19T08:30:00+08:00',
    }); // active, overdue, escalated
    await insertTicket(k, {
      department: 'HR',
      status: 'acknowledged',
      due: '2026-11-25',
      firstSeen: '2026-11-18T09:00:00+08:00',
    }); // active
    await insertTicket(k, { department: 'HR', status: 'open', due: '2026-11-19', firstSeen: '2026-11-13T09:00:00+08:00' }); // active, overdue
    await insertTicket(k, { department: 'HR', status: 'fixed', due: '2026-11-20', firstSeen: '2026-11-14T09:00:00+08:00' }); // active (due today is not overdue)
    await insertTicket(k, {
      department: 'HR',
      status: 'resolved',
      due: '2026-11-23',
      firstSeen: '2026-11-18T08:00:00+08:00',
      resolvedAt: '2026-11-20T08:00:00+08:00',
    }); // resolved on D after 48 h
    await insertTicket(k, {
      department: 'HR',
      status: 'resolved',
      due: '2026-11-24',
      firstSeen: '2026-11-19T08:00:00+08:00',
      resolvedAt: '2026-11-21T09:00:00+08:00',
    }); // resolved after D: still active at its end
    await insertTicket(k, {
      department: 'HR',
      status: 'resolved',
      due: '2026-11-12',
      firstSeen: '2026-11-09T20:00:00+08:00',
      resolvedAt: '2026-11-10T08:00:00+08:00',
    }); // resolved in 12 h
    await insertTicket(k, { department: 'HR', status: 'open', due: '2026-11-30', firstSeen: '2026-11-21T08:00:00+08:00' }); // filed after D: not counted

    // User error reports (check 'report') of HR. Window of due dates: 2026-10-21 … 2026-11-19.
    const r1 = await insertTicket(k, {
      department: 'HR',
      check: 'report',
      status: 'resolved',
      due: '2026-11-10',
      firstSeen: '2026-11-03T08:00:00+08:00',
      resolvedAt: '2026-11-12T08:00:00+08:00',
    }); // 216 h
    await ticketTransition(k, r1, '2026-11-09T15:00:00+08:00', 'fixed'); // answered before due: in time
    const r2 = await insertTicket(k, {
      department: 'HR',
      check: 'report',
      status: 'closed',
      due: '2026-11-12',
      firstSeen: '2026-11-05T08:00:00+08:00',
      updatedAt: '2026-11-13T10:00:00+08:00',
    });
    await ticketTransition(k, r2, '2026-11-13T10:00:00+08:00', 'closed'); // answered the day after due: late
    await insertTicket(k, {
      department: 'HR',
      check: 'report',
      status: 'open',
      due: '2026-11-18',
      firstSeen: '2026-11-11T08:00:00+08:00',
    }); // never answered: late, active, overdue
    await insertTicket(k, {
      department: 'HR',
      check: 'report',
      status: 'open',
      due: '2026-11-20',
      firstSeen: '2026-11-20T09:00:00+08:00',
    }); // received on D; due D is not in the window
    await insertTicket(k, {
      department: 'HR',
      check: 'report',
      status: 'resolved',
      due: '2026-10-15',
      firstSeen: '2026-10-08T08:00:00+08:00',
      resolvedAt: '2026-10-14T08:00:00+08:00',
    }); // before the window

    // Sharing reviews by HR as a source department (weight 0 by default).
    const applicant = await buildUser(k, { department: 'STU' });
    await insertSourceReviews(k, applicant.id, 'STU', [
      { department: 'HR', due: '2026-11-16', status: 'approved', decidedAt: '2026-11-16T17:00:00+08:00' }, // in time
      { department: 'HR', due: '2026-11-17', status: 'rejected', decidedAt: '2026-11-19T09:00:00+08:00' }, // late
      { department: 'HR', due: '2026-11-18', status: 'pending' }, // unanswered
      { department: 'HR', due: '2026-11-19', status: 'approved', decidedAt: '2026-11-19T09:00:00+08:00', onBehalf: true }, // the IT office decided in its place
      { department: 'HR', due: '2026-11-25', status: 'pending' }, // not yet due
      // HR's own request, HR's only steward: nobody in HR could answer it, so it is not HR's to answer in time.
      {
        department: 'HR',
        due: '2026-11-18',
        status: 'approved',
        decidedAt: '2026-11-16T10:00:00+08:00',
        onBehalf: true,
        onBehalfReason: 'no_other_reviewer',
      },
    ]);
  });
  afterAll(() => db.close());

  it('stores every component, the counts behind it, and the score', async () => {
    const outcome = await snapshotDay(db.knex, { day: D, timezone: TZ });
    expect(outcome).toMatchObject({ day: D, skipped: null, departments: 3 });
    const hr = await db.knex('scorecard_snapshots').where({ department_code: 'HR', day: D }).first();

    // Freshness: staff passed in the latest run of the day, payroll failed → 1 of 2 tables.
    expect(hr).toMatchObject({ freshness_tables: 2, freshness_passed: 1, freshness: 0.5 });
    // Deadline: 1 − 30/120 = 0.75.
    expect(hr).toMatchObject({ deadline_violations: 30, deadline_checked: 120, deadline: 0.75 });
    // Validity: pattern 6/100 + unique 0/100 (the codes check is ORG's) → 1 − 6/200 = 0.97.
    expect(hr).toMatchObject({ validity_violations: 6, validity_checked: 200 });
    expect(hr.validity).toBeCloseTo(0.97, 10);
    // Completeness: the later required result, 4/100 (not the early 10/100) → 0.96.
    expect(hr).toMatchObject({ completeness_violations: 4, completeness_checked: 100 });
    expect(hr.completeness).toBeCloseTo(0.96, 10);
    // Active at the end of D: 3 open/ack/fixed quality tickets + the ticket resolved the day after
    // + the acknowledged one + 2 open reports = 7; overdue (due < D): tickets due 11-18, 11-19 and
    // the report due 11-18 = 3; escalated 1. tickets = 1 − 3/7.
    expect(hr).toMatchObject({ tickets_active: 7, tickets_overdue: 3, tickets_escalated: 1 });
    expect(hr.tickets).toBeCloseTo(4 / 7, 10);
    // Resolved in the 30 days up to D: 48 h, 12 h and the report's 216 h → median 48 h.
    expect(hr).toMatchObject({ tickets_resolved_30d: 3, median_resolve_hours: 48 });
    // Reports due 10-21…11-19: 11-10 (answered 11-09, in time), 11-12 (answered 11-13, late),
    // 11-18 (unanswered) → 1/3; received on D: 1; open: 2.
    expect(hr).toMatchObject({ reports_due_30d: 3, reports_in_time_30d: 1, reports_received: 1, reports_open: 2 });
    expect(hr.reports).toBeCloseTo(1 / 3, 10);
    // Sharing reviews due 10-21…11-19: 4, in time 1 (late, pending and on-behalf do not count).
    expect(hr).toMatchObject({ sharing_due_30d: 4, sharing_in_time_30d: 1, sharing: 0.25 });
    // Score with the default weights 20/20/20/15/15/10/0:
    // (20·0.5 + 20·0.75 + 20·0.97 + 15·0.96 + 15·4/7 + 10·1/3) / 100 × 100
    // = 10 + 15 + 19.4 + 14.4 + 8.5714 + 3.3333 = 70.7048 → 70.70
    expect(hr.score).toBe(70.7);

    // ORG: validity 1 − 5/50 = 0.9, no tickets → tickets 1, the rest unmeasured:
    // (20·0.9 + 15·1) / (20 + 15) × 100 = 33/35 × 100 = 94.2857 → 94.29
    const org = await db.knex('scorecard_snapshots').where({ department_code: 'ORG', day: D }).first();
    expect(org).toMatchObject({
      validity: 0.9,
      tickets: 1,
      freshness: null,
      deadline: null,
      completeness: null,
      reports: null,
      sharing: null,
      score: 94.29,
    });
    // STU has no check results: no score (and no rank), not 100 for having no overdue tickets.
    const stu = await db.knex('scorecard_snapshots').where({ department_code: 'STU', day: D }).first();
    expect(stu).toMatchObject({ score: null, tickets: 1 });
  });

  it('keeps per-table and per-check day rows for the heat map and the worst checks', async () => {
    const tables = await db.knex('scorecard_table_days').where({ day: D }).orderBy('table_name');
    expect(tables).toEqual([
      expect.objectContaining({
        table_name: 'payroll',
        department_code: 'HR',
        fresh: false,
        hours_since_update: 51,
        checks: 1,
        checks_failed: 1,
      }),
      // staff: freshness, required, pattern, unique, deadline (HR) and codes (ORG) = 6 checks; failing:
      // required, pattern, deadline, codes = 4; violations 4 + 6 + 30 + 5 = 45.
      expect.objectContaining({
        table_name: 'staff',
        department_code: 'HR',
        fresh: true,
        hours_since_update: 2.4,
        checks: 6,
        checks_failed: 4,
        violations: 45,
      }),
    ]);
    const orgChecks = await db.knex('scorecard_check_days').where({ day: D, department_code: 'ORG' });
    expect(orgChecks).toEqual([
      expect.objectContaining({
        table_name: 'staff',
        field_name: 'political_status',
        check_kind: 'codes',
        passed: false,
        violations: 5,
      }),
    ]);
  });

  it('replaces a day when it is snapshotted again', async () => {
    await buildCheckRun(db.knex, '2026-11-20T20:00:00+08:00', [
      { table: 'payroll', check: 'freshness', department: 'HR', passed: true },
    ]);
    await snapshotDay(db.knex, { day: D, timezone: TZ });
    const rows = await db.knex('scorecard_snapshots').where({ department_code: 'HR', day: D });
    expect(rows).toHaveLength(1);
    // Both tables fresh now: freshness 1 → score + 20·0.5/100×100 = 70.7048 + 10 = 80.70.
    expect(rows[0]).toMatchObject({ freshness: 1, score: 80.7 });
  });

  it('ranks a period by the mean of daily scores', async () => {
    // A second day for ORG only with validity 0.5: (20·0.5 + 15)/35 × 100 = 71.43; ORG's mean
    // over both days = (94.29 + 71.43) / 2 = 82.86. HR has only D (80.70).
    await buildCheckRun(db.knex, '2026-11-21T10:00:00+08:00', [
      { table: 'staff', field: 'political_status', check: 'codes', department: 'ORG', violations: 25, checked: 50 },
    ]);
    await snapshotDay(db.knex, { day: '2026-11-21', timezone: TZ });
    const results = await computePeriodResults(db.knex, D, '2026-11-21');
    expect(results.map((r) => [r.department, r.rank, r.score, r.days])).toEqual([
      ['ORG', 1, 82.86, 2],
      // HR on 11-21: freshness 1/1 (payroll at 00:10); active at the end of 11-21: 7 (the ticket
      // resolved on 11-21 left, the one filed on 11-21 came), overdue 5 (the fixed one due 11-20 and
      // the report due 11-20 joined) → tickets 2/7; reports due 10-22…11-20: 4, in time 1 → 0.25.
      // (20·1 + 15·2/7 + 10·0.25) / 45 × 100 = 26.7857 / 45 × 100 = 59.52; mean (80.70 + 59.52) / 2 = 70.11.
      ['HR', 2, 70.11, 2],
      ['STU', null, null, 0],
    ]);
    expect(results[0].validity).toBeCloseTo(0.7, 10); // (0.9 + 0.5) / 2
  });

  it('scoreOf leaves out unmeasured and zero-weight components', () => {
    const values = { freshness: 0.5, deadline: 0.9, validity: 0.8, completeness: null, tickets: 0.75, reports: null, sharing: 0 };
    // (20·0.5 + 20·0.9 + 20·0.8 + 15·0.75) / 75 × 100 = 55.25 / 75 × 100 = 73.67 (sharing weighs 0)
    expect(scoreOf(values, DEFAULT_WEIGHTS)).toBe(73.67);
    expect(scoreOf({ ...values, freshness: null, deadline: null, validity: null }, DEFAULT_WEIGHTS)).toBeNull();
  });
});
