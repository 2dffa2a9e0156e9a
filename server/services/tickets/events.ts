import type { Knex } from 'knex';
import { appendAudit } from '../audit';
import type { RequestOrigin, TicketActor, TicketEventKind, TicketRow, TicketStatus } from './types';

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

/** Postgres row lock plus version bump: every change to a ticket goes through `updateTicket`. */
export async function lockTicket(trx: Knex.Transaction, id: number): Promise<TicketRow | undefined> {
  return (await trx('tickets').where({ id }).forUpdate().first()) as TicketRow | undefined;
}

export async function updateTicket(
  trx: Knex.Transaction,
  ticket: TicketRow,
  changes: Partial<TicketRow>,
  now: Date,
): Promise<TicketRow> {
  const patch: Record<string, unknown> = { ...changes, version: ticket.version + 1, updated_at: now };
  if (changes.sample_keys) patch.sample_keys = JSON.stringify(changes.sample_keys);
  const [row] = await trx('tickets').where({ id: ticket.id }).update(patch).returning('*');
  return row as TicketRow;
}
