import { catalogTable } from '../../services/catalog/names';
import type { Catalog } from '../../services/catalog/types';

/**
 * A list's `table` filter as the catalog spells the table (names ignore case, as everywhere in the product:
 * STAFF_BASIC is staff_basic); a table the catalog no longer has is the filter as typed (its old tickets).
 */
export function tableFilter(catalog: Catalog | null | undefined, value: string): string {
  return catalogTable(catalog, value)?.name ?? value;
}
