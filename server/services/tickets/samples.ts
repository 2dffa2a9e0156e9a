import type { Catalog } from '../catalog/types';
import { maskRecordKey } from '../privacy';
import { MAX_SAMPLE_KEYS } from './types';

/**
 * Sample keys as stored on a ticket and with a check result: at most 20, each masked as `maskRecordKey` masks
 * a record's key (a sensitive catalog field such as 身份证号; an undeclared column whose name says it holds
 * personal data). Tickets and runs are read by stewards, the IT office and leaders: never store raw values.
 */
export function maskSampleKeys(catalog: Catalog, tableName: string, keys: Record<string, string>[]): Record<string, string>[] {
  const table = catalog.tables.find((t) => t.name === tableName);
  // An empty key column is stored as '' on a ticket.
  return keys
    .slice(0, MAX_SAMPLE_KEYS)
    .map((key) => maskRecordKey<string | null>(table, key))
    .map((key) => Object.fromEntries(Object.entries(key).map(([column, value]) => [column, value ?? ''])));
}
