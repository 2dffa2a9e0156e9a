import { createHash } from 'node:crypto';
import type { AuditRow } from './types';

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted at every level and Dates as ISO strings, so the same values always
 * give the same text whatever order the database or the caller produced the keys in.
 */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * row_hash = sha256(prev_hash + canonical JSON of every other column). Takes the row as read back
 * from the database (or exactly as about to be inserted), so appender and verifier agree.
 */
export function computeRowHash(row: Omit<AuditRow, 'row_hash'>): string {
  const { prev_hash, ...columns } = row;
  const hashed = {
    seq: Number(columns.seq),
    occurred_at: columns.occurred_at,
    actor_user_id: columns.actor_user_id === null ? null : Number(columns.actor_user_id),
    actor_login: columns.actor_login,
    actor_roles: columns.actor_roles ?? [],
    actor_department: columns.actor_department,
    action: columns.action,
    object_type: columns.object_type,
    object_id: columns.object_id,
    summary: columns.summary,
    ip: columns.ip,
    request_id: columns.request_id,
  };
  return createHash('sha256')
    .update(prev_hash.trim() + canonicalJson(hashed), 'utf8')
    .digest('hex');
}
