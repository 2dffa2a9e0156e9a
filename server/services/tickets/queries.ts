import type { Knex } from 'knex';
import { ACTIVE_STATUSES, TicketRow, TicketStatus, TICKET_STATUSES } from './types';

export interface TicketFilters {
  /** One status, or 'active' for open + acknowledged + fixed. */
  status?: TicketStatus | 'active';
  department?: string;
  table?: string;
  check?: string;
  severity?: string;
  /** 'overdue': active and past due (needs `today`); 'escalated': active and escalated. */
  view?: 'overdue' | 'escalated';
  today?: string;
  ids?: number[];
}

export function isStatusFilter(value: string): value is TicketStatus | 'active' {
  return value === 'active' || (TICKET_STATUSES as readonly string[]).includes(value);
}

function filtered(db: Knex, f: TicketFilters): Knex.QueryBuilder {
  const q = db('tickets');
  if (f.status === 'active') q.whereIn('status', ACTIVE_STATUSES);
  else if (f.status) q.where({ status: f.status });
  if (f.department) q.where({ department_code: f.department });
  if (f.table) q.where({ table_name: f.table });
  if (f.check) q.where({ check_kind: f.check });
  if (f.severity) q.where({ severity: f.severity });
  if (f.ids) q.whereIn('id', f.ids);
  if (f.view === 'overdue') q.whereIn('status', ACTIVE_STATUSES).where('due_at', '<', f.today ?? '9999-12-31');
  if (f.view === 'escalated') q.whereIn('status', ACTIVE_STATUSES).whereNotNull('escalated_at');
  return q;
}

/** A page of tickets, the most urgent first (earliest due date). */
export async function listTickets(
  db: Knex,
  f: TicketFilters,
  page: { limit: number; offset: number } = { limit: 10_000, offset: 0 },
): Promise<{ items: TicketRow[]; total: number }> {
  const [items, total] = await Promise.all([
    filtered(db, f)
      .orderBy([
        { column: 'due_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(page.limit)
      .offset(page.offset)
      .select('*'),
    filtered(db, f).count({ n: '*' }).first(),
  ]);
  return { items: items as TicketRow[], total: Number(total?.n ?? 0) };
}

export async function findTicket(db: Knex, id: number): Promise<TicketRow | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  return (await db('tickets').where({ id }).first()) as TicketRow | undefined;
}

export interface TicketEventRow {
  id: number;
  at: Date;
  actor_login: string | null;
  actor_name: string | null;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  comment: string | null;
  details: Record<string, unknown>;
}

export async function ticketHistory(db: Knex, id: number): Promise<TicketEventRow[]> {
  return db('ticket_events')
    .where({ ticket_id: id })
    .orderBy('id', 'asc')
    .select('id', 'at', 'actor_login', 'actor_name', 'kind', 'from_status', 'to_status', 'comment', 'details');
}

/** Distinct values for the queue's filter menus, within what the user may see. */
export async function filterChoices(db: Knex, department?: string): Promise<{ tables: string[]; checks: string[] }> {
  const base = () => (department ? db('tickets').where({ department_code: department }) : db('tickets'));
  const [tables, checks] = await Promise.all([
    base().distinct('table_name').orderBy('table_name'),
    base().distinct('check_kind').orderBy('check_kind'),
  ]);
  return {
    tables: tables.map((r: { table_name: string }) => r.table_name),
    checks: checks.map((r: { check_kind: string }) => r.check_kind),
  };
}

/**
 * The public shape (CLI `tickets list --json`, `GET /api/v1/tickets`): a contract, so names are
 * snake_case and stable. `field` is null for table-level checks; `check` is `report` for user reports.
 */
export interface PublicTicket {
  id: number;
  status: TicketStatus;
  department: string;
  table: string;
  field: string | null;
  check: string;
  severity: string;
  violations: number;
  checked_rows: number;
  message: string;
  sample_keys: Record<string, string>[];
  record_key: Record<string, string> | null;
  first_seen: string;
  last_seen: string;
  occurrences: number;
  due_at: string;
  reopened: number;
  overdue: boolean;
  escalated_at: string | null;
  disputed_at: string | null;
  resolved_at: string | null;
  closed_reason: string | null;
  version: number;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toPublicTicket(t: TicketRow, today: string): PublicTicket {
  return {
    id: Number(t.id),
    status: t.status,
    department: t.department_code,
    table: t.table_name,
    field: t.field_name || null,
    check: t.check_kind,
    severity: t.severity,
    violations: t.violations,
    checked_rows: t.checked_rows,
    message: t.message,
    sample_keys: t.sample_keys,
    record_key: t.record_key,
    first_seen: iso(t.first_seen)!,
    last_seen: iso(t.last_seen)!,
    occurrences: t.occurrences,
    due_at: t.due_at,
    reopened: t.reopened,
    overdue: ACTIVE_STATUSES.includes(t.status) && t.due_at < today,
    escalated_at: iso(t.escalated_at),
    disputed_at: iso(t.disputed_at),
    resolved_at: iso(t.resolved_at),
    closed_reason: t.closed_reason,
    version: t.version,
  };
}
