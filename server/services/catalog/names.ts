import type { Catalog, CatalogField, CatalogTable } from './types';

/*
 * Names of hub tables and fields as people type them: the product reads them ignoring case everywhere
 * (pages, the API, the CLI), as PostgreSQL folds unquoted names; the catalog's own spelling wins a tie.
 */

/** The catalog's table called `name`: the exact spelling, else the one equal ignoring case (`STAFF_BASIC` is `staff_basic`). */
export function catalogTable(catalog: Catalog | null | undefined, name: string): CatalogTable | undefined {
  if (!catalog) return undefined;
  const lower = name.toLowerCase();
  return catalog.tables.find((t) => t.name === name) ?? catalog.tables.find((t) => t.name.toLowerCase() === lower);
}

/** The catalog's field of `table` called `name`: the exact spelling, else the one equal ignoring case (`ID_CARD` is `id_card`). */
export function catalogField(table: CatalogTable | undefined, name: string): CatalogField | undefined {
  if (!table) return undefined;
  const lower = name.toLowerCase();
  return table.fields.find((f) => f.name === name) ?? table.fields.find((f) => f.name.toLowerCase() === lower);
}

/**
 * The responsible department of a table, or of one of its fields (the field's own, else the table's), by the
 * catalog's exact names; null when the catalog lacks it.
 */
export function ownerOf(catalog: Catalog, table: string, field?: string | null): string | null {
  const t = catalog.tables.find((x) => x.name === table);
  if (!t) return null;
  if (field === undefined || field === null) return t.department;
  const f = t.fields.find((x) => x.name === field);
  if (!f) return null;
  return f.department ?? t.department;
}
