import type { Knex } from 'knex';
import type { AuditRecord, AuditRow } from './types';

export interface AuditQuery {
  objectType?: string;
  objectId?: string | number;
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

/** One page of audit rows, newest first, and how many rows match in all. */
export async function listAudit(db: Knex, query: AuditQuery): Promise<{ items: AuditRecord[]; total: number }> {
  const limit = Math.min(Math.max(1, Math.floor(query.limit)), MAX_AUDIT_PAGE);
  const offset = Math.max(0, Math.floor(query.offset));
  const filtered = () => {
    const q = db('audit_log');
    if (query.objectType !== undefined) q.where('object_type', query.objectType);
    if (query.objectId !== undefined) q.where('object_id', String(query.objectId));
    if (query.actorLogin !== undefined) q.where('actor_login', query.actorLogin);
    if (query.action !== undefined) {
      const action = query.action;
      if (action.includes('.')) q.where('action', action);
      else q.where((w) => w.where('action', action).orWhere('action', 'like', `${action.replace(/[\\%_]/g, '\\$&')}.%`));
    }
    if (query.from !== undefined) q.where('occurred_at', '>=', query.from);
    if (query.to !== undefined) q.where('occurred_at', '<', query.to);
    return q;
  };
  const [{ n }] = (await filtered().count({ n: '*' })) as { n: number }[];
  const rows = (await filtered().select('*').orderBy('seq', 'desc').limit(limit).offset(offset)) as AuditRow[];
  return { items: rows.map(toRecord), total: Number(n) };
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
