import type { Knex } from 'knex';
import { catalogTable } from '../../services/catalog/names';
import type { Catalog } from '../../services/catalog/types';

/**
 * A list's `table` filter as the catalog spells the table (names ignore case, as everywhere in the product:
 * STAFF_BASIC is staff_basic); a table the catalog no longer has is the filter as typed (its old tickets).
 */
export function tableFilter(catalog: Catalog | null | undefined, value: string): string {
  return catalogTable(catalog, value)?.name ?? value;
}

/**
 * A list's `department` filter as the department's code (`hr` is HR), or null when there is no such department:
 * a typo, said as `hubwatch tickets list --department` says it, not an empty list.
 */
export async function departmentFilter(db: Knex, value: string): Promise<string | null> {
  const exact = await db('departments').where({ code: value }).first('code');
  if (exact) return exact.code as string;
  const rows = await db('departments').whereRaw('lower(code) = lower(?)', [value]).select('code');
  return rows.length === 1 ? (rows[0].code as string) : null;
}
