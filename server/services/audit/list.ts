import type { Knex } from 'knex';
import type { AuditRecord, AuditRow } from './types';

export interface AuditQuery {
  objectType?: string;
  objectId?: string | number;
  /** The actor's login, in any case. */
  actorLogin?: string;
  /** An action (`user.disable`), or without a dot every action of its group (`user`: user.update, user.disable…). */
  action?: string;
  /** occurred_at ≥ from */
  from?: Date;
  /** occurred_at < to */
  to?: Date;
  limit: number;
  offset: number;
}

export const MAX_AUDIT_PAGE = 500;

export type AuditFilters = Omit<AuditQuery, 'limit' | 'offset'>;

/** The rows matching `query`'s filters (every row without any). */
function filtered(db: Knex | Knex.Transaction, query: AuditFilters): Knex.QueryBuilder {
  const q = db('audit_log');
  if (query.objectType !== undefined) q.where('object_type', query.objectType);
  if (query.objectId !== undefined) q.where('object_id', String(query.objectId));
  // In any case, as logins sign in (`ADMIN` is `admin`: logins are unique in any case). No index on actor_login to
  // keep usable: the log is read newest first by seq.
  if (query.actorLogin !== undefined) q.whereRaw('lower(actor_login) = lower(?)', [query.actorLogin]);
  if (query.action !== undefined) {
    const action = query.action;
    if (action.includes('.')) q.where('action', action);
    else q.where((w) => w.where('action', action).orWhere('action', 'like', `${action.replace(/[\\%_]/g, '\\$&')}.%`));
  }
  if (query.from !== undefined) q.where('occurred_at', '>=', query.from);
  if (query.to !== undefined) q.where('occurred_at', '<', query.to);
  return q;
}

/** One page of audit rows, newest first, and how many rows match in all. */
export async function listAudit(db: Knex, query: AuditQuery): Promise<{ items: AuditRecord[]; total: number }> {
  const limit = Math.min(Math.max(1, Math.floor(query.limit)), MAX_AUDIT_PAGE);
  const offset = Math.max(0, Math.floor(query.offset));
  const [{ n }] = (await filtered(db, query).count({ n: '*' })) as { n: number }[];
  const rows = (await filtered(db, query).select('*').orderBy('seq', 'desc').limit(limit).offset(offset)) as AuditRow[];
  return { items: rows.map(toRecord), total: Number(n) };
}

/** Rows read at a time by `auditBatches`. */
export const AUDIT_BATCH = 1000;

/**
 * Every row matching `query` with a seq below `before`, newest first, `size` rows at a time: one short query per
 * batch, each starting below the last seq seen (keyset; no offset that grows, no transaction held open while a
 * client reads slowly). Rows are only ever appended, with a greater seq: the rows below `before` are the same
 * from the first batch to the last.
 */
export async function* auditBatches(
  db: Knex,
  query: AuditFilters,
  before: number,
  size = AUDIT_BATCH,
): AsyncGenerator<AuditRecord[]> {
  let below = before;
  for (;;) {
    const rows = (await filtered(db, query)
      .where('seq', '<', below)
      .select('*')
      .orderBy('seq', 'desc')
      .limit(size)) as AuditRow[];
    if (!rows.length) return;
    yield rows.map(toRecord);
    if (rows.length < size) return;
    below = Number(rows[rows.length - 1].seq);
  }
}

export function toRecord(row: AuditRow): AuditRecord {
  const hasActor =
    row.actor_user_id !== null || row.actor_login !== null || row.actor_department !== null || row.actor_roles.length > 0;
  return {
    seq: Number(row.seq),
    occurredAt: row.occurred_at,
    actor: hasActor
      ? { id: row.actor_user_id, login: row.actor_login, roles: row.actor_roles, department: row.actor_department }
      : null,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    summary: row.summary,
    ip: row.ip,
    requestId: row.request_id,
    prevHash: row.prev_hash.trim(),
    rowHash: row.row_hash.trim(),
  };
}
