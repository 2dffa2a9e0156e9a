import type { Knex } from 'knex';
import { appendAudit } from '../audit';
import { settleNotices } from '../notifications/inbox';
import {
  ACTIVE_STATUSES,
  confirmSubject,
  disputeSubject,
  extensionSubject,
  EXTENSION_STATUSES,
  NO_EXTENSION,
  type RequestOrigin,
  type TicketActor,
  type TicketEventKind,
  type TicketRow,
  type TicketStatus,
} from './types';

export interface NewEvent {
  kind: TicketEventKind;
  at: Date;
  actor: TicketActor | null;
  from?: TicketStatus | null;
  to?: TicketStatus | null;
  comment?: string | null;
  details?: Record<string, unknown>;
}

/** One history row; the ticket page and the API show these in order. */
export async function recordEvent(trx: Knex.Transaction, ticketId: number, e: NewEvent): Promise<void> {
  await trx('ticket_events').insert({
    ticket_id: ticketId,
    at: e.at,
    actor_user_id: e.actor?.id ?? null,
    actor_login: e.actor?.login ?? null,
    actor_name: e.actor?.name ?? null,
    kind: e.kind,
    from_status: e.from ?? null,
    to_status: e.to ?? null,
    comment: e.comment ?? null,
    details: JSON.stringify(e.details ?? {}),
  });
}

/**
 * History row and audit row together, the audit row last (it takes the audit chain's lock, so it
 * should be held as briefly as possible).
 */
export async function recordAndAudit(
  trx: Knex.Transaction,
  ticket: Pick<TicketRow, 'id' | 'department_code' | 'check_kind' | 'table_name' | 'field_name'>,
  action: string,
  e: NewEvent,
  origin: RequestOrigin = {},
  /** What the audit row says instead of the event's comment and details, when they differ (a report's values, masked). */
  auditView: Pick<NewEvent, 'comment' | 'details'> = {},
): Promise<void> {
  await recordEvent(trx, ticket.id, e);
  const audited = { ...e, ...auditView };
  await appendAudit(trx, {
    actor: e.actor ? { id: e.actor.id, login: e.actor.login, roles: e.actor.roles, department: e.actor.department } : null,
    action,
    objectType: 'ticket',
    objectId: ticket.id,
    summary: {
      kind: e.kind,
      from: e.from ?? undefined,
      to: e.to ?? undefined,
      department: ticket.department_code,
      check: ticket.check_kind,
      table: ticket.table_name,
      field: ticket.field_name ?? undefined,
      comment: audited.comment ?? undefined,
      ...(audited.details ?? {}),
    },
    ...origin,
  });
}

/** Postgres row lock: every change to a ticket goes through `lockTicket` then `updateTicket`. */
export async function lockTicket(trx: Knex.Transaction, id: number): Promise<TicketRow | undefined> {
  return (await trx('tickets').where({ id }).forUpdate().first()) as TicketRow | undefined;
}

/**
 * Whether a ticket event was the sender's own doing. A stale or repeated decision whose cause was the sender
 * (another tab or window) says so, not "someone else", which had people look for a colleague who was not there.
 */
export function byActor(event: { actor_user_id?: unknown } | undefined, actor: { id: number }): boolean {
  return event?.actor_user_id != null && Number(event.actor_user_id) === actor.id;
}

/**
 * What the system may refresh on a ticket without a person's decision changing: a check run's figures for a
 * ticket still failing, and the reminder/escalation stamps.
 */
const REFRESHABLE: ReadonlySet<string> = new Set<keyof TicketRow>([
  'violations',
  'checked_rows',
  'sample_keys',
  'message',
  'message_en',
  'severity',
  'last_seen',
  'last_run_id',
  'occurrences',
  'reminded_at',
  'escalated_at',
]);

/**
 * Writes `changes` and moves `version`, which the ticket's forms carry to refuse acting on a stale page (409).
 * `refresh`: the system only refreshed figures or stamps (REFRESHABLE), so the version stays — were it moved
 * by the hourly run, a steward's form left open across a run would be refused although nothing they decide on
 * had changed. Anything a person did or said (a status, a department, a due date, a comment, a report joining
 * the ticket) moves it.
 */
export async function updateTicket(
  trx: Knex.Transaction,
  ticket: TicketRow,
  changes: Partial<TicketRow>,
  now: Date,
  opts: { refresh?: boolean } = {},
): Promise<TicketRow> {
  const refresh = opts.refresh === true;
  if (refresh) {
    const decided = Object.keys(changes).filter((key) => !REFRESHABLE.has(key));
    if (decided.length) throw new Error(`a refresh cannot change ${decided.join(', ')} of ticket ${ticket.id}`);
  }
  const patch: Record<string, unknown> = { ...changes, version: ticket.version + (refresh ? 0 : 1), updated_at: now };
  // A request for more time lives while the department works the ticket (extensions.ts): fixed, resolved or closed,
  // it has nothing left to extend, and it must not come back as waiting if the ticket returns to the department.
  if (changes.status && !EXTENSION_STATUSES.includes(changes.status) && ticket.extension_requested_at)
    Object.assign(patch, NO_EXTENSION);
  // A dispute ends when the ticket does (closed by the office or a report's "not an error", resolved by a run): a stale
  // flag would stop the clock of a reopened ticket (deadlines.ts) and keep the office's notice waiting.
  if (changes.status && !ACTIVE_STATUSES.includes(changes.status) && ticket.disputed_at) patch.disputed_at = null;
  if (changes.sample_keys) patch.sample_keys = JSON.stringify(changes.sample_keys);
  // A request for more time or a dispute the IT office was told of is over (decided, or the ticket moved on): its
  // notices stop waiting in the officers' inboxes; so does a reporter's "please confirm" once the fix is settled.
  const settled = [
    ...(ticket.extension_requested_at && patch.extension_requested_at === null ? [extensionSubject(ticket.id)] : []),
    ...(ticket.disputed_at && patch.disputed_at === null ? [disputeSubject(ticket.id)] : []),
    // A report's fix its reporters were asked to confirm: confirmed, resolved by their silence, reopened or set aside.
    ...(ticket.status === 'fixed' && changes.status && changes.status !== 'fixed' ? [confirmSubject(ticket.id)] : []),
  ];
  if (settled.length) await settleNotices(trx, settled, now);
  const [row] = await trx('tickets').where({ id: ticket.id }).update(patch).returning('*');
  return row as TicketRow;
}
