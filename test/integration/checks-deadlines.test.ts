import type { Knex } from 'knex';
import { runTableChecks } from '../../rules/engine';
import { catalogField as field, catalogTable } from '../../rules/testing';
import type { CheckContext, TableCheckOutcome } from '../../rules/types';
import { createCalendar } from '../../server/services/calendar';
import { createTestDatabase, TestDatabase } from '../helpers/database';

// Deadlines: `after: COLUMN` (date, naive timestamp, timestamptz; d, h, wd) and `after_event`, with
// rows exactly at the boundary, rows not yet due and rows out of scope.

const TZ = 'Asia/Shanghai';
const calendar = createCalendar({
  timezone: TZ,
  events: [
    { name: 'semester_start', dates: ['2026-02-23', '2026-09-07'], yearly: [] },
    { name: 'documents_issued', dates: ['2026-03-03'], yearly: [] },
    { name: 'next_term', dates: ['2026-03-05'], yearly: [] },
  ],
  holidays: [],
  workdays: [],
});
// Tuesday 2026-03-10, 10:00 in Shanghai (02:00 UTC).
const NOW = new Date('2026-03-10T10:00:00+08:00');
const ctx: CheckContext = { now: NOW, timezone: TZ, calendar, dialect: 'postgres' };

function result(o: TableCheckOutcome, check: string, fieldName: string | null) {
  const r = o.results.find((x) => x.check === check && x.field === fieldName);
  if (!r) throw new Error(`no ${check} result for ${fieldName} in ${JSON.stringify(o)}`);
  return r;
}
async function exec(knex: Knex, ...statements: string[]) {
  for (const s of statements) await knex.raw(s);
}
const within = (amount: number, unit: 'h' | 'd' | 'wd') => ({ amount, unit });

describe('check engine: deadlines', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('hw_checks_deadlines');
  });
  afterAll(() => db.close());

  it('after a DATE column, 7d: due from the start of day COL+7; only empty due rows in scope violate', async () => {
    await exec(
      db.knex,
      'CREATE TABLE staff (staff_no text, status text, report_date date, name text)',
      `INSERT INTO staff VALUES
        ('01', '在职', '2026-03-03', NULL),       -- due today (03-03 + 7 = 03-10): violates
        ('02', '在职', '2026-03-04', NULL),       -- due tomorrow: not yet
        ('03', '在职', '2026-03-01', '张三'),     -- due, filled
        ('04', '在职', '2026-03-02', '  '),       -- due, blank: violates
        ('05', '离职', '2026-01-01', NULL),       -- out of scope
        ('06', '在职', NULL, NULL)`, // no report date: never due
    );
    const table = catalogTable('staff', {
      key: ['staff_no'],
      scope: { status: ['在职'] },
      fields: [field('name', { required: true, deadline: { kind: 'after', column: 'report_date', within: within(7, 'd') } })],
    });
    const o = await runTableChecks(db.knex, table, ctx);
    expect(o.status).toBe('ok');
    // A field with a deadline is checked for emptiness only on due rows: no separate `required` result.
    expect(o.results.map((r) => r.check)).toEqual(['deadline']);
    expect(result(o, 'deadline', 'name')).toMatchObject({
      passed: false,
      violations: 2,
      checkedRows: 3,
      sampleKeys: [{ staff_no: '01' }, { staff_no: '04' }],
    });
    // One minute before midnight of 03-09 the 03-03 row is not yet due.
    const before = await runTableChecks(db.knex, table, { ...ctx, now: new Date('2026-03-09T23:59:00+08:00') });
    expect(result(before, 'deadline', 'name')).toMatchObject({ violations: 1, checkedRows: 2, sampleKeys: [{ staff_no: '04' }] });
  });

  it('after a timestamp, 24h: due when COL + 24h <= now exactly; naive timestamps are read in the catalog timezone', async () => {
    await exec(
      db.knex,
      'CREATE TABLE regs (id int, at_local timestamp, at_tz timestamptz, note text)',
      `INSERT INTO regs VALUES
        (1, '2026-03-09 10:00:00', '2026-03-09 10:00:00+08', NULL),  -- exactly 24h ago: due
        (2, '2026-03-09 10:00:01', '2026-03-09 10:00:01+08', NULL),  -- 1s short: not due
        (3, '2026-03-09 02:00:00', '2026-03-09 02:00:00+08', 'ok'),  -- due, filled
        (4, '2026-03-09 17:00:00', '2026-03-09 17:00:00+08', NULL)`, // read as UTC this would look due
    );
    const deadlineOn = (column: string) =>
      catalogTable('regs', {
        key: ['id'],
        fields: [field('note', { deadline: { kind: 'after', column, within: within(24, 'h') } })],
      });
    for (const column of ['at_local', 'at_tz']) {
      const o = await runTableChecks(db.knex, deadlineOn(column), ctx);
      expect(result(o, 'deadline', 'note')).toMatchObject({
        passed: false,
        violations: 1,
        checkedRows: 2,
        sampleKeys: [{ id: '1' }],
      });
    }
  });

  it('naive timestamps: the cut-off is compared as wall-clock time where no offset change is near, per row where one is', async () => {
    // Rows every 10 minutes over 3 days around each cut-off; the expected count converts every row
    // (AT TIME ZONE), which is the definition. Asia/Shanghai takes the wall-clock fast path; Berlin's
    // fall-back night (2026-10-25 03:00 → 02:00) makes the engine convert rows as before.
    await exec(
      db.knex,
      'CREATE TABLE stamps (id int, at_local timestamp, note text)',
      `INSERT INTO stamps SELECT g, ts, NULL FROM (
         SELECT row_number() OVER () AS g, ts FROM generate_series(timestamp '2026-10-23 00:00', timestamp '2026-10-27 00:00', interval '10 minutes') ts) s`,
    );
    const table = catalogTable('stamps', {
      key: ['id'],
      fields: [field('note', { deadline: { kind: 'after', column: 'at_local', within: within(24, 'h') } })],
    });
    for (const [timezone, now, fast] of [
      ['Asia/Shanghai', new Date('2026-10-26T02:35:00+08:00'), true],
      ['Europe/Berlin', new Date('2026-10-26T02:35:00+01:00'), false],
      ['Europe/Berlin', new Date('2026-10-26T01:05:00Z'), false],
    ] as const) {
      const statements: string[] = [];
      const listen = (q: { sql: string }) => statements.push(q.sql);
      db.knex.on('query', listen);
      const o = await runTableChecks(db.knex, table, { ...ctx, timezone, now });
      db.knex.removeListener('query', listen);
      const cutoff = new Date(now.getTime() - 24 * 3_600_000);
      const expected = await db.knex.raw(`SELECT count(*)::int AS n FROM stamps WHERE (at_local AT TIME ZONE ?) <= ?`, [
        timezone,
        cutoff.toISOString(),
      ]);
      expect(result(o, 'deadline', 'note')).toMatchObject({ violations: expected.rows[0].n, checkedRows: expected.rows[0].n });
      const aggregate = statements.find((q) => q.includes('count(*) FILTER')) ?? '';
      expect(/CAST\((\?|\$\d+) AS timestamp\)/.test(aggregate)).toBe(fast);
    }
  });

  it('5wd counts Chinese working days across the Spring Festival holiday and its make-up Saturday', async () => {
    // 2026-02-14 (Sat) is a make-up working day, 02-15..02-23 are holidays:
    // 5 working days after 02-13 is 02-27, after 02-14 it is 02-28.
    await exec(
      db.knex,
      'CREATE TABLE leave (id int, filed date, filed_at timestamptz, approval text)',
      `INSERT INTO leave VALUES
        (1, '2026-02-13', '2026-02-13 23:59:59+08', NULL),  -- due on 02-27
        (2, '2026-02-14', '2026-02-14 00:00:00+08', NULL),  -- due on 02-28: not yet
        (3, '2026-02-12', '2026-02-12 09:00:00+08', 'ok')`,
    );
    const now = new Date('2026-02-27T09:00:00+08:00');
    for (const column of ['filed', 'filed_at']) {
      const table = catalogTable('leave', {
        key: ['id'],
        fields: [field('approval', { deadline: { kind: 'after', column, within: within(5, 'wd') } })],
      });
      const o = await runTableChecks(db.knex, table, { ...ctx, now });
      expect(result(o, 'deadline', 'approval')).toMatchObject({
        passed: false,
        violations: 1,
        checkedRows: 2,
        sampleKeys: [{ id: '1' }],
      });
      const dayBefore = await runTableChecks(db.knex, table, { ...ctx, now: new Date('2026-02-26T23:00:00+08:00') });
      expect(result(dayBefore, 'deadline', 'approval')).toMatchObject({ passed: true, violations: 0, checkedRows: 1 });
    }
  });

  it('after_event: rows in scope must be filled and updated since the latest passed occurrence', async () => {
    // semester_start 2026-02-23 + 7d passed on 03-02; rows must have update_time >= 2026-02-23 00:00 Shanghai.
    await exec(
      db.knex,
      'CREATE TABLE duty (staff_no text, status text, duty_status text, update_time timestamp)',
      `INSERT INTO duty VALUES
        ('01', '在职', '在岗', '2026-02-23 00:00:00'),   -- updated exactly at e: ok
        ('02', '在职', '在岗', '2026-02-22 23:59:59'),   -- not updated since e: violates
        ('03', '在职', NULL,   '2026-03-01 08:00:00'),   -- updated but empty: violates
        ('04', '在职', '在岗', NULL),                    -- never updated: violates
        ('05', '离职', NULL,   '2025-01-01 00:00:00')`, // out of scope
    );
    const table = catalogTable('duty', {
      key: ['staff_no'],
      updatedAt: 'update_time',
      scope: { status: ['在职'] },
      fields: [
        field('duty_status', {
          required: true,
          deadline: { kind: 'afterEvent', event: 'semester_start', within: within(7, 'd') },
        }),
      ],
    });
    const o = await runTableChecks(db.knex, table, ctx);
    expect(result(o, 'deadline', 'duty_status')).toMatchObject({
      passed: false,
      violations: 3,
      checkedRows: 4,
      sampleKeys: [{ staff_no: '02' }, { staff_no: '03' }, { staff_no: '04' }],
      details: { event: 'semester_start', occurrence: '2026-02-23', within: '7d' },
    });
  });

  it('after_event: an occurrence whose deadline has not passed yet makes nothing due; exactly at e + 7d it does', async () => {
    await exec(
      db.knex,
      'CREATE TABLE ranks (staff_no text, title_rank text, update_time timestamptz)',
      `INSERT INTO ranks VALUES ('01', NULL, '2026-01-01 00:00:00+08'), ('02', '教授', '2026-03-04 00:00:00+08')`,
    );
    const on = (event: string) =>
      catalogTable('ranks', {
        key: ['staff_no'],
        updatedAt: 'update_time',
        fields: [field('title_rank', { deadline: { kind: 'afterEvent', event, within: within(7, 'd') } })],
      });
    // next_term 03-05 + 7d = 03-12: no occurrence has passed → checked 0, passes.
    const none = await runTableChecks(db.knex, on('next_term'), ctx);
    expect(result(none, 'deadline', 'title_rank')).toMatchObject({
      passed: true,
      violations: 0,
      checkedRows: 0,
      sampleKeys: [],
      details: { occurrence: null },
    });
    // documents_issued 03-03 + 7d = 03-10 = today: due from 00:00 today.
    const due = await runTableChecks(db.knex, on('documents_issued'), ctx);
    expect(result(due, 'deadline', 'title_rank')).toMatchObject({
      passed: false,
      violations: 1,
      checkedRows: 2,
      sampleKeys: [{ staff_no: '01' }],
    });
    const justBefore = await runTableChecks(db.knex, on('documents_issued'), {
      ...ctx,
      now: new Date('2026-03-09T23:59:59+08:00'),
    });
    expect(result(justBefore, 'deadline', 'title_rank')).toMatchObject({ passed: true, checkedRows: 0 });
  });
});
