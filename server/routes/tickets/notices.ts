/**
 * What a ticket's departments and the IT office are told once a dispute, a request for more time, a reassignment or a
 * report's reopening is committed, for the ticket pages, the tickets API and the demo alike. A report ticket's words are masked by the
 * reports' rule (a reported value repeated in them), as its pages show them; any other ticket's by the tickets' rule.
 * The department acts on a report ticket on its report page, on any other on the ticket page.
 */
import type { Knex } from 'knex';
import type { Notifier } from '../../services/notifications';
import { maskReportTicketText } from '../../services/reports';
import {
  notifyClosed,
  notifyDispute,
  notifyDisputeDismissed,
  notifyExtensionDecided,
  notifyExtensionRequested,
  notifyReassigned,
  notifyReportReopened,
  shownFreeText,
  type TicketRow,
} from '../../services/tickets';

/** What someone typed about the ticket, as its pages show it to readers outside the department. */
async function shownText(db: Knex, ticket: TicketRow, text: string): Promise<string> {
  const typed = text.trim();
  return ticket.check_kind === 'report' ? maskReportTicketText(db, ticket, typed) : (shownFreeText(typed) ?? '');
}

/** Where the department acts on the ticket. */
const departmentLink = (ticket: TicketRow) =>
  ticket.check_kind === 'report' ? `/reports/tickets/${ticket.id}` : `/tickets/${ticket.id}`;

/** The ticket with its department's name: the IT office's notices name the department. */
async function named(db: Knex, ticket: TicketRow) {
  const department = await db('departments').where({ code: ticket.department_code }).first('name');
  return { ...ticket, department_name: department?.name as string | undefined };
}

export async function tellDispute(db: Knex, notifier: Notifier, ticket: TicketRow, reason: string): Promise<void> {
  await notifyDispute(notifier, await named(db, ticket), await shownText(db, ticket, reason));
}

/** After the IT office closed the ticket: its department has nothing more to fix, and hears why. */
export async function tellClosed(db: Knex, notifier: Notifier, ticket: TicketRow, reason: string): Promise<void> {
  await notifyClosed(notifier, ticket, await shownText(db, ticket, reason), departmentLink(ticket));
}

export async function tellDisputeDismissed(db: Knex, notifier: Notifier, ticket: TicketRow, reason: string): Promise<void> {
  await notifyDisputeDismissed(notifier, ticket, await shownText(db, ticket, reason), departmentLink(ticket));
}

export async function tellExtensionRequested(db: Knex, notifier: Notifier, ticket: TicketRow, reason: string): Promise<void> {
  await notifyExtensionRequested(
    notifier,
    await named(db, ticket),
    ticket.extension_days ?? 0,
    await shownText(db, ticket, reason),
  );
}

export async function tellExtensionDecided(
  db: Knex,
  notifier: Notifier,
  decision: { ticket: TicketRow; days: number; granted: boolean },
  reason: string,
): Promise<void> {
  const { ticket } = decision;
  await notifyExtensionDecided(
    notifier,
    ticket,
    { granted: decision.granted, days: decision.days },
    await shownText(db, ticket, reason),
    departmentLink(ticket),
  );
}

/** After a reassignment: the new department (its stewards) and the previous one (stewards and leaders), by name. */
export async function tellReassigned(
  db: Knex,
  notifier: Notifier,
  ticket: TicketRow & { reassigned_from: string },
  reason: string,
): Promise<void> {
  const from = await named(db, { ...ticket, department_code: ticket.reassigned_from });
  await notifyReassigned(notifier, await named(db, ticket), from, await shownText(db, ticket, reason), departmentLink(ticket));
}

/** After a report ticket was reopened (by a reporter, or the IT office): its department answers it again. */
export async function tellReportReopened(
  db: Knex,
  notifier: Notifier,
  ticket: TicketRow,
  by: 'reporter' | 'it_office',
  reason: string,
): Promise<void> {
  await notifyReportReopened(notifier, ticket, by, await shownText(db, ticket, reason), departmentLink(ticket));
}
