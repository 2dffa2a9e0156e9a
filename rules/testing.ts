import type { CatalogField, CatalogTable } from '../server/services/catalog/types';

/**
 * Builders of normalized catalog objects with the parser's defaults, for tests and tools that
 * check a table without writing YAML.
 */
export function catalogField(name: string, over: Partial<CatalogField> = {}): CatalogField {
  return {
    name,
    title: null,
    department: null,
    required: false,
    unique: false,
    pattern: null,
    validate: null,
    codes: null,
    references: null,
    sensitive: false,
    severity: 'medium',
    deadline: null,
    ...over,
  };
}

export function catalogTable(name: string, over: Partial<CatalogTable> = {}): CatalogTable {
  return {
    name,
    title: null,
    domain: null,
    department: 'HR',
    system: null,
    sharing: 'universal',
    key: [],
    updatedAt: null,
    freshness: null,
    maintainedIn: null,
    scope: {},
    schedule: null,
    fields: [],
    ...over,
  };
}
