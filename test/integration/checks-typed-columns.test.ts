import type { Knex } from 'knex';
import { runTableChecks } from '../../rules/engine';
import { catalogField as field, catalogTable } from '../../rules/testing';
import type { CheckContext, TableCheckOutcome } from '../../rules/types';
import { createCalendar } from '../../server/services/calendar';
import { createTestDatabase, TestDatabase } from '../helpers/database';

// Checks on columns that are not text (numbers, dates, timestamps, booleans, UUIDs): such a value is
// empty only when NULL, and its text needs no trimming — the checks say so in SQL (IS NULL, no
// btrim of the formatted value) and must give the verdicts the trimmed text would give.

const TZ = 'Asia/Shanghai';
const calendar = createCalendar({ timezone: TZ, events: [], holidays: [], workdays: [] });
const ctx: CheckContext = { now: new Date('2026-03-10T10:00:00+08:00'), timezone: TZ, calendar, dialect: 'postgres' };

function result(o: TableCheckOutcome, check: string, fieldName: string | null) {
  const r = o.results.find((x) => x.check === check && x.field === fieldName);
  if (!r) throw new Error(`no ${check} result for ${fieldName} in ${JSON.stringify(o)}`);
  return r;
}

/** Runs the checks and returns the outcome with every statement sent to the hub. */
async function checkWithStatements(
  knex: Knex,
  ...args: Parameters<typeof runTableChecks> extends [unknown, ...infer R] ? R : never
) {
  const statements: string[] = [];
  const listener = (q: { sql: string }) => statements.push(q.sql);
  knex.on('query', listener);
  try {
    return { outcome: await runTableChecks(knex, ...args), statements };
  } finally {
    knex.removeListener('query', listener);
  }
}

describe('check engine: columns that are not text', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('hw_checks_typed');
    for (const s of [
      `CREATE TABLE unit_list (code varchar(10))`,
      // A referenced code written with blanks around it still names unit 7.
      `INSERT INTO unit_list VALUES (' 7 '), ('8'), (E'\\u30009\\u3000')`,
      `CREATE TABLE payment (id int, status text, amount numeric(10,2), paid_on date, paid_at timestamptz,
         refunded boolean, batch uuid, unit int, seq bigint)`,
      `INSERT INTO payment VALUES
         (1, '有效', 12.50, '2026-03-01', '2026-03-01 08:00+08', false, '00000000-0000-0000-0000-000000000001', 7, 1),
         (2, '有效', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
         (3, '有效', 0, '2026-03-02', '2026-03-02 08:00+08', true, '00000000-0000-0000-0000-000000000002', 9, 2),
         (4, '有效', 100, '2026-03-03', '2026-03-03 08:00+08', false, '00000000-0000-0000-0000-000000000003', 10, 2),
         (5, '作废', NULL, NULL, NULL, NULL, NULL, 99, 3)`,
    ])
      await db.knex.raw(s);
  });
  afterAll(() => db.close());

  it('required counts NULL only; pattern, codes, unique and references compare the plain text', async () => {
    const table = catalogTable('payment', {
      key: ['id'],
      scope: { status: ['有效'] },
      fields: [
        field('amount', { required: true, pattern: '^[0-9]+\\.[0-9]{2}$' }),
        field('paid_on', { required: true }),
        field('paid_at', { required: true }),
        field('refunded', { required: true, codes: { kind: 'inline', values: ['false'] } }),
        field('batch', { required: true }),
        field('unit', { references: { table: 'unit_list', column: 'code' } }),
        field('seq', { unique: true, codes: { kind: 'inline', values: ['1', '2'] } }),
      ],
    });
    const { outcome: o, statements } = await checkWithStatements(db.knex, table, ctx);
    expect(o.status).toBe('ok');
    for (const name of ['amount', 'paid_on', 'paid_at', 'refunded', 'batch'])
      expect(result(o, 'required', name)).toMatchObject({
        passed: false,
        violations: 1,
        checkedRows: 4,
        sampleKeys: [{ id: '2' }],
      });
    // 12.50 and 100.00 have two decimals as numeric(10,2) prints them; 0 prints as 0.00 too.
    expect(result(o, 'pattern', 'amount')).toMatchObject({ passed: true, violations: 0, checkedRows: 3 });
    expect(result(o, 'codes', 'refunded')).toMatchObject({ passed: false, violations: 1, sampleKeys: [{ id: '3' }] });
    // 7 and 9 name trimmed codes of unit_list; 10 names none; row 5 is out of scope.
    expect(result(o, 'references', 'unit')).toMatchObject({
      passed: false,
      violations: 1,
      checkedRows: 3,
      sampleKeys: [{ id: '4' }],
    });
    expect(result(o, 'unique', 'seq')).toMatchObject({ passed: false, violations: 2, checkedRows: 3 });
    expect(result(o, 'codes', 'seq')).toMatchObject({ passed: true, violations: 0 });

    // None of the typed columns' values is formatted and trimmed; the text column of the scope is.
    const all = statements.join('\n');
    for (const column of ['amount', 'paid_on', 'paid_at', 'refunded', 'batch', 'unit', 'seq'])
      expect(all).not.toMatch(new RegExp(`btrim\\(CAST\\("t"\\."${column}" AS text\\)`));
    expect(all).toMatch(/btrim\(CAST\((CAST\()?"t"\."status" AS text\)/);
    expect(all).toMatch(/btrim\(CAST\("code" AS text\)/);
  });

  it('a custom rule’s null_count of a typed column counts NULLs', async () => {
    const table = catalogTable('payment', { key: ['id'], fields: [] });
    const o = await runTableChecks(db.knex, table, ctx, [
      {
        name: 'amount_missing',
        table: 'payment',
        conditions: { all: [{ fact: 'null_count', params: { field: 'amount' }, operator: 'greaterThanInclusive', value: 2 }] },
        event: { type: 'violation', params: { severity: 'low', message: 'amounts missing' } },
      },
    ]);
    expect(o.status).toBe('ok');
    expect(o.facts?.null_counts).toEqual({ amount: 2 });
    expect(result(o, 'rule:amount_missing', null)).toMatchObject({ passed: false });
  });
});
