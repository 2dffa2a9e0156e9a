import type { Knex } from 'knex';
import type { TicketStatus } from '../tickets';
import { STATUS_WORDS } from './notify';
import type { ReportRow, ReportStatus } from './types';

/** A report with what its reporter may know of the ticket: status, due date, answer. */
export interface ReportWithTicket extends ReportRow {
  ticket_status: TicketStatus | null;
  ticket_department: string | null;
  due_at: string | null;
  closed_reason: string | null;
  answer: string | null;
  answer_comment: string | null;
  answered_at: Date | null;
  fixed_at: Date | null;
  reporter_reopens: number | null;
  occurrences: number | null;
}

function withTicket(db: Knex) {
  return db('reports as r')
    .leftJoin('tickets as t', 't.id', 'r.ticket_id')
    .leftJoin('report_tickets as rt', 'rt.ticket_id', 'r.ticket_id')
    .select(
      'r.*',
      't.status as ticket_status',
      't.department_code as ticket_department',
      't.due_at',
      't.closed_reason',
      't.occurrences',
      'rt.answer',
      'rt.answer_comment',
      'rt.answered_at',
      'rt.fixed_at',
      'rt.reporter_reopens',
    );
}

export async function listMyReports(db: Knex, reporterId: number): Promise<ReportWithTicket[]> {
  return withTicket(db).where('r.reporter_id', reporterId).orderBy('r.id', 'desc');
}

export async function findReport(db: Knex, id: number): Promise<ReportWithTicket | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  return withTicket(db).where('r.id', id).first();
}

/** Every report joined to one ticket, with who filed it: the steward's answer page lists them. */
export async function reportsOfTicket(db: Knex, ticketId: number) {
  return db('reports as r')
    .join('users as u', 'u.id', 'r.reporter_id')
    .leftJoin('uploads as up', 'up.id', 'r.attachment_id')
    .where('r.ticket_id', ticketId)
    .orderBy('r.id')
    .select(
      'r.*',
      'u.name as reporter_name',
      'u.login as reporter_login',
      'u.department_code as reporter_department',
      'up.filename as attachment_name',
    );
}

export async function listTriage(db: Knex) {
  return db('reports as r')
    .join('users as u', 'u.id', 'r.reporter_id')
    .where('r.status', 'triage')
    .orderBy('r.id')
    .select('r.*', 'u.name as reporter_name', 'u.login as reporter_login');
}

/**
 * What the reporter sees as the status: waiting for triage, turned down, or the ticket's status
 * (open/acknowledged/fixed/resolved/closed).
 */
export function reporterStatus(r: Pick<ReportWithTicket, 'status' | 'ticket_status'>): ReportStatus | TicketStatus {
  if (r.status !== 'routed' || !r.ticket_status) return r.status;
  return r.ticket_status;
}

export function statusWords(status: string): string {
  return status === 'triage' ? '待信息化办公室分派' : status === 'rejected' ? '未受理' : (STATUS_WORDS[status] ?? status);
}

/** What the reporter may do now: confirm a fix; reopen once after an answer (fixed, resolved, closed). */
export function reporterActions(r: ReportWithTicket) {
  const status = reporterStatus(r);
  const answered = status === 'fixed' || status === 'resolved' || status === 'closed';
  return { confirm: status === 'fixed', reopen: answered && Number(r.reporter_reopens ?? 0) < 1 };
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/**
 * The public shape of a report (`GET /api/v1/reports/mine`, a contract): snake_case, stable.
 * `ticket_id` is null while the report waits for triage or after it was turned down.
 */
export function toPublicReport(r: ReportWithTicket) {
  return {
    id: Number(r.id),
    ticket_id: r.ticket_id === null ? null : Number(r.ticket_id),
    status: reporterStatus(r),
    table: r.table_name,
    field: r.field_name,
    record_key: r.record_key,
    description: r.description,
    suggested_value: r.suggested_value,
    department: r.ticket_department ?? r.department_code,
    due_at: r.due_at,
    reporters: r.occurrences ?? 1,
    hub: { found: r.hub_found, value: r.hub_value },
    answer: r.answer ? { kind: r.answer, comment: r.answer_comment, at: iso(r.answered_at) } : null,
    closed_reason: r.closed_reason,
    triage_reason: r.triage_reason,
    created_at: iso(r.created_at),
  };
}
