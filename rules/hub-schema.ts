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

/**
 * The columns of a hub table as the hub's information_schema lists them (tables and views), or null
 * when there is no such table. Every value is bound: the name comes from the catalog.
 */
export async function describeHubTable(
  db: Knex | Knex.Transaction,
  dialect: HubDialectName,
  name: string,
): Promise<HubTableShape | null> {
  const { schema, table } = splitTableName(name);
  const defaultSchema = dialect === 'postgres' ? 'current_schema()' : 'database()';
  // PostgreSQL: also whether it is a plain table (rows have a ctid), in the same statement.
  const relkind =
    dialect === 'postgres'
      ? `, (SELECT c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = coalesce(?, current_schema()) AND c.relname = ?) AS relkind`
      : '';
  const res = await db.raw(
    `SELECT column_name AS column_name, data_type AS data_type${relkind} FROM information_schema.columns
     WHERE table_schema = coalesce(?, ${defaultSchema}) AND table_name = ? ORDER BY ordinal_position`,
    dialect === 'postgres' ? [schema, table, schema, table] : [schema, table],
  );
  const rows: Array<{ column_name: string; data_type: string; relkind?: string }> = dialect === 'postgres' ? res.rows : res[0];
  if (rows.length === 0) return null;
  const columns = new Map<string, HubColumn>();
  for (const r of rows) {
    columns.set(r.column_name, { name: r.column_name, dataType: r.data_type, timeKind: timeKindOf(dialect, r.data_type) });
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
