import { canonicalJson } from './hash';

/**
 * The before/after summary of a change: only the keys whose values differ, e.g.
 * changeSummary({status: 'open', due: 'x'}, {status: 'closed', due: 'x'})
 *   → { before: { status: 'open' }, after: { status: 'closed' } }.
 * A key missing on one side shows as null there. Pass `keys` to look at those keys only.
 */
export function changeSummary(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
  keys?: string[],
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b = before ?? {};
  const a = after ?? {};
  const names = keys ?? Array.from(new Set([...Object.keys(b), ...Object.keys(a)])).sort();
  const out = { before: {} as Record<string, unknown>, after: {} as Record<string, unknown> };
  for (const k of names) {
    if (canonicalJson(b[k] ?? null) === canonicalJson(a[k] ?? null)) continue;
    out.before[k] = b[k] ?? null;
    out.after[k] = a[k] ?? null;
  }
  return out;
}
