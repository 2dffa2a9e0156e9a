import { classifyKey } from './sensitive-keys';
import { maskValue, type MaskKind } from './mask';
import { personalKind } from './personal';

/** What is known of a table's key columns: the catalog's fields (name, `sensitive`, validator). */
export interface KeyTable {
  fields: { name: string; sensitive: boolean; validate?: string | null; title?: string | null }[];
}

/**
 * How a key column's values are masked: a catalog field by the personal data it holds — its validator (a table keyed
 * by 身份证号 with `validate: cn_id_card`, whether or not the catalog also says `sensitive`), its name (`sfzh`,
 * `mobile`), or `sensitive` — and a column the catalog does not declare by its name. A person's name in a key
 * (姓名 beside 职工号) is what tells the steward which row, and is masked only when the catalog marks it sensitive.
 */
function keyMaskKind(column: string, field: KeyTable['fields'][number] | undefined): MaskKind | null {
  if (!field) return classifyKey(column);
  const kind = personalKind(field);
  if (kind !== 'name') return kind;
  return field.sensitive ? 'name' : null;
}

/**
 * A record's key (a check's sample key, a reported record) as it may be stored and shown: each value masked
 * when its column holds personal data (keyMaskKind). Values are not searched for numbers that look like phones or
 * ID numbers: a student number (17210240123) or a credit code is what tells the steward which record to fix, and
 * the catalog (or the column's name) says what a column holds. Check results, tickets and reports are read by
 * stewards, the IT office and leaders; the record itself is in the hub. A null value (a key column left empty)
 * stays null. Masking is idempotent: keys stored masked and masked again on a page read the same.
 */
export function maskRecordKey<V extends string | null>(
  table: KeyTable | null | undefined,
  key: Record<string, V>,
): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [column, value] of Object.entries(key)) {
    if (value === null) {
      out[column] = value;
      continue;
    }
    const kind = keyMaskKind(
      column,
      table?.fields.find((f) => f.name === column),
    );
    out[column] = (kind ? (maskValue(value, kind) ?? value) : value) as V;
  }
  return out;
}
