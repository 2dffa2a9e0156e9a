/** Who did it: the signed-in user, or null for the system itself (scheduled jobs, the CLI without a login). */
export interface AuditActor {
  id?: number;
  login?: string;
  roles?: string[];
  department?: string;
}

/** One state change worth auditing, as callers describe it. */
export interface AuditEntry {
  actor?: AuditActor | null;
  /** `area.verb`, e.g. 'auth.login', 'auth.login_failed', 'catalog.import', 'ticket.transition', 'sharing.decision'. */
  action: string;
  objectType?: string;
  objectId?: string | number;
  /** Before/after summary; scrubbed of personal data and secrets before it is written. */
  summary?: Record<string, unknown>;
  ip?: string;
  requestId?: string;
}

/** One stored row, as read back. */
export interface AuditRecord {
  seq: number;
  occurredAt: Date;
  actor: { id: number | null; login: string | null; roles: string[]; department: string | null } | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  summary: Record<string, unknown>;
  ip: string | null;
  requestId: string | null;
  prevHash: string;
  rowHash: string;
}

/** The row as the database holds it (column names). */
export interface AuditRow {
  seq: number;
  occurred_at: Date;
  actor_user_id: number | null;
  actor_login: string | null;
  actor_roles: string[];
  actor_department: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  summary: Record<string, unknown>;
  ip: string | null;
  request_id: string | null;
  prev_hash: string;
  row_hash: string;
}
