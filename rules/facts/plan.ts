import { builtinCodeValues } from '../../server/services/catalog/code-lists';
import type { CatalogField, CatalogTable, Duration, Severity } from '../../server/services/catalog/types';
import { deadlineCutoff, latestPassedOccurrence } from '../deadlines';
import { findColumn, HubColumn, HubTableShape } from '../hub-schema';
import { localDate, startOfDay } from '../time';
import type { BuiltinCheck, CheckCalendar, TableErrorCode } from '../types';
import { joinSql, sql, Sql, SqlDialect } from './dialect';
import { validatorCondition } from './validators';

/** A problem found while planning a table's SQL: the table is recorded as an error, not as bad data. */
export class PlanError extends Error {
  constructor(
    public readonly code: TableErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Where a check's number comes from: an aliased column of one of the table's queries, or a constant. */
export type Metric = { query: 'aggregate' | 'unique' | 'references'; alias: string } | { constant: number };

export interface PlannedCheck {
  check: BuiltinCheck;
  field: string | null;
  department: string;
  severity: Severity;
  violations: Metric;
  checked: Metric;
  /** WHERE condition (over alias t) selecting the violating rows, for sample keys; null: no samples. */
  sample: Sql | null;
  /** LEFT JOINs the sample condition needs (anti-joins of hub codes and references). */
  sampleJoins?: Sql[];
  details?: Record<string, unknown>;
}

export interface TablePlan {
  /** ONE statement: row count, newest timestamp and every per-field count. */
  aggregate: Sql;
  /** All unique fields folded into one statement, or null. */
  unique: Sql | null;
  /** All references folded into one statement (LEFT JOIN anti-joins), or null. */
  references: Sql | null;
  checks: PlannedCheck[];
  /** Whether `newest_update` is selected (the table has an updated_at column). */
  hasNewest: boolean;
  /** Custom-rule column → alias of its empty count in the aggregate. */
  nullCountAliases: Record<string, string>;
  /** The statement fetching keys of violating rows, ordered by key; null when the table has no key. */
  sampleQuery(cond: Sql, limit: number, joins?: Sql[]): Sql | null;
  keyNames: string[];
}

export interface PlanInput {
  table: CatalogTable;
  dialect: SqlDialect;
  /** Shapes of the table and of every table its codes/references name, by catalog name; absent = missing. */
  shapes: Map<string, HubTableShape>;
  now: Date;
  timezone: string;
  calendar: CheckCalendar;
  /** Columns whose empty counts custom rules read (null_count / null_ratio). */
  nullCountColumns: string[];
}

/** How a condition refers to a row's values: the trimmed text of a column, a raw column, the scope. */
interface Refs {
  v(columnRef: string): string;
  col(columnRef: string): string;
  scope(): Sql;
  /**
   * A per-row value computed once (a column of the PostgreSQL aggregate's derived table), for
   * expressions a condition would otherwise repeat; absent where conditions are written inline.
   */
  once?(key: string, expr: () => Sql): string;
}

export const formatDuration = (d: Duration) => `${d.amount}${d.unit}`;

const paren = (p: Sql): Sql => ({ sql: `(${p.sql})`, bindings: p.bindings });
const and = (...parts: Sql[]): Sql => joinSql(parts.map(paren), ' AND ');
const or = (...parts: Sql[]): Sql => paren(joinSql(parts.map(paren), ' OR '));
const not = (p: Sql): Sql => ({ sql: `NOT (${p.sql})`, bindings: p.bindings });
const placeholders = (n: number) => new Array(n).fill('?').join(', ');

export function planTable(input: PlanInput): TablePlan {
  const { table, dialect: d, now, timezone, calendar } = input;
  const shape = input.shapes.get(table.name);
  if (!shape) throw new PlanError('table_missing', `中台中不存在表 ${table.name} / hub table ${table.name} does not exist`);
  const T = d.ident('t');
  const from = `${d.table(table.name)} AS ${T}`;
  const today = localDate(now, timezone);

  const column = (name: string, where: string): { ref: string; col: HubColumn } => {
    const col = findColumn(shape, d.name, name);
    if (!col) {
      throw new PlanError(
        'column_missing',
        `表 ${table.name} 没有列 ${name}（${where}）/ table ${table.name} has no column ${name} (${where})`,
      );
    }
    return { ref: `${T}.${d.ident(col.name)}`, col };
  };
  const timeColumn = (name: string, where: string) => {
    const c = column(name, where);
    if (c.col.timeKind === 'other') {
      throw new PlanError(
        'query_failed',
        `表 ${table.name} 的列 ${name}（${where}）类型为 ${c.col.dataType}，应为日期或时间类型 / column ${name} (${where}) is ${c.col.dataType}, expected a date or time type`,
      );
    }
    return c;
  };
  const otherTable = (name: string, columnName: string, where: string): { table: string; column: string } => {
    const other = input.shapes.get(name);
    if (!other)
      throw new PlanError(
        'table_missing',
        `${where} 引用的表 ${name} 在中台中不存在 / table ${name} named by ${where} does not exist in the hub`,
      );
    const col = findColumn(other, d.name, columnName);
    if (!col)
      throw new PlanError(
        'column_missing',
        `${where} 引用的表 ${name} 没有列 ${columnName} / table ${name} named by ${where} has no column ${columnName}`,
      );
    return { table: d.table(name), column: d.ident(col.name) };
  };

  // Conditions are functions of how a row's values are referenced (`Refs`): inline expressions for
  // sample, uniqueness and references statements; in the PostgreSQL aggregate, columns of a derived
  // table that computes each trimmed value and the scope once per row (OFFSET 0 keeps the planner
  // from inlining them back), so 20 checks do not trim the same column 20 times.
  type Cond = (r: Refs) => Sql;
  const inline: Refs = { v: (ref) => d.trimmedText(ref), col: (ref) => ref, scope: () => scopeSql };
  const counts: Array<{ alias: string; cond: Cond }> = [];
  const count = (cond: Cond): Metric => {
    const alias = `m${counts.length}`;
    counts.push({ alias, cond });
    return { query: 'aggregate', alias };
  };
  const all =
    (...parts: Cond[]): Cond =>
    (r) =>
      and(...parts.map((p) => p(r)));
  const joins: Array<(r: Refs) => Sql> = [];
  const uniques: Sql[] = [];
  const refCounts: Sql[] = [];
  const refJoins: Sql[] = [];
  const checks: PlannedCheck[] = [];

  const keys = table.key.map((k) => column(k, 'key'));
  const updated = table.updatedAt ? timeColumn(table.updatedAt, 'updated_at') : null;

  const scopeParts = Object.entries(table.scope).map(([name, values]): Sql => {
    const c = column(name, 'scope');
    return values.length === 0
      ? sql('1 = 0')
      : sql(`${d.exact(d.trimmedText(c.ref))} IN (${placeholders(values.length)})`, values);
  });
  const scopeSql = scopeParts.length ? and(...scopeParts) : sql('1 = 1');
  const scope: Cond = (r) => r.scope();
  const scopeRows: Metric = scopeParts.length ? count(scope) : { query: 'aggregate', alias: 'row_count' };

  for (const field of table.fields) {
    const f = column(field.name, `fields.${field.name}`);
    const v = (r: Refs) => r.v(f.ref);
    // btrim/TRIM keep NULL as NULL, so the trimmed value alone tells empty from not.
    const empty: Cond = (r) => sql(`${v(r)} IS NULL OR ${v(r)} = ''`);
    const nonEmpty: Cond = (r) => sql(`${v(r)} <> ''`);
    const base = { field: field.name, department: field.department ?? table.department, severity: field.severity };
    const hasValidity = Boolean(field.pattern || field.validate || field.codes || field.unique || field.references);
    const values: Metric = hasValidity ? count(all(scope, nonEmpty)) : { constant: 0 };
    const invalid = (check: BuiltinCheck, valid: Cond, extra?: Record<string, unknown>) => {
      const cond = all(scope, nonEmpty, (r) => not(valid(r)));
      checks.push({ check, ...base, violations: count(cond), checked: values, sample: cond(inline), details: extra });
    };

    if (field.deadline) checks.push(planDeadline(field, empty));
    else if (field.required) {
      const cond = all(scope, empty);
      checks.push({ check: 'required', ...base, violations: count(cond), checked: scopeRows, sample: cond(inline) });
    }
    if (field.pattern) {
      const pattern = field.pattern;
      invalid('pattern', (r) => d.regexMatch(v(r), pattern), { pattern });
    }
    if (field.validate) {
      const validator = field.validate;
      // The PostgreSQL aggregate lets the ID check compute the number's body once per row.
      const perRow = (r: Refs) => (r.once ? { once: r.once.bind(r), raw: d.trimmedText(f.ref) } : undefined);
      invalid('validate', (r) => validatorCondition(d, validator, v(r), today, f.col.timeKind, perRow(r)), {
        validate: validator,
      });
    }
    if (field.codes) {
      const codes = field.codes;
      if (codes.kind === 'hub') {
        const other = otherTable(codes.table, codes.column, `fields.${field.name}.codes`);
        const h = d.ident(`h${joins.length}`);
        const join = (r: Refs) =>
          sql(
            `LEFT JOIN (SELECT DISTINCT ${d.trimmedText(other.column)} AS ${d.ident('v')} FROM ${other.table}) AS ${h} ON ${d.exact(`${h}.${d.ident('v')}`)} = ${d.exact(v(r))}`,
          );
        joins.push(join);
        const cond = all(scope, nonEmpty, () => sql(`${h}.${d.ident('v')} IS NULL`));
        checks.push({
          check: 'codes',
          ...base,
          violations: count(cond),
          checked: values,
          sample: cond(inline),
          sampleJoins: [join(inline)],
          details: { codes: `${codes.table}.${codes.column}` },
        });
      } else {
        const list = codes.kind === 'builtin' ? builtinCodeValues(codes.name) : codes.values;
        if (!list)
          throw new PlanError('query_failed', `未知的代码表 ${codes.kind === 'builtin' ? codes.name : ''} / unknown code list`);
        const valid: Cond = (r) => (list.length ? sql(`${d.exact(v(r))} IN (${placeholders(list.length)})`, list) : sql('1 = 0'));
        invalid('codes', valid, { codes: codes.kind === 'builtin' ? codes.name : 'inline' });
      }
    }
    const exactV = d.exact(v(inline));
    if (field.unique) {
      const alias = `u${uniques.length}`;
      const dups = all(scope, nonEmpty)(inline);
      const D = d.ident('d');
      const groups = joinSql(
        [sql(`SELECT ${exactV} FROM ${from} WHERE`), dups, sql(`GROUP BY ${exactV} HAVING COUNT(*) > 1`)],
        ' ',
      );
      uniques.push(
        joinSql(
          [
            sql(
              `(SELECT ${d.toBigint(`COALESCE(SUM(${D}.${d.ident('n')}), 0)`)} FROM (SELECT COUNT(*) AS ${d.ident('n')} FROM ${from} WHERE`,
            ),
            dups,
            sql(`GROUP BY ${exactV} HAVING COUNT(*) > 1) AS ${D}) AS ${d.ident(alias)}`),
          ],
          ' ',
        ),
      );
      const sample = and(dups, joinSql([sql(`${exactV} IN (`), groups, sql(')')], ''));
      checks.push({ check: 'unique', ...base, violations: { query: 'unique', alias }, checked: values, sample });
    }
    if (field.references) {
      const ref = field.references;
      const other = otherTable(ref.table, ref.column, `fields.${field.name}.references`);
      const alias = `r${refJoins.length}`;
      const R = d.ident(alias);
      const join = sql(
        `LEFT JOIN (SELECT DISTINCT ${d.trimmedText(other.column)} AS ${d.ident('v')} FROM ${other.table}) AS ${R} ON ${d.exact(`${R}.${d.ident('v')}`)} = ${exactV}`,
      );
      refJoins.push(join);
      refCounts.push(sql(`${d.countIf(`(${nonEmpty(inline).sql}) AND ${R}.${d.ident('v')} IS NULL`)} AS ${R}`));
      // An anti-join, not a correlated NOT EXISTS: MariaDB's subquery cache would match 'u1' to 'U1'.
      const sample = all(scope, nonEmpty, () => sql(`${R}.${d.ident('v')} IS NULL`))(inline);
      checks.push({
        check: 'references',
        ...base,
        violations: { query: 'references', alias },
        checked: values,
        sample,
        sampleJoins: [join],
        details: { references: `${ref.table}.${ref.column}` },
      });
    }
  }

  const nullCountAliases: Record<string, string> = {};
  for (const name of input.nullCountColumns) {
    const c = column(name, 'rules null_count/null_ratio');
    const m = count((r) => sql(`${r.v(c.ref)} IS NULL OR ${r.v(c.ref)} = ''`)) as { alias: string };
    nullCountAliases[name] = m.alias;
  }

  function planDeadline(field: CatalogField, empty: Cond): PlannedCheck {
    const deadline = field.deadline!;
    const base = {
      check: 'deadline' as const,
      field: field.name,
      department: field.department ?? table.department,
      severity: field.severity,
    };
    const within = formatDuration(deadline.within);
    if (deadline.kind === 'after') {
      const after = timeColumn(deadline.column, `fields.${field.name}.deadline.after`);
      const cut = deadlineCutoff(deadline.within, now, timezone, calendar);
      const due: Cond = (r) => {
        if (after.col.timeKind === 'date') return sql(`${r.col(after.ref)} <= ?`, [cut.cutoffDate]);
        const i = d.instant(r.col(after.ref), after.col.timeKind, timezone);
        return sql(`${i.sql} ${cut.instant.op} ?`, [...i.bindings, d.instantValue(cut.instant.at, timezone)]);
      };
      const violating = all(scope, due, empty);
      return {
        ...base,
        violations: count(violating),
        checked: count(all(scope, due)),
        sample: violating(inline),
        details: {
          after: deadline.column,
          within,
          dueIf:
            after.col.timeKind === 'date'
              ? `${deadline.column} <= ${cut.cutoffDate}`
              : `${deadline.column} ${cut.instant.op} ${cut.instant.at.toISOString()}`,
        },
      };
    }
    const occurrence = latestPassedOccurrence(deadline.event, deadline.within, now, timezone, calendar);
    if (!occurrence) {
      return {
        ...base,
        violations: { constant: 0 },
        checked: { constant: 0 },
        sample: null,
        details: { event: deadline.event, within, occurrence: null },
      };
    }
    let violating = all(scope, empty);
    if (updated) {
      const stale: Cond = (r) => {
        const u = r.col(updated.ref);
        if (updated.col.timeKind === 'date') return sql(`${u} IS NULL OR ${u} < ?`, [occurrence]);
        const i = d.instant(u, updated.col.timeKind, timezone);
        return sql(`${u} IS NULL OR ${i.sql} < ?`, [...i.bindings, d.instantValue(startOfDay(occurrence, timezone), timezone)]);
      };
      violating = all(scope, (r) => or(empty(r), stale(r)));
    }
    return {
      ...base,
      violations: count(violating),
      checked: scopeRows,
      sample: violating(inline),
      details: { event: deadline.event, within, occurrence },
    };
  }

  // The aggregate: over the table itself, or (PostgreSQL) over a derived table projecting each
  // referenced value once.
  const projections: Sql[] = [];
  const projected = new Map<string, string>();
  const project = (key: string, expr: () => Sql): string => {
    let name = projected.get(key);
    if (!name) {
      name = `p${projected.size}`;
      projected.set(key, name);
      const e = expr();
      projections.push(sql(`${e.sql} AS ${d.ident(name)}`, e.bindings));
    }
    return `${T}.${d.ident(name)}`;
  };
  const aggregateRefs: Refs = d.projectOnce
    ? {
        v: (ref) => project(`v:${ref}`, () => sql(d.trimmedText(ref))),
        col: (ref) => project(`c:${ref}`, () => sql(ref)),
        scope: () => (scopeParts.length ? sql(project('scope', () => scopeSql)) : sql('1 = 1')),
        once: (key, expr) => project(`once:${key}`, expr),
      }
    : inline;
  const newest = updated ? d.newest(aggregateRefs.col(updated.ref), updated.col.timeKind, timezone) : null;
  const selectList: Sql[] = [sql(`COUNT(*) AS ${d.ident('row_count')}`)];
  if (newest) selectList.push(sql(`${newest.sql} AS ${d.ident('newest_update')}`, newest.bindings));
  for (const c of counts) {
    const cond = c.cond(aggregateRefs);
    selectList.push(sql(`${d.countIf(cond.sql)} AS ${d.ident(c.alias)}`, cond.bindings));
  }
  const aggregateJoins = joins.map((j) => j(aggregateRefs));
  const source = d.projectOnce
    ? joinSql(
        [
          sql('(SELECT'),
          projections.length ? joinSql(projections, ', ') : sql('1 AS "p"'),
          sql(`FROM ${from} OFFSET 0) AS ${T}`),
        ],
        ' ',
      )
    : sql(from);
  const aggregate = joinSql([sql('SELECT'), joinSql(selectList, ', '), sql('FROM'), source, ...aggregateJoins], ' ');

  const unique = uniques.length ? joinSql([sql('SELECT'), joinSql(uniques, ', ')], ' ') : null;
  const references = refCounts.length
    ? joinSql([sql('SELECT'), joinSql(refCounts, ', '), sql(`FROM ${from}`), ...refJoins, sql('WHERE'), scopeSql], ' ')
    : null;

  const keyNames = table.key;
  return {
    aggregate,
    unique,
    references,
    checks,
    hasNewest: Boolean(newest),
    nullCountAliases,
    keyNames,
    sampleQuery(cond: Sql, limit: number, sampleJoins: Sql[] = []): Sql | null {
      if (keys.length === 0) return null;
      const select = keys.map((k, i) => `${d.asText(k.ref)} AS ${d.ident(`k${i}`)}`).join(', ');
      return joinSql(
        [
          sql(`SELECT ${select} FROM ${from}`),
          ...sampleJoins,
          sql('WHERE'),
          cond,
          sql(`ORDER BY ${keys.map((k) => k.ref).join(', ')} LIMIT ?`, [limit]),
        ],
        ' ',
      );
    },
  };
}
