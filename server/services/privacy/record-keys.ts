import { classifyKey } from './sensitive-keys';
import { maskFieldValue, maskValue } from './mask';

/** What is known of a table's key columns: the catalog's fields (name, `sensitive`, validator). */
export interface KeyTable {
  fields: { name: string; sensitive: boolean; validate?: string | null }[];
}

/**
 * A record's key (a check's sample key, a reported record) as it may be stored and shown: each value masked
 * when its column is a sensitive catalog field (a table keyed by 身份证号), or, for a column the catalog does
 * not declare, when its name says it holds personal data (`sfzh`, `mobile`). Check results, tickets and
 * reports are read by stewards, the IT office and leaders; the record itself is in the hub. A null value
 * (a key column left empty) stays null. Masking is idempotent: keys stored masked and masked again on a page
 * read the same.
 */
export function maskRecordKey<V extends string | null>(
  table: KeyTable | null | undefined,
  key: Record<string, V>,
): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [column, value] of Object.entries(key)) {
    const field = table?.fields.find((f) => f.name === column);
    let masked: unknown = value;
    if (field) masked = maskFieldValue(value, field);
    else {
      const kind = classifyKey(column);
      if (kind) masked = maskValue(value, kind);
    }
    out[column] = (masked == null ? value : String(masked)) as V;
  }
  return out;
}
