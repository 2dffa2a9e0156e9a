/**
 * A ticket's identity while active: check kind, table, field ('' for table-level checks), routed
 * department and, for user reports, the record's key (keys sorted, so column order never matters).
 * One string, so the partial unique index and ON CONFLICT work on a single column.
 */
export interface FingerprintParts {
  check: string;
  table: string;
  field: string | null;
  department: string;
  recordKey?: Record<string, string> | null;
}

export function fingerprintOf(p: FingerprintParts): string {
  const record = p.recordKey
    ? JSON.stringify(Object.fromEntries(Object.entries(p.recordKey).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))
    : '';
  // JSON of the parts: no separator inside a name can make two fingerprints collide.
  return JSON.stringify([p.check, p.table, p.field ?? '', p.department, record]);
}
