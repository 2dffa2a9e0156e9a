import type { Hub, HubDialect } from '../../hub';
import { catalogField, catalogTable } from '../catalog/names';
import type { Catalog, CatalogTable } from '../catalog/types';
import { scrubForLog } from '../privacy';
import { LEADER_ROW_THRESHOLD, type RequestItem, type SharingInput } from './types';

/**
 * What a request needs before anyone reviews it: which data-source departments must review which
 * part (conditional tables, by the owner of each requested field — 一数一源, so one table can need two
 * departments), and whether the university leader must approve (sensitive fields and ≥ 2000 rows).
 */
/** Whether the catalog lists the table's fields; a table without any takes names as typed (their sensitivity is unknown). */
export function declaresFields(table: CatalogTable | undefined): boolean {
  return !!table && table.fields.length > 0;
}

/**
 * Requested tables and fields as the catalog spells them, fields each once (ignoring case). Names of a
 * table that declares no fields stay as first typed. Applied once the request is valid, before it is
 * planned and stored.
 */
export function canonicalItems(catalog: Catalog, items: RequestItem[]): RequestItem[] {
  return items.map((item) => {
    const table = catalogTable(catalog, item.table);
    const seen = new Set<string>();
    const fields: string[] = [];
    for (const name of item.fields) {
      const spelled = catalogField(table, name)?.name ?? name;
      if (seen.has(spelled.toLowerCase())) continue;
      seen.add(spelled.toLowerCase());
      fields.push(spelled);
    }
    return { ...item, table: table?.name ?? item.table, fields };
  });
}

/** `input` with its items as the catalog spells them (canonicalItems); as typed when there is no catalog yet. */
export function inCatalogSpelling(catalog: Catalog | null | undefined, input: SharingInput): SharingInput {
  return catalog ? { ...input, items: canonicalItems(catalog, input.items) } : input;
}

export interface SourcePart {
  department: string;
  part: { table: string; fields: string[] }[];
}

export function sourceParts(catalog: Catalog, items: RequestItem[]): SourcePart[] {
  const byDepartment = new Map<string, Map<string, string[]>>();
  for (const item of items) {
    const table = catalogTable(catalog, item.table);
    if (!table || table.sharing !== 'conditional') continue;
    for (const name of item.fields) {
      const field = catalogField(table, name);
      const owner = field?.department ?? table.department;
      const tables = byDepartment.get(owner) ?? new Map<string, string[]>();
      tables.set(table.name, [...(tables.get(table.name) ?? []), name]);
      byDepartment.set(owner, tables);
    }
  }
  return [...byDepartment.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([department, tables]) => ({ department, part: [...tables.entries()].map(([table, fields]) => ({ table, fields })) }));
}

export interface SensitivePart {
  table: string;
  fields: string[];
  /** The table's catalog entry declares no fields: every requested field counts as sensitive, to be safe. */
  undeclared?: true;
}

/**
 * Whether a requested field counts as sensitive: as the catalog marks it, and always when its table's
 * entry declares no fields (its sensitivity is unknown). The one answer for the leader rule and for
 * what the pages and the API show.
 */
export function isSensitiveField(table: CatalogTable | undefined, name: string): boolean {
  if (table && !declaresFields(table)) return true;
  return !!catalogField(table, name)?.sensitive;
}

/** Requested tables in which at least one requested field counts as sensitive (isSensitiveField). */
export function sensitiveTables(catalog: Catalog, items: RequestItem[]): SensitivePart[] {
  const out: SensitivePart[] = [];
  for (const item of items) {
    const table = catalogTable(catalog, item.table);
    const fields = item.fields.filter((f) => isSensitiveField(table, f));
    if (!fields.length) continue;
    const part: SensitivePart = { table: table?.name ?? item.table, fields };
    if (table && !declaresFields(table)) part.undeclared = true;
    out.push(part);
  }
  return out;
}

/** `schema.table` → `"schema"."table"` (PostgreSQL) or `` `schema`.`table` `` (MySQL), quotes doubled inside. */
export function quoteIdentifier(name: string, dialect: HubDialect): string {
  const q = dialect === 'mysql' ? '`' : '"';
  return name
    .split('.')
    .map((part) => q + part.split(q).join(q + q) + q)
    .join('.');
}

export interface LeaderBasis {
  required: boolean;
  sensitive: SensitivePart[];
  /** Rows in the tables holding the sensitive fields (count(*) in the hub), null when unknown. */
  rows: number | null;
  threshold: number;
  /** Why the hub could not answer: the leader stage is then required, to be safe. */
  hubError?: string;
}

/**
 * Counts the rows of the tables holding sensitive requested fields. The data range is free text
 * (「体育学院当前在校生」), so the whole table is the estimate: an upper bound, which errs towards
 * asking the leader. Runs outside any service-database transaction (in tests the hub is that database).
 */
export async function leaderBasis(hub: Hub, catalog: Catalog, items: RequestItem[]): Promise<LeaderBasis> {
  const sensitive = sensitiveTables(catalog, items);
  if (sensitive.length === 0) return { required: false, sensitive, rows: null, threshold: LEADER_ROW_THRESHOLD };
  let rows = 0;
  try {
    for (const { table } of sensitive) {
      // In a READ ONLY transaction, as every read of the hub (a MySQL/MariaDB connection is not read-only by default).
      const sql = `select count(*) as n from ${quoteIdentifier(table, hub.dialect)}`;
      const result = await hub.knex.transaction((trx) => trx.raw(sql), { readOnly: true });
      const first = hub.dialect === 'mysql' ? result[0][0] : result.rows[0];
      rows += Number(first.n);
    }
  } catch (err) {
    // Kept for the IT office (presenter: others read only that the hub could not count), personal data masked.
    const message = scrubForLog(err instanceof Error ? err.message.slice(0, 300) : String(err));
    return { required: true, sensitive, rows: null, threshold: LEADER_ROW_THRESHOLD, hubError: message };
  }
  return { required: rows >= LEADER_ROW_THRESHOLD, sensitive, rows, threshold: LEADER_ROW_THRESHOLD };
}
