import { builtinCodeValues } from '../../server/services/catalog/code-lists';
import type { CatalogField, CatalogTable, Duration, Severity } from '../../server/services/catalog/types';
import { deadlineCutoff, latestPassedOccurrence } from '../deadlines';
import { findColumn, HubColumn, HubTableShape } from '../hub-schema';
import { localDate, localDateTime, offsetChangesAround, startOfDay } from '../time';
import type { BuiltinCheck, CheckCalendar, TableErrorCode } from '../types';
import { joinSql, sql, Sql, SqlDialect } from './dialect';
import { digitRunCondition, validatorCondition } from './validators';
import { checkErrorText } from '../messages';

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
  sample: RowCondition | null;
  /** LEFT JOINs the sample condition needs (anti-joins of hub codes and references). */
  sampleJoins?: RowCondition[];
  /** Where a statement already returned values of violating rows (duplicated values of `unique`)… */
  sampleValues?: { query: 'unique'; alias: string };
  /** …and the cheaper sample condition looking rows up by those values (replaces `sample`). */
  sampleOf?: (values: string[]) => RowCondition;
  /** The column holding the row address (ctid) of the last violating row in the heap, where located. */
  lastViolation?: { query: 'aggregate'; alias: string };
  details?: Record<string, unknown>;
}

export interface TablePlan {
  /** ONE statement: row count, newest timestamp and every per-field count. */
  aggregate: Sql;
  /**
   * The same statement over the rows in heap pages `fromPage` (inclusive) to `beforePage` (exclusive;
   * absent: to the end), for reading a big table in parts at once (split-scan.ts): the parts' counts
   * add up and their maxima combine to the whole statement's. Only for plain PostgreSQL tables (rows
   * have a ctid); null elsewhere.
   */
  aggregateOfPages: ((fromPage: number, beforePage?: number) => Sql) | null;
  /** All unique fields folded into one statement, or null. */
  unique: Sql | null;
  /** PostgreSQL: every unique field is grouped by its bytes (COLLATE "C"), which a sort does faster than a spilling hash. */
  uniqueGroupsBytes?: boolean;
  /** All references folded into one statement (LEFT JOIN anti-joins), or null (PostgreSQL: in the aggregate). */
  references: Sql | null;
  checks: PlannedCheck[];
  /** Whether `newest_update` is selected (the table has an updated_at column). */
  hasNewest: boolean;
  /** Custom-rule column → alias of its empty count in the aggregate. */
  nullCountAliases: Record<string, string>;
  /**
   * ONE statement fetching keys of up to `limit` violating rows for each given check: a UNION ALL of
   * `(SELECT <index> AS c, keys … WHERE <violation> LIMIT n)`, one branch per check, without ORDER BY so
   * each branch stops at its n-th violating row instead of sorting or index-walking every violating
   * row; a branch with `rows` reads only that range of row addresses (a TID range scan). Which rows
   * come first is the scan's order (callers sort the keys they get). Null when the table has no key or
   * no branch is given.
   */
  samplesQuery(samples: SampleBranch[]): Sql | null;
  /**
   * For a naive `updated_at` (timestamp/date) whose newest value the aggregate converted after max():
   * the statement recomputing the newest instant exactly from the rows whose wall-clock time is at or
   * after `from` (see `newestNeedsRecheck`). Null when the aggregate's value is exact by construction.
   */
  newestRecheck(from: Date): Sql | null;
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
export interface Refs {
  /** The column's value as text, trimmed of blanks. */
  v(columnRef: string): string;
  /** The column's value as text, untrimmed (for blank-free columns, whose text equals its trim). */
  text(columnRef: string): string;
  /** A boolean: the column's value is NULL or only blanks (its trim is NULL or ''). */
  blank(columnRef: string): string;
  col(columnRef: string): string;
  scope(): Sql;
  /**
   * A per-row value computed once, for expressions a condition would otherwise repeat: `expr` is
   * written over values already projected (e.g. a `v()` reference) and is computed in a second derived
   * table over the first; absent where conditions are written inline.
   */
  once?(key: string, expr: () => Sql): string;
}

/** A SQL fragment over a table's rows, written against however the row's values are referenced. */
export type RowCondition = (r: Refs) => Sql;

/** One check's part of the sample statement. */
export interface SampleBranch {
  sample: RowCondition;
  sampleJoins?: RowCondition[];
  limit: number;
  /** PostgreSQL plain tables: only rows whose ctid is ≥ `from` and ≤ `through` / < `before`. */
  rows?: { from: string; through?: string; before?: string };
}

/** Duplicated values a unique statement returns per field for the sample query (≥ 2 rows each). */
const SAMPLE_VALUES = 20;

/** The blanks the checks trim (see SqlDialect.trimmedText), at either end of a value. */
const BLANK_EDGES = /^[ \t\r\n\u3000]+|[ \t\r\n\u3000]+$/g;

export const formatDuration = (d: Duration) => `${d.amount}${d.unit}`;

const paren = (p: Sql): Sql => ({ sql: `(${p.sql})`, bindings: p.bindings });
const and = (...parts: Sql[]): Sql => joinSql(parts.map(paren), ' AND ');
const or = (...parts: Sql[]): Sql => paren(joinSql(parts.map(paren), ' OR '));
const not = (p: Sql): Sql => ({ sql: `NOT (${p.sql})`, bindings: p.bindings });
const placeholders = (n: number) => new Array(n).fill('?').join(', ');

export function planTable(input: PlanInput): TablePlan {
  const { table, dialect: d, now, timezone, calendar } = input;
  const shape = input.shapes.get(table.name);
  if (!shape) throw new PlanError('table_missing', checkErrorText('tableMissing', { table: table.name }));
  const T = d.ident('t');
  const from = `${d.table(table.name)} AS ${T}`;
  const today = localDate(now, timezone);

  const column = (name: string, where: string): { ref: string; col: HubColumn } => {
    const col = findColumn(shape, d.name, name);
    if (!col) {
      throw new PlanError('column_missing', checkErrorText('columnMissing', { table: table.name, column: name, where }));
    }
    return { ref: `${T}.${d.ident(col.name)}`, col };
  };
  const timeColumn = (name: string, where: string) => {
    const c = column(name, where);
    if (c.col.timeKind === 'other') {
      throw new PlanError(
        'query_failed',
        checkErrorText('columnNotTime', { table: table.name, column: name, where, type: c.col.dataType }),
      );
    }
    return c;
  };
  const otherTable = (
    name: string,
    columnName: string,
    where: string,
  ): { table: string; column: string; text: (columnSql: string) => string } => {
    const other = input.shapes.get(name);
    if (!other) throw new PlanError('table_missing', checkErrorText('referencedTableMissing', { table: name, where }));
    const col = findColumn(other, d.name, columnName);
    if (!col)
      throw new PlanError(
        'column_missing',
        checkErrorText('referencedColumnMissing', { table: name, column: columnName, where }),
      );
    // `text` reads the other table's column as the checks compare values (see textOf).
    return {
      table: d.table(name),
      column: d.ident(col.name),
      text: (columnSql) => (col.blankFree ? d.asText(columnSql) : d.trimmedText(columnSql)),
    };
  };

  // Conditions are functions of how a row's values are referenced (`Refs`): inline expressions for
  // sample, uniqueness and references statements; in the PostgreSQL aggregate, columns of a derived
  // table that computes each trimmed value and the scope once per row (OFFSET 0 keeps the planner
  // from inlining them back), so 20 checks do not trim the same column 20 times.
  type Cond = (r: Refs) => Sql;
  const blankOf = (trimmed: string) => `(${trimmed} IS NULL OR ${trimmed} = '')`;
  const inline: Refs = {
    v: (ref) => d.trimmedText(ref),
    text: (ref) => d.asText(ref),
    blank: (ref) => (d.blankText ? d.blankText(ref) : blankOf(d.trimmedText(ref))),
    col: (ref) => ref,
    scope: () => scopeSql,
  };
  /** A column's text as the checks compare it: trimmed, unless its type has no blanks to trim. */
  const textOf = (c: { ref: string; col: HubColumn }) => (r: Refs) => (c.col.blankFree ? r.text(c.ref) : r.v(c.ref));
  /** Empty: NULL, or (for text) only blanks. A blank-free column is empty only when NULL. */
  const emptyOf = (c: { ref: string; col: HubColumn }) => (r: Refs) =>
    c.col.blankFree ? sql(`${r.col(c.ref)} IS NULL`) : sql(r.blank(c.ref));
  /** Not empty. btrim/TRIM keep NULL as NULL, so `<> ''` is false for NULL too. */
  const nonEmptyOf = (c: { ref: string; col: HubColumn }) => (r: Refs) => {
    if (c.col.blankFree) return sql(`${r.col(c.ref)} IS NOT NULL`);
    return d.blankText ? sql(`NOT ${r.blank(c.ref)}`) : sql(`${r.v(c.ref)} <> ''`);
  };
  /**
   * `test` of a column's compared text, for tests that no text with a blank at either end can pass
   * (code lists of trimmed values, digit runs, the e-mail and date formats): PostgreSQL tests the
   * untrimmed text first — passing, it has nothing to trim, so it is its own trim — and trims only the
   * values that fail (a few bad or padded ones) instead of every value. Same verdicts as `test(v)`.
   */
  const untrimmedFirst =
    (c: { ref: string; col: HubColumn }, test: (text: string) => Sql): Cond =>
    (r) => {
      if (c.col.blankFree || d.name !== 'postgres') return test(textOf(c)(r));
      const raw = test(r.text(c.ref));
      const trimmed = test(d.trimmedText(r.text(c.ref)));
      return sql(`CASE WHEN ${raw.sql} THEN true ELSE ${trimmed.sql} END`, [...raw.bindings, ...trimmed.bindings]);
    };
  /**
   * The text an ID number is checked on. A valid number is 18 bytes without blanks, so PostgreSQL
   * trims only values of another length: an 18-byte value with a blank at an end fails as it is, and
   * its trim (shorter) would fail too.
   */
  const idCardText = (c: { ref: string; col: HubColumn }, v: (r: Refs) => string, r: Refs): string => {
    if (c.col.blankFree || d.name !== 'postgres') return v(r);
    const raw = r.text(c.ref);
    return `(CASE WHEN octet_length(${raw}) = 18 THEN ${raw} ELSE ${d.trimmedText(raw)} END)`;
  };
  /** Values a trimmed text can equal: none empty, none with a blank at either end. */
  const trimmedValues = (values: string[]) => values.every((x) => x !== '' && x === x.replace(BLANK_EDGES, ''));
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
  let uniqueGroupsBytes = d.name === 'postgres';
  const refCounts: Sql[] = [];
  const refJoins: Sql[] = [];
  let referenceCount = 0;
  const checks: PlannedCheck[] = [];

  /**
   * `column op at` for a time column read as an instant. A PostgreSQL naive timestamp is compared with
   * the cut-off's wall-clock time in the catalog timezone instead of converting every row with
   * AT TIME ZONE (~0.4 µs per row and comparison; 0.9 s of a 2-million-row table's aggregate) — exact
   * unless the zone's offset changes within two days of the cut-off, where the rows are converted.
   */
  const compareInstant = (columnSql: string, kind: HubColumn['timeKind'], op: string, at: Date): Sql => {
    if (kind === 'timestamp' && d.name === 'postgres' && !offsetChangesAround(at, timezone, 48))
      return sql(`${columnSql} ${op} CAST(? AS timestamp)`, [localDateTime(at, timezone)]);
    const i = d.instant(columnSql, kind, timezone);
    return sql(`${i.sql} ${op} ?`, [...i.bindings, d.instantValue(at, timezone)]);
  };

  const keys = table.key.map((k) => column(k, 'key'));
  const updated = table.updatedAt ? timeColumn(table.updatedAt, 'updated_at') : null;

  const scopeParts = Object.entries(table.scope).map(([name, values]): Sql => {
    const c = column(name, 'scope');
    if (values.length === 0) return sql('1 = 0');
    const isIn = (text: string) => sql(`${d.exact(text)} IN (${placeholders(values.length)})`, values);
    return trimmedValues(values) ? untrimmedFirst(c, isIn)(inline) : isIn(textOf(c)(inline));
  });
  const scopeSql = scopeParts.length ? and(...scopeParts) : sql('1 = 1');
  const scope: Cond = (r) => r.scope();
  const scopeRows: Metric = scopeParts.length ? count(scope) : { query: 'aggregate', alias: 'row_count' };

  for (const field of table.fields) {
    const f = column(field.name, `fields.${field.name}`);
    const v = textOf(f);
    const empty: Cond = emptyOf(f);
    const nonEmpty: Cond = nonEmptyOf(f);
    const base = { field: field.name, department: field.department ?? table.department, severity: field.severity };
    const hasValidity = Boolean(field.pattern || field.validate || field.codes || field.unique || field.references);
    const values: Metric = hasValidity ? count(all(scope, nonEmpty)) : { constant: 0 };
    const invalid = (check: BuiltinCheck, valid: Cond, extra?: Record<string, unknown>) => {
      const cond = all(scope, nonEmpty, (r) => not(valid(r)));
      checks.push({ check, ...base, violations: count(cond), checked: values, sample: cond, details: extra });
    };

    if (field.deadline) checks.push(planDeadline(field, empty));
    else if (field.required) {
      const cond = all(scope, empty);
      checks.push({ check: 'required', ...base, violations: count(cond), checked: scopeRows, sample: cond });
    }
    if (field.pattern) {
      const pattern = field.pattern;
      // A digit run never matches a blank; any other expression might (`^ *x$`), so it reads the trim.
      const digitRun = (text: string) => digitRunCondition(d, text, pattern);
      const valid: Cond =
        digitRun(v(inline)) !== null ? untrimmedFirst(f, (text) => digitRun(text)!) : (r) => d.regexMatch(v(r), pattern);
      invalid('pattern', valid, { pattern });
    }
    if (field.validate) {
      const validator = field.validate;
      // The PostgreSQL aggregate lets the ID check compute the number's body once per row.
      const perRow = (r: Refs) => (r.once ? { once: r.once.bind(r) } : undefined);
      const valid =
        validator === 'cn_id_card'
          ? (r: Refs) => validatorCondition(d, validator, idCardText(f, v, r), today, f.col.timeKind, perRow(r))
          : untrimmedFirst(f, (text) => validatorCondition(d, validator, text, today, f.col.timeKind));
      invalid('validate', valid, { validate: validator });
    }
    if (field.codes) {
      const codes = field.codes;
      if (codes.kind === 'hub') {
        const other = otherTable(codes.table, codes.column, `fields.${field.name}.codes`);
        const h = d.ident(`h${joins.length}`);
        const join = (r: Refs) =>
          sql(
            `LEFT JOIN (SELECT DISTINCT ${other.text(other.column)} AS ${d.ident('v')} FROM ${other.table}) AS ${h} ON ${d.exact(`${h}.${d.ident('v')}`)} = ${d.exact(v(r))}`,
          );
        joins.push(join);
        const cond = all(scope, nonEmpty, () => sql(`${h}.${d.ident('v')} IS NULL`));
        checks.push({
          check: 'codes',
          ...base,
          violations: count(cond),
          checked: values,
          sample: cond,
          sampleJoins: [join],
          details: { codes: `${codes.table}.${codes.column}` },
        });
      } else {
        const list = codes.kind === 'builtin' ? builtinCodeValues(codes.name) : codes.values;
        if (!list)
          throw new PlanError('query_failed', `未知的代码表 ${codes.kind === 'builtin' ? codes.name : ''} / unknown code list`);
        const isIn = (text: string) => sql(`${d.exact(text)} IN (${placeholders(list.length)})`, list);
        const valid: Cond = !list.length ? () => sql('1 = 0') : trimmedValues(list) ? untrimmedFirst(f, isIn) : (r) => isIn(v(r));
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
      const sum = d.toBigint(`COALESCE(SUM(${D}.${d.ident('n')}), 0)`);
      if (d.name === 'postgres') {
        // Values equal exactly when their bytes are (a deterministic collation) are grouped by their
        // bytes: the same groups, and the 2-million-value sort ~45 % cheaper than under a libc locale.
        const groupV = f.col.byteEquality ? `${exactV} COLLATE "C"` : exactV;
        if (!f.col.byteEquality) uniqueGroupsBytes = false;
        // The same grouping also yields up to SAMPLE_VALUES duplicated values, so the sample query looks
        // rows up by bound values instead of grouping the whole table a second time.
        uniques.push(
          joinSql(
            [
              sql(
                `(SELECT ${sum} AS ${d.ident('n')}, array_agg(${D}.${d.ident('v')}) FILTER (WHERE ${D}.${d.ident('i')} <= ?) AS ${d.ident('s')} FROM (SELECT ${groupV} AS ${d.ident('v')}, COUNT(*) AS ${d.ident('n')}, row_number() OVER () AS ${d.ident('i')} FROM ${from} WHERE`,
                [SAMPLE_VALUES],
              ),
              dups,
              sql(`GROUP BY ${groupV} HAVING COUNT(*) > 1) AS ${D}) AS ${d.ident(alias)}`),
            ],
            ' ',
          ),
        );
      } else {
        uniques.push(
          joinSql(
            [
              sql(`(SELECT ${sum} FROM (SELECT COUNT(*) AS ${d.ident('n')} FROM ${from} WHERE`),
              dups,
              sql(`GROUP BY ${exactV} HAVING COUNT(*) > 1) AS ${D}) AS ${d.ident(alias)}`),
            ],
            ' ',
          ),
        );
      }
      const sample: Cond = (r) => and(all(scope, nonEmpty)(r), joinSql([sql(`${d.exact(v(r))} IN (`), groups, sql(')')], ''));
      const sampleOf = (duplicated: string[]): Cond =>
        duplicated.length
          ? (r) => and(all(scope, nonEmpty)(r), sql(`${v(r)} IN (${placeholders(duplicated.length)})`, duplicated))
          : () => sql('1 = 0');
      checks.push({
        check: 'unique',
        ...base,
        violations: { query: 'unique', alias },
        checked: values,
        sample,
        ...(d.name === 'postgres' ? { sampleValues: { query: 'unique' as const, alias: `${alias}_values` }, sampleOf } : {}),
      });
    }
    if (field.references) {
      const ref = field.references;
      const other = otherTable(ref.table, ref.column, `fields.${field.name}.references`);
      const alias = `r${referenceCount++}`;
      const R = d.ident(alias);
      // An anti-join, not a correlated NOT EXISTS: MariaDB's subquery cache would match 'u1' to 'U1'.
      const sample = all(scope, nonEmpty, () => sql(`${R}.${d.ident('v')} IS NULL`));
      const sampleJoin: Cond = (r) =>
        sql(
          `LEFT JOIN (SELECT DISTINCT ${other.text(other.column)} AS ${d.ident('v')} FROM ${other.table}) AS ${R} ON ${d.exact(`${R}.${d.ident('v')}`)} = ${d.exact(v(r))}`,
        );
      let violations: Metric;
      let sampleOnly: { sample: Cond; sampleJoins: Cond[] } = { sample, sampleJoins: [sampleJoin] };
      if (d.projectOnce) {
        // PostgreSQL: in the aggregate's own pass, like hub code lists (the join matches at most one
        // DISTINCT value per row, so no row is counted twice); a separate statement read the table again.
        joins.push(sampleJoin);
        violations = count(sample);
        // The sample reads few rows: a NOT EXISTS anti-join hashes the target without de-duplicating
        // it first (0.5 s instead of 0.8 s for 2 M staff numbers). PostgreSQL compares text exactly.
        const X = d.ident('x');
        sampleOnly = {
          sample: all(scope, nonEmpty, (r) =>
            sql(`NOT EXISTS (SELECT 1 FROM ${other.table} AS ${X} WHERE ${other.text(`${X}.${other.column}`)} = ${v(r)})`),
          ),
          sampleJoins: [],
        };
      } else {
        refJoins.push(sampleJoin(inline));
        refCounts.push(sql(`${d.countIf(`(${nonEmpty(inline).sql}) AND ${R}.${d.ident('v')} IS NULL`)} AS ${R}`));
        violations = { query: 'references', alias };
      }
      checks.push({
        check: 'references',
        ...base,
        violations,
        checked: values,
        ...sampleOnly,
        details: { references: `${ref.table}.${ref.column}` },
      });
    }
  }

  const nullCountAliases: Record<string, string> = {};
  for (const name of input.nullCountColumns) {
    const c = column(name, 'rules null_count/null_ratio');
    const m = count(emptyOf(c)) as { alias: string };
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
        return compareInstant(r.col(after.ref), after.col.timeKind, cut.instant.op, cut.instant.at);
      };
      const violating = all(scope, due, empty);
      return {
        ...base,
        violations: count(violating),
        checked: count(all(scope, due)),
        sample: violating,
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
        const before = compareInstant(u, updated.col.timeKind, '<', startOfDay(occurrence, timezone));
        return sql(`${u} IS NULL OR ${before.sql}`, before.bindings);
      };
      violating = all(scope, (r) => or(empty(r), stale(r)));
    }
    return {
      ...base,
      violations: count(violating),
      checked: scopeRows,
      sample: violating,
      details: { event: deadline.event, within, occurrence },
    };
  }

  // The aggregate: over the table itself, or (PostgreSQL) over a derived table projecting each
  // referenced value once.
  // Conditions rendered over `refs` first register the projections; `source()` is then the derived table.
  const projector = (): { refs: Refs; source: (where?: Sql) => Sql } => {
    if (!d.projectOnce) return { refs: inline, source: () => sql(from) };
    const projections: Sql[] = [];
    // Values computed from projected ones (`once`), in a second derived table over the first.
    const derived: Sql[] = [];
    const projected = new Map<string, string>();
    const project = (key: string, expr: () => Sql, into = projections): string => {
      let name = projected.get(key);
      if (!name) {
        name = `p${projected.size}`;
        projected.set(key, name);
        const e = expr();
        into.push(sql(`${e.sql} AS ${d.ident(name)}`, e.bindings));
      }
      return `${T}.${d.ident(name)}`;
    };
    return {
      refs: {
        v: (ref) => project(`v:${ref}`, () => sql(d.trimmedText(ref))),
        text: (ref) => project(`t:${ref}`, () => sql(d.asText(ref))),
        blank: (ref) =>
          d.blankText
            ? project(`b:${ref}`, () => sql(d.blankText!(ref)))
            : blankOf(project(`v:${ref}`, () => sql(d.trimmedText(ref)))),
        col: (ref) => project(`c:${ref}`, () => sql(ref)),
        scope: () => (scopeParts.length ? sql(project('scope', () => scopeSql)) : sql('1 = 1')),
        once: (key, expr) => project(`once:${key}`, expr, derived),
      },
      source: (where?: Sql) => {
        const first = joinSql(
          [
            sql('(SELECT'),
            projections.length ? joinSql(projections, ', ') : sql('1 AS "p"'),
            sql(`FROM ${from}`),
            ...(where ? [sql('WHERE'), where] : []),
            sql(`OFFSET 0) AS ${T}`),
          ],
          ' ',
        );
        if (!derived.length) return first;
        return joinSql([sql(`(SELECT ${T}.*,`), joinSql(derived, ', '), sql('FROM'), first, sql(`OFFSET 0) AS ${T}`)], ' ');
      },
    };
  };
  const aggregateProjector = projector();
  const aggregateRefs = aggregateProjector.refs;
  // Where rows have an address (a plain PostgreSQL table's ctid), the aggregate also finds the last
  // violating row of each check, so the sample search reads backwards from there in growing windows
  // instead of scanning from the start (a whole scan per failing check when the bad rows sit at the
  // end of the heap, where updated rows go). Each condition is then evaluated once per row in a
  // middle derived table, and both its count and max(ctid) read the boolean.
  const locate = d.name === 'postgres' && d.projectOnce && shape.plainTable === true;
  const located = new Set<string>();
  if (locate) {
    for (const c of checks) {
      if (c.sample && 'alias' in c.violations && c.violations.query === 'aggregate') {
        located.add(c.violations.alias);
        c.lastViolation = { query: c.violations.query, alias: `${c.violations.alias}_last` };
      }
    }
  }
  const aggregateOf = (where?: Sql): Sql => {
    const selectList: Sql[] = [sql(`COUNT(*) AS ${d.ident('row_count')}`)];
    let aggregate: Sql;
    if (locate) {
      const B = d.ident('b');
      const middle: Sql[] = [sql(`${aggregateRefs.col(`${T}.${d.ident('ctid')}`)} AS ${d.ident('rowid')}`)];
      if (updated) {
        middle.push(sql(`${aggregateRefs.col(updated.ref)} AS ${d.ident('updated')}`));
        const newest = d.newest(`${B}.${d.ident('updated')}`, updated.col.timeKind, timezone);
        selectList.push(sql(`${newest.sql} AS ${d.ident('newest_update')}`, newest.bindings));
      }
      for (const c of counts) {
        const cond = c.cond(aggregateRefs);
        middle.push(sql(`(${cond.sql}) AS ${d.ident(c.alias)}`, cond.bindings));
        selectList.push(sql(`${d.countIf(`${B}.${d.ident(c.alias)}`)} AS ${d.ident(c.alias)}`));
        if (located.has(c.alias)) {
          selectList.push(
            sql(`max(${B}.${d.ident('rowid')}) FILTER (WHERE ${B}.${d.ident(c.alias)}) AS ${d.ident(`${c.alias}_last`)}`),
          );
        }
      }
      const aggregateJoins = joins.map((j) => j(aggregateRefs));
      aggregate = joinSql(
        [
          sql('SELECT'),
          joinSql(selectList, ', '),
          sql('FROM (SELECT'),
          joinSql(middle, ', '),
          sql('FROM'),
          aggregateProjector.source(where),
          ...aggregateJoins,
          sql(`OFFSET 0) AS ${B}`),
        ],
        ' ',
      );
    } else {
      const newest = updated ? d.newest(aggregateRefs.col(updated.ref), updated.col.timeKind, timezone) : null;
      if (newest) selectList.push(sql(`${newest.sql} AS ${d.ident('newest_update')}`, newest.bindings));
      for (const c of counts) {
        const cond = c.cond(aggregateRefs);
        selectList.push(sql(`${d.countIf(cond.sql)} AS ${d.ident(c.alias)}`, cond.bindings));
      }
      const aggregateJoins = joins.map((j) => j(aggregateRefs));
      const source = aggregateProjector.source(where);
      aggregate = joinSql([sql('SELECT'), joinSql(selectList, ', '), sql('FROM'), source, ...aggregateJoins], ' ');
    }
    return aggregate;
  };
  const aggregate = aggregateOf();
  const ctid = `${T}.${d.ident('ctid')}`;
  /** Rows whose address (ctid) is ≥ `from`, and ≤ `through` / < `before` where given: a TID range scan. */
  const rowRange = (r: { from: string; through?: string; before?: string }): Sql => {
    const bounds = [sql(`${ctid} >= CAST(? AS tid)`, [r.from])];
    if (r.through !== undefined) bounds.push(sql(`${ctid} <= CAST(? AS tid)`, [r.through]));
    if (r.before !== undefined) bounds.push(sql(`${ctid} < CAST(? AS tid)`, [r.before]));
    return joinSql(bounds, ' AND ');
  };
  // Page boundaries as row addresses: (n,0) sorts before every row of page n.
  const aggregateOfPages = locate
    ? (fromPage: number, beforePage?: number) =>
        aggregateOf(rowRange({ from: `(${fromPage},0)`, ...(beforePage === undefined ? {} : { before: `(${beforePage},0)` }) }))
    : null;

  const unique = !uniques.length
    ? null
    : d.name === 'postgres'
      ? joinSql(
          [
            sql(
              `SELECT ${uniques.map((_, i) => `${d.ident(`u${i}`)}.${d.ident('n')} AS ${d.ident(`u${i}`)}, ${d.ident(`u${i}`)}.${d.ident('s')} AS ${d.ident(`u${i}_values`)}`).join(', ')} FROM`,
            ),
            joinSql(uniques, ' CROSS JOIN '),
          ],
          ' ',
        )
      : joinSql([sql('SELECT'), joinSql(uniques, ', ')], ' ');
  const references = refCounts.length
    ? joinSql([sql('SELECT'), joinSql(refCounts, ', '), sql(`FROM ${from}`), ...refJoins, sql('WHERE'), scopeSql], ' ')
    : null;

  const keyNames = table.key;
  return {
    aggregate,
    aggregateOfPages,
    unique,
    uniqueGroupsBytes: unique !== null && uniqueGroupsBytes,
    references,
    checks,
    hasNewest: Boolean(updated),
    nullCountAliases,
    keyNames,
    samplesQuery(samples): Sql | null {
      if (keys.length === 0 || samples.length === 0) return null;
      // Each branch reads its own derived table (PostgreSQL) projecting only what its condition uses,
      // once per row: the inline ID-number check alone re-trims the value ~40 times per row.
      // The branch index is our own integer, written as a literal so every branch has the same column type.
      const branch = (s: SampleBranch, i: number) => {
        const p = projector();
        const select = keys.map((k, j) => `${d.asText(p.refs.col(k.ref))} AS ${d.ident(`k${j}`)}`).join(', ');
        const sampleJoins = (s.sampleJoins ?? []).map((j) => j(p.refs));
        const cond = s.sample(p.refs);
        const range = s.rows ? rowRange(s.rows) : undefined;
        return joinSql(
          [
            sql(`(SELECT ${i} AS ${d.ident('c')}, ${select} FROM`),
            p.source(range),
            ...sampleJoins,
            sql('WHERE'),
            cond,
            sql('LIMIT ?)', [s.limit]),
          ],
          ' ',
        );
      };
      return joinSql(samples.map(branch), ' UNION ALL ');
    },
    newestRecheck(fromInstant: Date): Sql | null {
      if (!updated || !d.newestConvertsMax || updated.col.timeKind === 'timestamptz') return null;
      const i = d.instant(updated.ref, updated.col.timeKind, timezone);
      const bound = updated.col.timeKind === 'date' ? localDate(fromInstant, timezone) : localDateTime(fromInstant, timezone);
      return sql(`SELECT max(${i.sql}) AS ${d.ident('newest_update')} FROM ${from} WHERE ${updated.ref} >= ?`, [
        ...i.bindings,
        bound,
      ]);
    },
  };
}
