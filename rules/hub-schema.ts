import type { Knex } from 'knex';
import { splitTableName } from './identifiers';
import type { HubDialectName } from './types';

/** How a column's values are compared as time: its SQL type, reduced to what the engine needs. */
export type TimeKind = 'timestamptz' | 'timestamp' | 'date' | 'other';

export interface HubColumn {
  /** The column's real name in the hub (may differ in case from the catalog's on MySQL). */
  name: string;
  dataType: string;
  timeKind: TimeKind;
  /**
   * Its values' text is never empty and never begins or ends with a blank (numbers, dates, times,
   * booleans, UUIDs): checks test such a column with IS NULL and read its text untrimmed, instead of
   * formatting and trimming every value (~0.1–0.3 µs per row and column).
   */
  blankFree: boolean;
  /**
   * PostgreSQL: two values are equal exactly when their bytes are — the column's collation is
   * deterministic (every collation but an ICU one made with `deterministic = false`, such as a
   * case-insensitive one; a database's default collation always is). Such values can be grouped
   * under COLLATE "C": the same groups, sorted by bytes instead of by the locale's rules.
   */
  byteEquality?: boolean;
}

export interface HubTableShape {
  name: string;
  columns: Map<string, HubColumn>;
  /** A plain PostgreSQL table (relkind 'r'): rows have an address (ctid); not a view or partitioned table. */
  plainTable?: boolean;
}

function timeKindOf(dialect: HubDialectName, dataType: string): TimeKind {
  const t = dataType.toLowerCase();
  if (dialect === 'postgres') {
    if (t === 'timestamp with time zone') return 'timestamptz';
    if (t === 'timestamp without time zone') return 'timestamp';
    if (t === 'date') return 'date';
    return 'other';
  }
  // MySQL/MariaDB: TIMESTAMP is shown in the session time zone, which the engine sets to the catalog's.
  if (t === 'datetime' || t === 'timestamp') return 'timestamp';
  if (t === 'date') return 'date';
  return 'other';
}

/** Scalar types whose text form has no blanks to trim and is never empty (see HubColumn.blankFree). */
const BLANK_FREE_TYPES: Record<HubDialectName, ReadonlySet<string>> = {
  // format_type() names, without type modifiers (NULL typmod); arrays ('integer[]') are not listed.
  postgres: new Set([
    'smallint',
    'integer',
    'bigint',
    'numeric',
    'real',
    'double precision',
    'money',
    'boolean',
    'date',
    'timestamp without time zone',
    'timestamp with time zone',
    'time without time zone',
    'time with time zone',
    'interval',
    'uuid',
  ]),
  // information_schema.columns.data_type of MySQL/MariaDB.
  mysql: new Set([
    'tinyint',
    'smallint',
    'mediumint',
    'int',
    'bigint',
    'decimal',
    'float',
    'double',
    'date',
    'datetime',
    'timestamp',
    'time',
    'year',
  ]),
};

export function isBlankFree(dialect: HubDialectName, dataType: string): boolean {
  return BLANK_FREE_TYPES[dialect].has(dataType.toLowerCase());
}

/**
 * PostgreSQL: what information_schema.columns lists for one table — its columns visible to this user
 * (owner, or any column privilege), of a table, view, foreign or partitioned table, with domains read
 * as their base type — straight from pg_catalog: the view filters by a cast of `relname` and plans a
 * nine-way join, 4–25 ms per look-up (two or three per checked table) against ~1 ms here. The name
 * is resolved in the current schema unless qualified, as `table_schema = current_schema()` did (a
 * name longer than 63 bytes is truncated, by both, as PostgreSQL truncates it in the checks' SQL).
 */
const POSTGRES_COLUMNS = `SELECT a.attname AS column_name,
    format_type(CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END, NULL) AS data_type,
    c.relkind AS relkind,
    coalesce(co.collisdeterministic, true) AS deterministic
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
  WHERE c.oid = to_regclass(format('%I.%I', coalesce(CAST(? AS text), current_schema()), CAST(? AS text)))
    AND c.relkind IN ('r', 'v', 'f', 'p') AND a.attnum > 0 AND NOT a.attisdropped
    AND (pg_has_role(c.relowner, 'USAGE') OR has_column_privilege(c.oid, a.attnum, 'SELECT, INSERT, UPDATE, REFERENCES'))
  ORDER BY a.attnum`;

/**
 * The columns of a hub table as the hub's own catalog lists them (tables and views), or null when
 * there is no such table. Every value is bound: the name comes from the catalog.
 */
export async function describeHubTable(
  db: Knex | Knex.Transaction,
  dialect: HubDialectName,
  name: string,
): Promise<HubTableShape | null> {
  const { schema, table } = splitTableName(name);
  const res =
    dialect === 'postgres'
      ? await db.raw(POSTGRES_COLUMNS, [schema, table])
      : await db.raw(
          `SELECT column_name AS column_name, data_type AS data_type FROM information_schema.columns
           WHERE table_schema = coalesce(?, database()) AND table_name = ? ORDER BY ordinal_position`,
          [schema, table],
        );
  const rows: Array<{ column_name: string; data_type: string; relkind?: string; deterministic?: boolean }> =
    dialect === 'postgres' ? res.rows : res[0];
  if (rows.length === 0) return null;
  const columns = new Map<string, HubColumn>();
  for (const r of rows) {
    columns.set(r.column_name, {
      name: r.column_name,
      dataType: r.data_type,
      timeKind: timeKindOf(dialect, r.data_type),
      blankFree: isBlankFree(dialect, r.data_type),
      ...(dialect === 'postgres' ? { byteEquality: r.deterministic === true } : {}),
    });
  }
  return { name, columns, ...(dialect === 'postgres' ? { plainTable: rows[0].relkind === 'r' } : {}) };
}

/**
 * The hub column a catalog name denotes: the exact name, else (MySQL, whose column names are
 * case-insensitive) the one case-insensitive match. Undefined when the column does not exist.
 */
export function findColumn(shape: HubTableShape, dialect: HubDialectName, name: string): HubColumn | undefined {
  const exact = shape.columns.get(name);
  if (exact || dialect === 'postgres') return exact;
  const matches = [...shape.columns.values()].filter((c) => c.name.toLowerCase() === name.toLowerCase());
  return matches.length === 1 ? matches[0] : undefined;
}
