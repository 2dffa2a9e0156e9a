import { columnLabel, keyEntries, type KeyedTable } from '../services/catalog/record-key';

/**
 * A violating row's sample key has nothing to show when every key column is empty or blank (spaces, tabs,
 * U+3000 — JavaScript's trim removes what the checks count as blank). Pages say so (checks.run.emptyKey,
 * （主键为空）) instead of showing separators, spaces or empty cells.
 */
export function isBlankKey(key: Record<string, unknown>): boolean {
  return Object.values(key).every((v) => String(v ?? '').trim() === '');
}

/** Whitespace at a key's edges, as shown: each character a visible mark. */
const EDGE_WHITESPACE = /^\s+|\s+$/g;

/**
 * A sample key's value with the whitespace at its ends made visible (`B02␣`): the uniqueness check counts `B02` and
 * `B02 ` as one value (blanks at the ends are not data), and a steward shown "B02; B02" could not see which row to
 * fix. Inner spaces stay as typed; null stays null (an empty cell).
 */
export function withVisibleEdges(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value.replace(EDGE_WHITESPACE, (run) => '␣'.repeat([...run].length));
}

/** Between the parts of a key of several columns shown in one line. */
export const KEY_PART_SEPARATOR = ' · ';

/**
 * A sample key (masked) in one line, where no table header says which value is which (the run page's 示例记录): a
 * key of one column is its value (10000008); a key of several names each part by its column's label, in the
 * catalog's key order (学号 201900000001 · 课程 C1007 · term 2022-2023-1), not jsonb's (term first). An empty part
 * reads `emptyPart`.
 */
export function sampleKeyInline(
  table: KeyedTable | null | undefined,
  key: Record<string, string | null>,
  emptyPart: string,
): string {
  const parts = keyEntries(table, key).map(([column, value]) => ({ column, value: withVisibleEdges(value) || emptyPart }));
  if (parts.length === 1) return parts[0].value;
  return parts.map((p) => `${columnLabel(table, p.column)} ${p.value}`).join(KEY_PART_SEPARATOR);
}

/** The words `sampleKeysLine` writes, in the reader's language. */
export interface SampleKeyWords {
  /** A key whose every column is empty (（主键为空）). */
  emptyKey: string;
  /** An empty part of a key of several columns (（空）). */
  emptyPart: string;
  /** Between two keys (；). */
  separator: string;
  /** The keys of a one-column key after its column's label (工号：10000008；10000009). */
  ofColumn: (label: string, keys: string) => string;
}

/**
 * A failing check's sample keys (masked) in one line. A key of several columns names its parts (sampleKeyInline); the
 * keys of a one-column key are named once, by that column, before them (工号：10000008；10000009): a bare list of
 * numbers did not say whether they were staff numbers or ID numbers.
 */
export function sampleKeysLine(
  table: KeyedTable | null | undefined,
  keys: Record<string, string | null>[],
  words: SampleKeyWords,
): string {
  const shown = keys.map((k) => (isBlankKey(k) ? words.emptyKey : sampleKeyInline(table, k, words.emptyPart)));
  const line = shown.join(words.separator);
  const columns = new Set(keys.flatMap((k) => Object.keys(k)));
  if (keys.length === 0 || columns.size !== 1 || keys.some((k) => Object.keys(k).length !== 1)) return line;
  return words.ofColumn(columnLabel(table, [...columns][0]), line);
}
