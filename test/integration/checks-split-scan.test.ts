import type { Knex } from 'knex';
import { openPostgres } from '../../server/db/connect';
import { runTableChecks } from '../../rules/engine';
import { hubTransaction } from '../../rules/hub-transaction';
import type { TablePlan } from '../../rules/facts/plan';
import { postgresDialect } from '../../rules/facts/sql-postgres';
import { combineAggregateRows, pageRanges, readAggregate } from '../../rules/split-scan';
import { catalogField as field, catalogTable } from '../../rules/testing';
import type { CheckContext, TableCheckOutcome } from '../../rules/types';
import { createCalendar } from '../../server/services/calendar';
import { createTestDatabase, terminateBackendRunning, TestDatabase, usingRealPostgres } from '../helpers/database';

// A big table's aggregate may be read on several connections at once (page ranges under one
// exported snapshot). Whatever the split, a check run must find exactly what one connection finds.
// PostgreSQL servers only (TEST_DATABASE_URL, as in CI): the embedded hub has one connection and
// never splits (server/services/checks/deps.ts).

const TZ = 'Asia/Shanghai';
const calendar = createCalendar({ timezone: TZ, events: [], holidays: [], workdays: [] });
const base: CheckContext = { now: new Date('2026-03-10T10:00:00+08:00'), timezone: TZ, calendar, dialect: 'postgres' };
const ROWS = 6000;

const staff = catalogTable('staff', {
  key: ['staff_no'],
  updatedAt: 'update_time',
  freshness: { amount: 24, unit: 'h' },
  scope: { status: ['在职'] },
  fields: [
    field('staff_no', { required: true, unique: true, pattern: '^[0-9]{8}$' }),
    field('name', { deadline: { kind: 'after', column: 'report_date', within: { amount: 7, unit: 'd' } } }),
    field('gender', { codes: { kind: 'builtin', name: 'GB/T 2261.1' } }),
    field('id_card', { validate: 'cn_id_card' }),
    field('mobile', { validate: 'cn_mobile' }),
    field('unit_code', { references: { table: 'org', column: 'unit_code' } }),
  ],
});

/** What a user sees of an outcome (the duration aside). */
const visible = (o: TableCheckOutcome) => ({
  status: o.status,
  error: o.error,
  facts: o.facts,
  results: o.results.map((r) => ({ ...r })),
});

const onServer = usingRealPostgres() ? describe : describe.skip;

onServer('check engine: a big table read in parts', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('hw_checks_split');
    await db.knex.raw('CREATE TABLE org (unit_code text)');
    await db.knex.raw(`INSERT INTO org VALUES ('U1'), ('U2')`);
    await db.knex.raw(`CREATE TABLE staff (staff_no text, name text, gender text, id_card text, mobile text, unit_code text,
      report_date date, status text, update_time timestamptz, filler text)`);
    // Violations of every kind spread over the whole heap (the filler spreads 6000 rows over ~150
    // pages), the newest update in the middle, and out-of-scope rows that must not count.
    await db.knex.raw(
      `INSERT INTO staff
       SELECT CASE WHEN i % 97 = 0 THEN 'X' || i WHEN i % 211 = 0 THEN '20260001' ELSE (20000000 + i)::text END,
              CASE WHEN i % 89 = 0 THEN ' ' ELSE '某' || i END,
              CASE WHEN i % 83 = 0 THEN '7' ELSE '1' END,
              CASE WHEN i % 79 = 0 THEN '110105194912310021' ELSE '11010519491231002X' END,
              CASE WHEN i % 73 = 0 THEN '12345' ELSE '13800138000' END,
              CASE WHEN i % 71 = 0 THEN 'U9' ELSE 'U1' END,
              DATE '2026-03-01',
              CASE WHEN i % 13 = 0 THEN '离职' ELSE '在职' END,
              TIMESTAMPTZ '2026-03-09 00:00:00+08' + CASE WHEN i = ? THEN interval '20 hours' ELSE interval '0' END,
              repeat('x', 300)
       FROM generate_series(1, ?) AS i`,
      [ROWS / 2, ROWS],
    );
  });
  afterAll(() => db.close());

  async function statementsOf<T>(knex: typeof db.knex, run: () => Promise<T>) {
    const seen: string[] = [];
    const listener = (q: { sql: string }) => seen.push(q.sql);
    knex.on('query', listener);
    try {
      return { outcome: await run(), seen };
    } finally {
      knex.removeListener('query', listener);
    }
  }
  /** readAggregate of a hand-made plan on two connections, as the engine calls it. */
  const readInTwoParts = (plan: TablePlan, tableSql: string, prepare: () => Promise<void> = async () => undefined) =>
    hubTransaction(
      db.knex,
      (trx) => readAggregate({ hub: db.knex, trx, dialect: postgresDialect, plan, tableSql, parts: 2, minPages: 1, prepare }),
      { readOnly: true, isolationLevel: 'repeatable read' },
    );
  const parts = (seen: string[]) => seen.filter((s) => /"ctid" >= CAST\(/.test(s) && /COUNT\(\*\) AS "row_count"/.test(s));
  /** How many page ranges the staff table is cut into for three connections. */
  const rangesOfStaff = async () => {
    const { rows } = await db.knex.raw(`SELECT pg_relation_size('staff') / current_setting('block_size')::bigint AS pages`);
    return pageRanges(Number(rows[0].pages), 3).length;
  };

  it('three connections find what one finds: counts, newest update, sample keys', async () => {
    const whole = await runTableChecks(db.knex, staff, base);
    expect(whole.status).toBe('ok');
    // The fixture does violate: otherwise equality would prove nothing.
    const failing = whole.results.filter((r) => !r.passed).map((r) => `${r.check}:${r.field ?? ''}`);
    expect(failing).toEqual(
      expect.arrayContaining([
        'pattern:staff_no',
        'unique:staff_no',
        'deadline:name',
        'codes:gender',
        'validate:id_card',
        'validate:mobile',
        'references:unit_code',
      ]),
    );
    expect(whole.facts!.newest_update).toBe('2026-03-09T12:00:00.000Z');

    const { outcome, seen } = await statementsOf(db.knex, () =>
      runTableChecks(db.knex, staff, { ...base, scanParts: 3, scanMinPages: 1 }),
    );
    // Which connection reads which range is a race (a helper needs a connection first; these ranges
    // take milliseconds): the split and the combination are what is compared here. That a helper
    // reads under the checking transaction's snapshot is pinned down by the snapshot test below.
    // Shrinking page ranges, more than two per connection; the uniqueness statement is queued with them.
    expect(await rangesOfStaff()).toBeGreaterThan(6);
    expect(parts(seen)).toHaveLength(await rangesOfStaff());
    expect(visible(outcome)).toEqual(visible(whole));
  });

  it('with no spare connection the checking transaction reads every part itself', async () => {
    const whole = await runTableChecks(db.knex, staff, base);
    const single = openPostgres({ url: db.url!, poolMax: 1 });
    try {
      const { outcome, seen } = await statementsOf(single.knex, () =>
        runTableChecks(single.knex, staff, { ...base, scanParts: 3, scanMinPages: 1 }),
      );
      expect(parts(seen)).toHaveLength(await rangesOfStaff());
      expect(visible(outcome)).toEqual(visible(whole));
    } finally {
      await single.close();
    }
  });

  it('a table under the size threshold is read whole, on one connection', async () => {
    const { outcome, seen } = await statementsOf(db.knex, () => runTableChecks(db.knex, staff, { ...base, scanParts: 3 }));
    expect(outcome.status).toBe('ok');
    expect(seen.some((s) => /SET TRANSACTION SNAPSHOT/.test(s))).toBe(false);
    expect(parts(seen)).toHaveLength(0);
  });

  it("every part sees the checking transaction's snapshot, not rows committed since", async () => {
    // Wide rows (3 to a page), so the ten rows span several pages and the table is cut into several ranges.
    await db.knex.raw('CREATE TABLE snap (n int, filler text)');
    await db.knex.raw('ALTER TABLE snap ALTER COLUMN filler SET STORAGE PLAIN');
    await db.knex.raw(`INSERT INTO snap SELECT i, repeat('x', 2500) FROM generate_series(1, 10) AS i`);
    // The first range (the checking transaction's) takes a second, so the helper surely reads the other.
    const range = (from: number, before?: number) =>
      before === undefined
        ? { sql: 'SELECT count(*) AS row_count FROM snap WHERE ctid >= CAST(? AS tid)', bindings: [`(${from},0)`] }
        : {
            sql: 'SELECT (SELECT count(*) FROM snap WHERE ctid >= CAST(? AS tid) AND ctid < CAST(? AS tid)) AS row_count, pg_sleep(1) AS slept',
            bindings: [`(${from},0)`, `(${before},0)`],
          };
    const plan = { aggregate: range(0), aggregateOfPages: range, unique: null } as unknown as TablePlan;
    // The prepare step runs on the helper after it imported the snapshot, before it reads: another
    // session commits five more rows, which the helper must not count.
    const read = await readInTwoParts(
      plan,
      '"snap"',
      async () => void (await db.knex.raw(`INSERT INTO snap SELECT i, '' FROM generate_series(11, 15) AS i`)),
    );
    expect(Number(read.aggregate.row_count)).toBe(10);
    expect(Number((await db.knex.raw('SELECT count(*) AS n FROM snap')).rows[0].n)).toBe(15);
  });

  /** A stand-in plan whose every page range reads one row, but the last (open-ended) one runs `lastRange`. */
  const planWithLastRange = (lastRange: string) =>
    ({
      aggregate: { sql: 'SELECT 1 AS row_count', bindings: [] },
      aggregateOfPages: (_from: number, before?: number) =>
        before === undefined ? { sql: lastRange, bindings: [] } : { sql: 'SELECT 1 AS row_count', bindings: [] },
      unique: null,
    }) as unknown as TablePlan;

  it('small ranges are read without JIT, and the checking transaction gets its setting back', async () => {
    const jitOf = async (on: Knex.Transaction) => (await on.raw(`SELECT current_setting('jit') AS jit`)).rows[0].jit;
    // Each range reports whether it ran with JIT: the parts' counts add up.
    const plan = {
      aggregate: { sql: 'SELECT 1 AS row_count', bindings: [] },
      aggregateOfPages: () => ({
        sql: `SELECT 1 AS row_count, CAST(current_setting('jit') = 'off' AS int) AS without_jit`,
        bindings: [],
      }),
      unique: null,
    } as unknown as TablePlan;
    const { before, read, after } = await db.knex.transaction(
      async (trx) => {
        // Whatever the server's default, JIT is on in this transaction before the read (the ranges turn it off).
        await trx.raw('SET LOCAL jit = on');
        const before = await jitOf(trx);
        const read = await readAggregate({
          hub: db.knex,
          trx,
          dialect: postgresDialect,
          plan,
          tableSql: '"staff"',
          parts: 2,
          minPages: 1,
          prepare: async () => undefined,
        });
        return { before, read, after: await jitOf(trx) };
      },
      { readOnly: true, isolationLevel: 'repeatable read' },
    );
    const { rows } = await db.knex.raw(`SELECT pg_relation_size('staff') / current_setting('block_size')::bigint AS pages`);
    const ranges = pageRanges(Number(rows[0].pages), 2);
    expect(before).toBe('on');
    expect(Number(read.aggregate.row_count)).toBe(ranges.length);
    expect(Number(read.aggregate.without_jit)).toBe(ranges.filter((r) => r.small).length);
    expect(ranges.some((r) => r.small) && ranges.some((r) => !r.small)).toBe(true);
    expect(after).toBe('on');
  });

  /** Ends the backend running a statement that names `marker` (as a failing hub or a DBA would), once it runs. */
  const terminateWhenRunning = (marker: string) => terminateBackendRunning(db.knex, `%AS ${marker}%`);

  it("a helper's connection lost mid-read fails the table as the hub being unreachable, without hanging", async () => {
    // The helper's range sleeps until the test terminates its backend, as a failing hub or a DBA would.
    const plan = planWithLastRange('SELECT 1 AS row_count, pg_sleep(30) AS split_victim');
    const reading = readInTwoParts(plan, '"staff"').then(
      () => null,
      (err: unknown) => err,
    );
    expect(await terminateWhenRunning('split_victim')).toBe(true);
    const failure = await reading;
    expect(failure).toBeInstanceOf(Error);
    expect(postgresDialect.classifyError(failure)).toBe('hub_unreachable');
  });

  it("the checking transaction's own connection lost mid-read is the hub being unreachable, not the failed rollback", async () => {
    // The checking transaction always reads the first range itself. When its connection dies, knex's
    // ROLLBACK fails too ("Client has encountered a connection error and is not queryable"); the run
    // must report what happened first (57P01, terminating connection), which says the hub went away.
    const plan = {
      aggregate: { sql: 'SELECT 1 AS row_count', bindings: [] },
      aggregateOfPages: (from: number) =>
        from === 0
          ? { sql: 'SELECT 1 AS row_count, pg_sleep(30) AS checking_victim', bindings: [] }
          : { sql: 'SELECT 1 AS row_count', bindings: [] },
      unique: null,
    } as unknown as TablePlan;
    const reading = readInTwoParts(plan, '"staff"').then(
      () => null,
      (err: unknown) => err,
    );
    expect(await terminateWhenRunning('checking_victim')).toBe(true);
    const failure = await reading;
    expect(failure).toMatchObject({ code: '57P01' });
    expect(postgresDialect.classifyError(failure)).toBe('hub_unreachable');
  });

  it("a part that fails on a helper's connection fails the read, as a whole statement would", async () => {
    // A plan whose last page range divides by zero: the checking transaction reads range 0, the
    // helper the last one, and its error must reach the caller (not be swallowed with the helper).
    const plan = planWithLastRange('SELECT 1 / 0 AS row_count');
    const { outcome: failure, seen } = await statementsOf(db.knex, () =>
      readInTwoParts(plan, '"staff"').then(
        () => null,
        (err: unknown) => err,
      ),
    );
    expect(failure).toMatchObject({ code: '22012' });
    expect(seen.filter((s) => s === 'SELECT 1 / 0 AS row_count')).toHaveLength(1);
  });
});

describe('split scan: combining the parts', () => {
  it('parts combine: counts add up, the newest time and the last row address are maxima', () => {
    const at = (s: string) => new Date(s);
    expect(
      combineAggregateRows([
        { row_count: 3, m0: '2', newest_update: at('2026-03-01T00:00:00Z'), m0_last: '(9,30)', m1_last: null },
        { row_count: 4, m0: 1, newest_update: null, m0_last: '(10,2)', m1_last: null },
        { row_count: 0, m0: 0, newest_update: at('2026-03-02T00:00:00Z'), m0_last: null, m1_last: '(0,1)' },
      ]),
    ).toEqual({ row_count: 7, m0: 3, newest_update: at('2026-03-02T00:00:00Z'), m0_last: '(10,2)', m1_last: '(0,1)' });
  });
});
