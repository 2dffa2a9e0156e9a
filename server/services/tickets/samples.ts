import type { Catalog } from '../catalog/types';
import { classifyKey } from '../privacy';
import { maskFieldValue, maskValue } from '../privacy/mask';
import { MAX_SAMPLE_KEYS } from './types';

/**
 * Sample keys as stored on a ticket: at most 20, each value masked when its column is a sensitive
 * catalog field (e.g. a table keyed by 身份证号) or, for undeclared columns, when its name says it
 * holds personal data. Tickets are read by stewards, the IT office and leaders: never store raw values.
 */
export function maskSampleKeys(catalog: Catalog, tableName: string, keys: Record<string, string>[]): Record<string, string>[] {
  const table = catalog.tables.find((t) => t.name === tableName);
  return keys.slice(0, MAX_SAMPLE_KEYS).map((key) => {
    const out: Record<string, string> = {};
    for (const [column, value] of Object.entries(key)) {
      const field = table?.fields.find((f) => f.name === column);
      let masked: unknown = value;
      if (field) masked = maskFieldValue(value, field);
      else {
        const kind = classifyKey(column);
        if (kind) masked = maskValue(value, kind);
      }
      out[column] = masked == null ? '' : String(masked);
    }
    return out;
  });
}
