import { runChecks, runTableChecks } from '../../rules/engine';
import { catalogField as field, catalogTable } from '../../rules/testing';
import type { CheckContext, TableCheckOutcome } from '../../rules/types';
import { createCalendar } from '../../server/services/calendar';
import type { Catalog, CustomRule } from '../../server/services/catalog/types';
import { createTestDatabase, TestDatabase } from '../helpers/database';

// Custom rules[] in json-rules-engine JSON over the table's facts (row_count_change, null_ratio,
// violations …), as the example catalog writes them.

const TZ = 'Asia/Shanghai';
const calendar = createCalendar({ timezone: TZ, events: [], holidays: [], workdays: [] });
const ctx: CheckContext = { now: new Date('2026-03-10T10:00:00+08:00'), timezone: TZ, calendar, dialect: 'postgres' };

const headcountDrop: CustomRule = {
  name: 'staff_headcount_drop',
  table: 'staff',
  conditions: { all: [{ fact: 'row_count_change', operator: 'lessThan', value: -0.2 }] },
  event: { type: 'ticket', params: { severity: 'high', message: '教职工人数较上次检查下降超过20%' } },
};
const readerMissing: CustomRule = {
  name: 'loan_reader_missing',
  table: 'loans',
  conditions: { all: [{ fact: 'null_ratio', params: { field: 'reader_no' }, operator: 'greaterThan', value: 0.01 }] },
  event: { type: 'ticket', params: { severity: 'low', message: '借阅记录读者号缺失超过1%' } },
};
const rule = (o: TableCheckOutcome, name: string) => o.results.find((r) => r.check === `rule:${name}`);

describe('check engine: custom rules', () => {
  let db: TestDatabase;
  const staff = catalogTable('staff', { key: ['staff_no'], fields: [field('name', { required: true })] });
  const loans = catalogTable('loans', { department: 'LIB', key: ['loan_id'] });

  beforeAll(async () => {
    db = await createTestDatabase('hw_checks_rules');
    await db.knex.raw('CREATE TABLE staff (staff_no text, name text)');
    await db.knex.raw(
      `INSERT INTO staff VALUES ('1', 'a'), ('2', NULL), ('3', 'c'), ('4', NULL), ('5', 'e'), ('6', 'f'), ('7', 'g')`,
    );
    // reader_no is not a declared field: custom rules may read any column of the table.
    await db.knex.raw('CREATE TABLE loans (loan_id int, reader_no text)');
    await db.knex.raw(`INSERT INTO loans VALUES (1, 'R1'), (2, NULL), (3, ' '), (4, 'R4')`);
  });
  afterAll(() => db.close());

  it('row_count_change below -20% fires a failing rule:<name> result with the event severity and message', async () => {
    const dropped = await runTableChecks(db.knex, staff, { ...ctx, previousRowCounts: { staff: 10 } }, [
      headcountDrop,
      readerMissing,
    ]);
    expect(dropped.facts).toMatchObject({ row_count: 7, row_count_previous: 10, row_count_change: -0.3 });
    expect(rule(dropped, 'staff_headcount_drop')).toEqual({
      check: 'rule:staff_headcount_drop',
      department: 'HR',
      table: 'staff',
      field: null,
      passed: false,
      violations: 1,
      checkedRows: 1,
      sampleKeys: [],
      severity: 'high',
      message: '教职工人数较上次检查下降超过20%',
      details: { facts: { row_count_change: -0.3 } },
    });
    // Rules of other tables are not evaluated here.
    expect(rule(dropped, 'loan_reader_missing')).toBeUndefined();

    const small = await runTableChecks(db.knex, staff, { ...ctx, previousRowCounts: { staff: 8 } }, [headcountDrop]);
    expect(rule(small, 'staff_headcount_drop')).toMatchObject({ passed: true, violations: 0 });
    const first = await runTableChecks(db.knex, staff, ctx, [headcountDrop]);
    expect(first.facts?.row_count_change).toBeNull();
    expect(rule(first, 'staff_headcount_drop')).toMatchObject({ passed: true });
  });

  it('null_ratio reads blanks of any column; a rule that does not fire yields a passing result', async () => {
    const o = await runTableChecks(db.knex, loans, ctx, [readerMissing]);
    expect(o.facts?.null_counts).toEqual({ reader_no: 2 });
    expect(rule(o, 'loan_reader_missing')).toMatchObject({
      passed: false,
      severity: 'low',
      department: 'LIB',
      details: { facts: { 'null_ratio(reader_no)': 0.5 } },
    });
    const lenient = {
      ...readerMissing,
      conditions: { all: [{ fact: 'null_ratio', params: { field: 'reader_no' }, operator: 'greaterThan', value: 0.5 }] },
    };
    expect(rule(await runTableChecks(db.knex, loans, ctx, [lenient]), 'loan_reader_missing')).toMatchObject({
      passed: true,
      violations: 0,
      severity: 'low',
    });
  });

  it('violations and checked_rows facts expose the built-in checks to custom rules', async () => {
    const mostlyNamed: CustomRule = {
      name: 'names_mostly_missing',
      table: 'staff',
      conditions: {
        all: [
          { fact: 'violations', params: { check: 'required', field: 'name' }, operator: 'greaterThanInclusive', value: 2 },
          { fact: 'checked_rows', params: { check: 'required', field: 'name' }, operator: 'equal', value: 7 },
        ],
      },
      event: { type: 'ticket', params: { message: 'x' } },
    };
    const o = await runTableChecks(db.knex, staff, ctx, [mostlyNamed]);
    expect(rule(o, 'names_mostly_missing')).toMatchObject({ passed: false, severity: 'medium', message: 'x' });
    expect(o.results.find((r) => r.check === 'required')).toMatchObject({ violations: 2, checkedRows: 7 });
  });

  it('a rule naming an unknown fact or a missing column makes the table an error, not a finding', async () => {
    const typo: CustomRule = { ...headcountDrop, conditions: { all: [{ fact: 'row_cnt', operator: 'lessThan', value: 1 }] } };
    const bad = await runTableChecks(db.knex, staff, ctx, [typo]);
    expect(bad).toMatchObject({ status: 'error', results: [], error: { code: 'query_failed' } });
    expect(bad.error?.message).toContain('staff_headcount_drop');
    expect(bad.error?.message).toContain('row_cnt');
    const ghost: CustomRule = {
      ...readerMissing,
      conditions: { all: [{ fact: 'null_count', params: { field: 'ghost' }, operator: 'greaterThan', value: 0 }] },
    };
    const missing = await runTableChecks(db.knex, loans, ctx, [ghost]);
    expect(missing).toMatchObject({ status: 'error', error: { code: 'column_missing' } });
    expect(missing.error?.message).toContain('ghost');
  });

  it('runChecks runs the catalog (or the named tables), reports each table as it finishes and goes on after a missing one', async () => {
    const catalog: Catalog = {
      calendar: { timezone: TZ, events: [], holidays: [], workdays: [] },
      departments: [],
      systems: [],
      tables: [staff, catalogTable('not_in_hub', { key: ['id'] }), loans],
      rules: [headcountDrop, readerMissing],
    };
    const seen: string[] = [];
    const run = await runChecks(
      db.knex,
      catalog,
      { ...ctx, previousRowCounts: { staff: 10 } },
      { onTable: (o) => void seen.push(`${o.table}:${o.status}`) },
    );
    expect(seen).toEqual(['staff:ok', 'not_in_hub:error', 'loans:ok']);
    expect(run.tables[1].error?.code).toBe('table_missing');
    expect(run.tables[0].results.map((r) => r.check)).toEqual(['required', 'rule:staff_headcount_drop']);
    expect(run.tables[2].results.map((r) => `${r.check}:${r.passed}`)).toEqual(['rule:loan_reader_missing:false']);
    const one = await runChecks(db.knex, catalog, ctx, { tables: ['loans'] });
    expect(one.tables.map((t) => t.table)).toEqual(['loans']);
  });
});
