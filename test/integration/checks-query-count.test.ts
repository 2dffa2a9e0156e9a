import { runTableChecks } from '../../rules/engine';
import { catalogField as field, catalogTable } from '../../rules/testing';
import type { CheckContext } from '../../rules/types';
import { createCalendar } from '../../server/services/calendar';
import { createTestDatabase, TestDatabase } from '../helpers/database';

// Performance is a feature: all single-table metrics of a table come from ONE aggregate statement,
// plus at most one uniqueness and one references statement; sample keys only for failing checks.

const TZ = 'Asia/Shanghai';
const calendar = createCalendar({
  timezone: TZ,
  events: [{ name: 'semester_start', dates: ['2026-02-23'], yearly: [] }],
  holidays: [],
  workdays: [],
});
const ctx: CheckContext = { now: new Date('2026-03-10T10:00:00+08:00'), timezone: TZ, calendar, dialect: 'postgres' };

describe('check engine: statements per table', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('hw_checks_count');
    await db.knex.raw('CREATE TABLE org (unit_code text)');
    await db.knex.raw(`INSERT INTO org VALUES ('U1')`);
    await db.knex
      .raw(`CREATE TABLE staff (staff_no text, name text, gender text, id_card text, mobile text, email text, unit_code text,
      report_date date, duty_status text, political_status text, status text, update_time timestamptz)`);
    await db.knex.raw(`INSERT INTO staff VALUES
      ('20260001', '张三', '1', '11010519491231002X', '13800138000', 'a@example.edu.cn', 'U1', '2026-03-01', '在岗', '13', '在职', '2026-03-10 09:00:00+08'),
      ('20260002', '李四', '2', NULL, NULL, NULL, 'U1', '2026-03-09', '在岗', '群众', '在职', '2026-03-10 09:00:00+08')`);
  });
  afterAll(() => db.close());

  const staff = catalogTable('staff', {
    key: ['staff_no'],
    updatedAt: 'update_time',
    freshness: { amount: 24, unit: 'h' },
    scope: { status: ['在职'] },
    fields: [
      field('staff_no', { required: true, unique: true, pattern: '^[0-9]{8}$' }),
      field('name', {
        required: true,
        unique: true,
        deadline: { kind: 'after', column: 'report_date', within: { amount: 7, unit: 'd' } },
      }),
      field('gender', { codes: { kind: 'builtin', name: 'GB/T 2261.1' } }),
      field('id_card', { validate: 'cn_id_card' }),
      field('mobile', { validate: 'cn_mobile' }),
      field('email', { validate: 'email' }),
      field('unit_code', {
        references: { table: 'org', column: 'unit_code' },
        codes: { kind: 'hub', table: 'org', column: 'unit_code' },
      }),
      field('duty_status', { deadline: { kind: 'afterEvent', event: 'semester_start', within: { amount: 7, unit: 'd' } } }),
      field('political_status', { codes: { kind: 'builtin', name: 'GB/T 4762' } }),
    ],
  });

  async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const listener = (q: { sql: string }) => seen.push(q.sql);
    db.knex.on('query', listener);
    try {
      await run();
    } finally {
      db.knex.removeListener('query', listener);
    }
    // Leave out transaction control, settings and the information_schema look-ups.
    return seen.filter((s) => /^SELECT/i.test(s) && !/information_schema|set_config/.test(s));
  }

  it('a table with 14 checks is read with one aggregate, one unique and one references statement', async () => {
    let outcome: Awaited<ReturnType<typeof runTableChecks>> | undefined;
    const statements = await statementsOf(async () => {
      outcome = await runTableChecks(db.knex, staff, ctx);
    });
    expect(outcome!.status).toBe('ok');
    expect(outcome!.results).toHaveLength(14);
    expect(outcome!.results.filter((r) => !r.passed)).toEqual([]);
    expect(statements).toHaveLength(3);
    // Over a derived table that trims each column once per row (OFFSET 0 keeps it from being inlined).
    expect(statements[0]).toMatch(
      /^SELECT COUNT\(\*\) AS "row_count", max\("t"\."p\d+"\) AS "newest_update", count\(\*\) FILTER \(WHERE .* FROM \(SELECT .* FROM "staff" AS "t" OFFSET 0\) AS "t" LEFT JOIN/s,
    );
    expect(statements[1]).toMatch(/"u0".*"u1"/s);
    expect(statements[2]).toMatch(/LEFT JOIN .*"r0"/s);
  });

  it('fetches sample keys with one small statement per failing check only', async () => {
    await db.knex.raw(
      `INSERT INTO staff VALUES ('bad', '王五', 'X', '1', NULL, NULL, 'U1', '2026-03-01', '在岗', '13', '在职', '2026-03-10 09:00:00+08')`,
    );
    let outcome: Awaited<ReturnType<typeof runTableChecks>> | undefined;
    const statements = await statementsOf(async () => {
      outcome = await runTableChecks(db.knex, staff, ctx);
    });
    const failing = outcome!.results.filter((r) => !r.passed).map((r) => `${r.check}:${r.field}`);
    expect(failing).toEqual(['pattern:staff_no', 'codes:gender', 'validate:id_card']);
    expect(statements).toHaveLength(3 + 3);
    for (const s of statements.slice(3)) expect(s).toMatch(/ORDER BY "t"."staff_no" LIMIT \$\d+$/);
  });
});
