import { planTable } from '../../rules/facts/plan';
import { builtinChecksOf } from '../../rules/compile';
import { mysqlDialect } from '../../rules/facts/sql-mysql';
import { HubTableShape, isBlankFree, TimeKind } from '../../rules/hub-schema';
import { catalogField as field, catalogTable } from '../../rules/testing';
import type { CheckCalendar } from '../../rules/types';
import type { Sql } from '../../rules/facts/dialect';

// The MySQL/MariaDB SQL builder (mysql2 is not installed, so these assert the generated SQL; the
// statements were also run by hand on MariaDB 10.11).

const TZ = 'Asia/Shanghai';
const NOW = new Date('2026-03-10T02:00:00Z'); // 10:00 in Shanghai
const calendar: CheckCalendar = {
  addWorkingDays: () => '2026-03-10',
  latestCutoffForWorkingDays: () => '2026-03-03',
  latestOccurrenceBefore: (event) => (event === 'semester_start' ? '2026-02-23' : null),
};
function shape(name: string, columns: Record<string, string>): HubTableShape {
  const kind = (t: string): TimeKind => (t === 'date' ? 'date' : t === 'datetime' || t === 'timestamp' ? 'timestamp' : 'other');
  return {
    name,
    columns: new Map(
      Object.entries(columns).map(([n, t]) => [
        n,
        { name: n, dataType: t, timeKind: kind(t), blankFree: isBlankFree('mysql', t) },
      ]),
    ),
  };
}
const placeholders = (q: Sql) => (q.sql.match(/\?/g) ?? []).length;

const staff = catalogTable('staff', {
  key: ['staff_no'],
  updatedAt: 'update_time',
  scope: { status: ['在职'] },
  fields: [
    field('staff_no', { required: true, unique: true, pattern: '^[0-9]{8}$' }),
    field('name', { unique: true, deadline: { kind: 'after', column: 'registered_at', within: { amount: 24, unit: 'h' } } }),
    field('gender', { codes: { kind: 'inline', values: ['1', '2'] } }),
    field('id_card', { validate: 'cn_id_card' }),
    field('unit_code', {
      references: { table: 'org', column: 'unit_code' },
      codes: { kind: 'hub', table: 'org', column: 'unit_code' },
    }),
    field('duty_status', { deadline: { kind: 'afterEvent', event: 'semester_start', within: { amount: 7, unit: 'd' } } }),
  ],
});
const shapes = new Map([
  [
    'staff',
    shape('staff', {
      staff_no: 'varchar',
      name: 'varchar',
      gender: 'char',
      id_card: 'varchar',
      unit_code: 'varchar',
      duty_status: 'varchar',
      status: 'varchar',
      registered_at: 'datetime',
      update_time: 'timestamp',
    }),
  ],
  ['org', shape('org', { unit_code: 'varchar' })],
]);
const plan = planTable({ table: staff, dialect: mysqlDialect, shapes, now: NOW, timezone: TZ, calendar, nullCountColumns: [] });

describe('MySQL/MariaDB check SQL', () => {
  it('is one aggregate with SUM(CASE …) counts, backtick identifiers and as many bindings as placeholders', () => {
    const q = plan.aggregate;
    expect(q.sql).toMatch(
      /^SELECT COUNT\(\*\) AS `row_count`, DATE_FORMAT\(MAX\(`t`\.`update_time`\), '%Y-%m-%d %H:%i:%s\.%f'\) AS `newest_update`, COALESCE\(SUM\(CASE WHEN /,
    );
    expect(q.sql).not.toMatch(/FILTER|"/);
    expect(q.sql).toContain(
      'FROM `staff` AS `t` LEFT JOIN (SELECT DISTINCT TRIM(CAST(`unit_code` AS CHAR)) AS `v` FROM `org`) AS `h0`',
    );
    expect(placeholders(q)).toBe(q.bindings.length);
  });

  it('binds regular expressions case-sensitively and compares code values byte for byte', () => {
    expect(plan.aggregate.bindings).toContain('(?-i)^[0-9]{8}$');
    expect(plan.aggregate.bindings).toContain('(?-i)^[0-9]{17}[0-9X]$');
    expect(plan.aggregate.sql).toContain('CAST(TRIM(CAST(`t`.`gender` AS CHAR)) AS BINARY) IN (?, ?)');
    expect(plan.aggregate.sql).toContain('CAST(TRIM(CAST(`t`.`status` AS CHAR)) AS BINARY) IN (?)');
  });

  it('compares naive DATETIME/TIMESTAMP columns with wall-clock strings in the catalog timezone', () => {
    // 24h before 2026-03-10 10:00 Shanghai; the semester started 2026-02-23 00:00 Shanghai.
    expect(plan.aggregate.sql).toContain('`t`.`registered_at` <= ?');
    expect(plan.aggregate.bindings).toContain('2026-03-09 10:00:00.000');
    expect(plan.aggregate.sql).toContain('`t`.`update_time` IS NULL OR `t`.`update_time` < ?');
    expect(plan.aggregate.bindings).toContain('2026-02-23 00:00:00.000');
    expect(mysqlDialect.readInstant('2026-03-09 12:00:00.000000', TZ)?.toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });

  it('folds all unique fields into one statement and all references into one anti-join statement', () => {
    expect(plan.unique!.sql).toMatch(
      /^SELECT \(SELECT CAST\(COALESCE\(SUM\(`d`\.`n`\), 0\) AS SIGNED\).*AS `u0`, \(SELECT .*AS `u1`$/s,
    );
    expect(placeholders(plan.unique!)).toBe(plan.unique!.bindings.length);
    expect(plan.references!.sql).toContain(
      'LEFT JOIN (SELECT DISTINCT TRIM(CAST(`unit_code` AS CHAR)) AS `v` FROM `org`) AS `r0` ON CAST(`r0`.`v` AS BINARY) = CAST(TRIM(CAST(`t`.`unit_code` AS CHAR)) AS BINARY)',
    );
    expect(plan.references!.sql).toContain('`r0`.`v` IS NULL');
  });

  it('fetches sample keys of all failing checks in one UNION ALL with a bound LIMIT per check; hub codes use the same anti-join there', () => {
    // Not a correlated NOT EXISTS: MariaDB's subquery cache compares the outer value by collation ('u1' = 'U1').
    const codes = plan.checks.find((c) => c.check === 'codes' && c.field === 'unit_code')!;
    const required = plan.checks.find((c) => c.check === 'required' && c.field === 'staff_no')!;
    const q = plan.samplesQuery([codes, required].map((c) => ({ sample: c.sample!, sampleJoins: c.sampleJoins, limit: 20 })))!;
    expect(q.sql).toMatch(
      /^\(SELECT 0 AS `c`, CAST\(`t`\.`staff_no` AS CHAR\) AS `k0` FROM `staff` AS `t` LEFT JOIN \(SELECT DISTINCT .* AS `h0` ON .* WHERE .*`h0`\.`v` IS NULL\) LIMIT \?\) UNION ALL \(SELECT 1 AS `c`, .* LIMIT \?\)$/s,
    );
    // No ORDER BY: each branch stops at its 20th violating row instead of sorting them all.
    expect(q.sql).not.toMatch(/ORDER BY/);
    expect(q.bindings.filter((b) => b === 20)).toHaveLength(2);
    expect(placeholders(q)).toBe(q.bindings.length);
  });

  it('quotes hostile names with doubled backticks', () => {
    const evil = 'x`; drop table t; --';
    const p = planTable({
      table: catalogTable(evil, { fields: [field('a`b', { required: true })] }),
      dialect: mysqlDialect,
      shapes: new Map([[evil, shape(evil, { 'a`b': 'varchar' })]]),
      now: NOW,
      timezone: TZ,
      calendar,
      nullCountColumns: [],
    });
    expect(p.aggregate.sql).toContain('FROM `x``; drop table t; --` AS `t`');
    expect(p.aggregate.sql).toContain('TRIM(CAST(`t`.`a``b` AS CHAR)) IS NULL');
  });

  it('maps server errors to table error codes', () => {
    expect(mysqlDialect.classifyError({ errno: 1969 })).toBe('timeout'); // MariaDB max_statement_time
    expect(mysqlDialect.classifyError({ errno: 3024 })).toBe('timeout'); // MySQL max_execution_time
    expect(mysqlDialect.classifyError({ errno: 1146 })).toBe('table_missing');
    expect(mysqlDialect.classifyError({ errno: 1054 })).toBe('column_missing');
    expect(mysqlDialect.classifyError({ code: 'ECONNREFUSED' })).toBe('hub_unreachable');
    expect(mysqlDialect.classifyError({ errno: 1064 })).toBe('query_failed');
  });
});

describe('builtinChecksOf (what a custom rule may name)', () => {
  it('lists exactly the field checks the engine plans for the table, with freshness when the table has a bound', () => {
    const planned = plan.checks.map((c) => ({ check: c.check, field: c.field }));
    expect(builtinChecksOf(staff)).toEqual(planned);
    expect(planned.map((c) => `${c.check}:${c.field}`)).toEqual([
      'required:staff_no',
      'pattern:staff_no',
      'unique:staff_no',
      'deadline:name',
      'unique:name',
      'codes:gender',
      'validate:id_card',
      'codes:unit_code',
      'references:unit_code',
      'deadline:duty_status',
    ]);
    expect(builtinChecksOf({ ...staff, freshness: { amount: 24, unit: 'h' } })[0]).toEqual({ check: 'freshness', field: null });
  });
});
