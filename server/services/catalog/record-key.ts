import type { CatalogTable } from './types';

/**
 * A record's key as people read it: its columns in the order the catalog's `key:` declares them (学号, 课程, 学期 for
 * `[student_no, course_code, term]`), each named by its field's title. Keys are stored in jsonb, which gives an
 * object's names back sorted by length, then bytes (term before student_no): never show them in that order.
 */

/** What ordering and naming a key needs of its table: the catalog's key list and fields (titles). */
export type KeyedTable = Pick<CatalogTable, 'key'> & { fields: { name: string; title?: string | null }[] };

/**
 * `columns` in the catalog's key order; a column the key list lacks (one the catalog has dropped since the key was
 * stored, or no catalog table at all) after the known ones, by name, so that every key of a table reads the same way.
 */
export function keyColumnOrder(table: KeyedTable | null | undefined, columns: Iterable<string>): string[] {
  const order = table?.key ?? [];
  const unique = [...new Set(columns)];
  const known = order.filter((c) => unique.includes(c));
  const others = unique.filter((c) => !order.includes(c)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...known, ...others];
}

/** A key's [column, value] pairs in the catalog's key order (keyColumnOrder). */
export function keyEntries<V>(table: KeyedTable | null | undefined, key: Record<string, V>): [string, V][] {
  return keyColumnOrder(table, Object.keys(key)).map((c) => [c, key[c]]);
}

/** The key as an object whose names come in the catalog's key order (JSON keeps it: the API, `--json`). */
export function inKeyOrder<V>(table: KeyedTable | null | undefined, key: Record<string, V>): Record<string, V> {
  return Object.fromEntries(keyEntries(table, key));
}

/** A (key) column's label: its field's title in the catalog (学号), else the column's name. */
export function columnLabel(table: KeyedTable | null | undefined, column: string): string {
  return table?.fields.find((f) => f.name === column)?.title || column;
}
