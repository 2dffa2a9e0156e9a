import type { Knex } from 'knex';
import { maskFreeText, scrubForLog } from '../privacy/mask';
import { computeRowHash, GENESIS_HASH } from './hash';
import type { CurrentUser } from '../../policies';
import type { AuditActor, AuditEntry, AuditRow } from './types';

/**
 * Key of the transaction-scoped advisory lock that serializes appends ('HWAU' in ASCII). Held from
 * the append until the caller's transaction ends, so append the audit row as the last step of a
 * transaction to keep other auditing transactions waiting as briefly as possible.
 */
export const AUDIT_LOCK_KEY = 0x48574155;

/** The audit row's actor for a signed-in user (null: the system itself — a job, the CLI without a login). */
export function auditActorOf(user: CurrentUser | null | undefined): AuditActor | null {
  return user ? { id: user.id, login: user.login, roles: user.roles, department: user.department } : null;
}

export class InvalidAuditEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAuditEntryError';
  }
}

const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

/**
 * Appends one row to the hash-chained audit log inside `db`'s transaction, so the row commits or
 * rolls back with the change it records. Given a plain knex, opens a transaction of its own.
 * Run the caller's transaction at READ COMMITTED (the default): under REPEATABLE READ the snapshot
 * may miss the row appended just before, and the append fails on the duplicate seq instead.
 */
export async function appendAudit(db: Knex | Knex.Transaction, entry: AuditEntry): Promise<{ seq: number; rowHash: string }> {
  const columns = toColumns(entry);
  if ((db as { isTransaction?: boolean }).isTransaction) return appendInTransaction(db as Knex.Transaction, columns);
  return db.transaction((trx) => appendInTransaction(trx, columns));
}

type Columns = Omit<AuditRow, 'seq' | 'occurred_at' | 'prev_hash' | 'row_hash'>;

async function appendInTransaction(trx: Knex.Transaction, columns: Columns): Promise<{ seq: number; rowHash: string }> {
  await trx.raw(`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const last = (await trx('audit_log').select('seq', 'row_hash').orderBy('seq', 'desc').first()) as
    { seq: number; row_hash: string } | undefined;
  // The database clock, read under the lock so occurred_at follows seq. Truncated to milliseconds
  // because that is what a JavaScript Date holds: the hash must recompute from the value read back.
  const { rows } = await trx.raw(`select date_trunc('milliseconds', clock_timestamp()) as now`);
  const row: Omit<AuditRow, 'row_hash'> = {
    ...columns,
    seq: last ? Number(last.seq) + 1 : 1,
    occurred_at: rows[0].now as Date,
    prev_hash: last ? last.row_hash.trim() : GENESIS_HASH,
  };
  const rowHash = computeRowHash(row);
  await trx('audit_log').insert({ ...row, summary: JSON.stringify(row.summary), row_hash: rowHash });
  return { seq: row.seq, rowHash };
}

function toColumns(entry: AuditEntry): Columns {
  const actor = entry.actor ?? null;
  return {
    actor_user_id: actor?.id ?? null,
    actor_login: limited('actor.login', actor?.login, 64),
    actor_roles: [...(actor?.roles ?? [])],
    actor_department: limited('actor.department', actor?.department, 64),
    action: checkedAction(entry.action),
    object_type: limited('objectType', entry.objectType, 64),
    // Masked like the summary: a failed sign-in's object is whatever was typed as the login, often a phone number.
    object_id: limited('objectId', entry.objectId === undefined ? undefined : maskFreeText(String(entry.objectId)), 200),
    summary: asStoredJson(scrubForLog(entry.summary ?? {})),
    ip: entry.ip ?? null,
    request_id: limited('requestId', entry.requestId, 128),
  };
}

function checkedAction(action: string): string {
  if (typeof action !== 'string' || !ACTION_PATTERN.test(action) || action.length > 100) {
    throw new InvalidAuditEntryError(
      `审计记录的 action 须为“领域.动作”形式（小写，≤100 字符），收到 ${JSON.stringify(action)} / ` +
        `audit entry 'action' must be 'area.verb' in lower case (≤100 chars), e.g. 'ticket.transition'; got ${JSON.stringify(action)}`,
    );
  }
  return action;
}

function limited(field: string, value: string | undefined, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (value.length > max) {
    throw new InvalidAuditEntryError(
      `审计记录的 ${field} 超过 ${max} 个字符 / audit entry '${field}' is longer than ${max} characters`,
    );
  }
  return value;
}

/**
 * The summary exactly as jsonb will give it back: JSON round trip (drops undefined, Dates become
 * strings), without the NUL character and unpaired surrogates that jsonb rejects. Hashing this,
 * not the caller's object, is what lets `verifyAuditChain` recompute the same hash.
 */
function asStoredJson(summary: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(summary, (_key, v: unknown) =>
    // PostgreSQL jsonb cannot store NUL characters or lone surrogates: drop/replace them before hashing.
    typeof v === 'string'
      ? // eslint-disable-next-line no-control-regex
        v.replace(/\u0000/g, '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      : v,
  );
  const parsed: unknown = JSON.parse(text ?? '{}');
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidAuditEntryError(`审计记录的 summary 须为对象 / audit entry 'summary' must be an object`);
  }
  return parsed as Record<string, unknown>;
}
