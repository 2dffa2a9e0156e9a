import { runTableChecks } from '../../rules/engine';
import { catalogField as field, catalogTable } from '../../rules/testing';
import type { CheckContext } from '../../rules/types';
import { createCalendar } from '../../server/services/calendar';
import { createTestDatabase, TestDatabase } from '../helpers/database';

// Performance is a feature: all single-table metrics of a table come from ONE aggregate statement
// (on PostgreSQL references included), plus at most one uniqueness statement; sample keys only for
// failing checks, all of them in one more statement per search round.

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
    // Leave out transaction control, settings and the catalog look-ups (hub-schema.ts).
    return seen.filter((s) => /^\(?SELECT/i.test(s) && !/pg_catalog\.pg_attribute|information_schema|set_config/.test(s));
  }

  it('a table with 14 checks is read with one aggregate (hub codes and references joined in) and one unique statement', async () => {
    let outcome: Awaited<ReturnType<typeof runTableChecks>> | undefined;
    const statements = await statementsOf(async () => {
      outcome = await runTableChecks(db.knex, staff, ctx);
    });
    expect(outcome!.status).toBe('ok');
    expect(outcome!.results).toHaveLength(14);
    expect(outcome!.results.filter((r) => !r.passed)).toEqual([]);
    expect(statements).toHaveLength(2);
    // Over a derived table that trims each column once per row (OFFSET 0 keeps it from being inlined),
    // one over it that computes the ID number's body once from the trimmed value, then one that
    // evaluates each condition once, read by its count and by max(ctid), the last violating row,
    // where the sample search starts.
    expect(statements[0]).toMatch(
      /^SELECT COUNT\(\*\) AS "row_count", max\("b"\."updated"\) AS "newest_update", count\(\*\) FILTER \(WHERE "b"\."m0"\) AS "m0", .*max\("b"\."rowid"\) FILTER \(WHERE "b"\."m\d+"\) AS "m\d+_last", .* FROM \(SELECT "t"\."p\d+" AS "rowid", .* FROM \(SELECT "t"\.\*, \(CASE WHEN octet_length\(\(CASE WHEN octet_length\("t"\."p\d+"\) = 18 .* FROM \(SELECT "t"\."ctid" AS "p\d+", .* FROM "staff" AS "t" OFFSET 0\) AS "t" OFFSET 0\) AS "t" LEFT JOIN .* OFFSET 0\) AS "b"$/s,
    );
    // The ID number is trimmed once: its body reads the trimmed value, not the column again.
    expect(statements[0].match(/btrim\(CAST\("t"\."id_card" AS text\)/g)).toHaveLength(1);
    expect(statements[0]).toMatch(
      /LEFT JOIN \(SELECT DISTINCT .* FROM "org"\) AS "h0" .*LEFT JOIN \(SELECT DISTINCT .* FROM "org"\) AS "r0"/s,
    );
    expect(statements[1]).toMatch(/"u0".*"u1"/s);
  });

  it('fetches the sample keys of all failing checks (and only those) in one more statement', async () => {
    await db.knex.raw(
      `INSERT INTO staff VALUES ('bad', '王五', 'X', '1', NULL, NULL, 'U1', '2026-03-01', '在岗', '13', '在职', '2026-03-10 09:00:00+08')`,
    );
    let outcome: Awaited<ReturnType<typeof runTableChecks>> | undefined;
    const statements = await statementsOf(async () => {
      outcome = await runTableChecks(db.knex, staff, ctx);
    });
    const failing = outcome!.results.filter((r) => !r.passed).map((r) => `${r.check}:${r.field}`);
    expect(failing).toEqual(['pattern:staff_no', 'codes:gender', 'validate:id_card']);
    expect(statements).toHaveLength(2 + 1);
    // One LIMIT branch per failing check, each over a derived table computing its values once per row;
    // no ORDER BY, so a branch stops at its n-th violating row.
    expect(statements[2]).toMatch(
      /^\(SELECT 0 AS "c", CAST\("t"\."p\d+" AS text\) AS "k0" FROM \(SELECT .* FROM "staff" AS "t" WHERE "t"\."ctid" >= CAST\(\$\d+ AS tid\) AND "t"\."ctid" <= CAST\(\$\d+ AS tid\) OFFSET 0\) AS "t" WHERE .* LIMIT \$\d+\) UNION ALL \(SELECT 1 AS "c", .* UNION ALL \(SELECT 2 AS "c", .* LIMIT \$\d+\)$/s,
    );
    expect(statements[2]).not.toMatch(/ORDER BY|SELECT 3 AS/);
    for (const r of outcome!.results.filter((x) => !x.passed)) expect(r.sampleKeys).toEqual([{ staff_no: 'bad' }]);
  });
  it('reads a view (rows without an address) the same way, sample keys by plain LIMIT scans', async () => {
    await db.knex.raw('CREATE VIEW staff_view AS SELECT * FROM staff');
    let outcome: Awaited<ReturnType<typeof runTableChecks>> | undefined;
    const statements = await statementsOf(async () => {
      outcome = await runTableChecks(db.knex, { ...staff, name: 'staff_view' }, ctx);
    });
    expect(outcome!.status).toBe('ok');
    expect(outcome!.results.filter((r) => !r.passed).map((r) => [`${r.check}:${r.field}`, r.sampleKeys])).toEqual([
      ['pattern:staff_no', [{ staff_no: 'bad' }]],
      ['codes:gender', [{ staff_no: 'bad' }]],
      ['validate:id_card', [{ staff_no: 'bad' }]],
    ]);
    expect(statements).toHaveLength(2 + 1);
    expect(statements.join('\n')).not.toMatch(/ctid/);
  });

  it('searches backwards from the last violating row until it has the keys, across rounds, without repeats', async () => {
    // ~1 300 blocks: the last violation is in the last block, the 10 others in the first, so the search
    // reads the last 128 blocks, then the 1 024 before them, then the rest.
    await db.knex.raw('CREATE TABLE long_list (id int, name text)');
    await db.knex.raw(
      `INSERT INTO long_list SELECT g, CASE WHEN g <= 10 THEN NULL ELSE 'n' END FROM generate_series(1, 300000) g`,
    );
    await db.knex.raw(`INSERT INTO long_list VALUES (300001, '  ')`);
    const table = catalogTable('long_list', { key: ['id'], fields: [field('name', { required: true })] });
    let outcome: Awaited<ReturnType<typeof runTableChecks>> | undefined;
    const statements = await statementsOf(async () => {
      outcome = await runTableChecks(db.knex, table, ctx);
    });
    const required = outcome!.results.find((r) => r.check === 'required')!;
    expect(required.violations).toBe(11);
    expect(required.sampleKeys).toEqual([...Array.from({ length: 10 }, (_, i) => ({ id: String(i + 1) })), { id: '300001' }]);
    // The aggregate, then one sample statement per round (3 rounds for ~1 300 blocks).
    expect(statements.filter((q) => /^\(SELECT 0 AS "c"/.test(q))).toHaveLength(3);
  });
});
