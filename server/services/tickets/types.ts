import type { CheckKind, CheckResult } from '../../../rules/types';
import type { Severity } from '../catalog/types';

export type { CheckResult, Severity };

/** `report` is a user's error report (issue 6); every other kind comes from the check engine. */
export type TicketCheck = CheckKind | 'report';

export const TICKET_STATUSES = ['open', 'acknowledged', 'fixed', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const ACTIVE_STATUSES: TicketStatus[] = ['open', 'acknowledged', 'fixed'];
/** The active statuses in which the department still works on the ticket (a fixed one waits for its verification). */
export const WORKING_STATUSES: TicketStatus[] = ['open', 'acknowledged'];
/**
 * The statuses in which a department works a ticket: a request for more time is possible, and waits, only in these
 * (a `fixed` ticket waits for its re-check or its reporters). Leaving them ends a waiting request (events.ts updateTicket).
 */
export const EXTENSION_STATUSES: TicketStatus[] = ['open', 'acknowledged'];
/**
 * The notices' subjects (notifications `subject`) of what a ticket asks the IT office to decide: marked read for every
 * officer once it is decided (events.ts updateTicket).
 */
export const extensionSubject = (ticketId: number) => `ticket_extension:${ticketId}`;
export const disputeSubject = (ticketId: number) => `ticket_dispute:${ticketId}`;
/**
 * The subject of a report's "the department fixed it, please confirm" notices to its reporters: done with once the
 * ticket leaves `fixed` (confirmed, resolved by silence, reopened, reassigned).
 */
export const confirmSubject = (ticketId: number) => `report_confirm:${ticketId}`;

/** What clears a request for more time (a reassignment: the new department has not asked). */
export const NO_EXTENSION = { extension_requested_at: null, extension_days: null } as const;
/** Whether a request for more time waits for the IT office on this ticket. */
export function extensionPending(t: Pick<TicketRow, 'status' | 'extension_requested_at'>): boolean {
  return !!t.extension_requested_at && EXTENSION_STATUSES.includes(t.status);
}
/**
 * The working days of the request for more time that a change of this ticket ends (fixed, closed, disputed,
 * reassigned, answered, resolved), for the change's history row (`extension_ended`); undefined when none waits.
 */
export function endingExtension(t: Pick<TicketRow, 'status' | 'extension_requested_at' | 'extension_days'>): number | undefined {
  return extensionPending(t) ? (t.extension_days ?? undefined) : undefined;
}
export const SEVERITIES: Severity[] = ['high', 'medium', 'low'];

export type TicketEventKind =
  | 'filed'
  | 'updated'
  | 'transition'
  | 'comment'
  | 'reassigned'
  | 'disputed'
  | 'reopened'
  | 'escalated'
  | 'reminded'
  /** The IT office kept a disputed ticket with its department (transitions.ts dismissDispute). */
  | 'dispute_refused'
  /** A request for more time, and the IT office's answer (extensions.ts). */
  | 'extension_asked'
  | 'extension_given'
  | 'extension_denied'
  // Kept for user error reports (issue 6).
  | 'reported'
  | 'answered'
  | 'confirmed'
  /** A reporter withdrew their report from the ticket (reports/withdraw.ts). */
  | 'withdrawn'
  /** A catalog import changed the holidays or make-up working days: the due date moved (calendar-change.ts). */
  | 'due_moved';

/** A ticket row as the database gives it back (connect.ts: date → string, timestamptz → Date). */
export interface TicketRow {
  id: number;
  fingerprint: string;
  check_kind: string;
  table_name: string;
  field_name: string | null;
  fingerprint_department: string;
  department_code: string;
  status: TicketStatus;
  severity: Severity;
  message: string;
  /** The same sentence in English (English pages), null on tickets filed before it was kept. */
  message_en: string | null;
  violations: number;
  checked_rows: number;
  sample_keys: Record<string, string>[];
  record_key: Record<string, string> | null;
  first_seen: Date;
  last_seen: Date;
  occurrences: number;
  due_at: string;
  reopened: number;
  resolved_at: Date | null;
  closed_reason: string | null;
  escalated_at: Date | null;
  reminded_at: Date | null;
  recheck_requested_at: Date | null;
  disputed_at: Date | null;
  /** A request for more time waiting for the IT office (extensions.ts), and the working days asked for. */
  extension_requested_at: Date | null;
  extension_days: number | null;
  last_run_id: string | null;
  version: number;
  updated_at: Date;
}

/** Who acts: a signed-in user, or null for the system (check runs, scheduled jobs). */
export interface TicketActor {
  id: number;
  login: string;
  name: string;
  department: string;
  roles: string[];
}

/** Where a request came from, for the audit log. */
export interface RequestOrigin {
  ip?: string;
  requestId?: string;
}

/** Working days from filing to due, by severity (settings page; defaults from issue 5). */
export type DueWorkingDays = Record<Severity, number>;
export const DEFAULT_DUE_WORKING_DAYS: DueWorkingDays = { high: 3, medium: 5, low: 10 };

/** A reopened ticket comes back only within this many days of its resolution; later a new one is filed. */
export const REOPEN_WINDOW_DAYS = 30;
export const MAX_SAMPLE_KEYS = 20;
