/**
 * A violating row's sample key has nothing to show when every key column is empty or blank (spaces, tabs,
 * U+3000 — JavaScript's trim removes what the checks count as blank). Pages say so (checks.run.emptyKey,
 * （主键为空）) instead of showing separators, spaces or empty cells.
 */
export function isBlankKey(key: Record<string, unknown>): boolean {
  return Object.values(key).every((v) => String(v ?? '').trim() === '');
}
