/**
 * What a request for more time tells people once it is committed, for the ticket pages and the tickets API alike: the
 * IT office of a request, the department of the office's answer. A report ticket's words are masked by the reports'
 * rule (a reported value repeated in them), as its pages show them; any other ticket's by the tickets' rule.
 */
import type { Knex } from 'knex';
import type { Notifier } from '../../services/notifications';
import { maskReportTicketText } from '../../services/reports';
import { notifyExtensionDecided, notifyExtensionRequested, shownFreeText, type TicketRow } from '../../services/tickets';

async function shownText(db: Knex, ticket: TicketRow, text: string): Promise<string> {
  const typed = text.trim();
  return ticket.check_kind === 'report' ? maskReportTicketText(db, ticket, typed) : (shownFreeText(typed) ?? '');
}

export async function tellExtensionRequested(db: Knex, notifier: Notifier, ticket: TicketRow, reason: string): Promise<void> {
  const department = await db('departments').where({ code: ticket.department_code }).first('name');
  await notifyExtensionRequested(
    notifier,
    { ...ticket, department_name: department?.name },
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
  // A report ticket is answered on its report page; any other on the ticket page.
  const link = ticket.check_kind === 'report' ? `/reports/tickets/${ticket.id}` : `/tickets/${ticket.id}`;
  await notifyExtensionDecided(
    notifier,
    ticket,
    { granted: decision.granted, days: decision.days },
    await shownText(db, ticket, reason),
    link,
  );
}
