import type { Knex } from 'knex';
import { loadCurrentCatalog } from '../catalog/repository';
import type { Catalog } from '../catalog/types';
import { ticketField, type TicketEventRow, type TicketRow } from '../tickets';
import { knownValues, maskReportHistory, maskReportText } from './privacy';
import { joinedTicketAt, reportsOfTicket, reportValuesOfTickets } from './queries';
import type { ReportRow } from './types';

/**
 * A report ticket's history and closing reason as a reader outside the responsible department reads
 * them on the ticket pages (`/tickets/:id`, `GET /api/v1/tickets/:id`): every comment through the
 * reports' one masking rule (`maskReportHistory`), with the values the ticket's reports saw and
 * suggested, as `/reports/tickets/:id` shows them.
 */
export async function reportTicketForOutsider(
  db: Knex,
  ticket: Pick<TicketRow, 'id' | 'table_name' | 'field_name'>,
  history: TicketEventRow[],
  closedReason: string | null,
): Promise<{ history: TicketEventRow[]; closedReason: string | null }> {
  const { field, known } = await maskingOf(db, ticket);
  return {
    history: maskReportHistory(history, field, known),
    closedReason: closedReason === null ? null : maskReportText(closedReason, field, known),
  };
}

/**
 * One more text about a report ticket (the IT office's reason for keeping it with its department) masked as
 * `reportTicketForOutsider` masks its history: notices may be mailed.
 */
export async function maskReportTicketText(
  db: Knex,
  ticket: Pick<TicketRow, 'id' | 'table_name' | 'field_name'>,
  text: string,
): Promise<string> {
  const { field, known } = await maskingOf(db, ticket);
  return maskReportText(text, field, known);
}

/**
 * The closing reasons of report tickets on a list page (`GET /api/v1/tickets`) as `reportTicketForOutsider` gives
 * each: the values of all their reports read in one query, not one a ticket (a page lists up to 200). `catalog`: the
 * current one, which the page has loaded. By ticket id; a ticket without a reason is not in it.
 */
export async function closedReasonsForOutsider(
  db: Knex,
  tickets: Pick<TicketRow, 'id' | 'table_name' | 'field_name' | 'closed_reason'>[],
  catalog: Catalog | null | undefined,
): Promise<Map<number, string>> {
  const closed = tickets.filter((t): t is typeof t & { closed_reason: string } => t.closed_reason !== null);
  const reports = await reportValuesOfTickets(
    db,
    closed.map((t) => Number(t.id)),
  );
  return new Map(
    closed.map((t) => {
      const { field, known } = maskingWith(catalog, t, reports.get(Number(t.id)) ?? []);
      return [Number(t.id), maskReportText(t.closed_reason, field, known)];
    }),
  );
}

/** What the reports' one masking rule needs for this ticket: its field as the current catalog has it, its reports' values. */
async function maskingOf(db: Knex, ticket: Pick<TicketRow, 'id' | 'table_name' | 'field_name'>) {
  const [catalog, reports] = await Promise.all([loadCurrentCatalog(db), reportsOfTicket(db, ticket.id)]);
  return maskingWith(catalog?.catalog, ticket, reports);
}

/** The same from a catalog and the ticket's reports already read (a list page reads them for all its tickets at once). */
function maskingWith(
  catalog: Catalog | null | undefined,
  ticket: Pick<TicketRow, 'table_name' | 'field_name'>,
  reports: Parameters<typeof knownValues>[0],
) {
  return { field: ticketField(catalog, ticket.table_name, ticket.field_name), known: knownValues(reports) };
}

/**
 * The part of a report ticket's history that is this report's: from its joining the ticket on (the `reported`
 * event naming it; without one, what happened from `joinedTicketAt` on). What came before was written to the
 * ticket's earlier reporters, the department and the IT office — an earlier dispute and its reasons, the office's
 * reassignment, answers to other reports — and is not shown to a reporter who came later; what the department
 * and the office did after it joined (an answer to all its reporters, a reassignment) is about this report too.
 */
export function historySinceJoined<E extends Pick<TicketEventRow, 'id' | 'at' | 'kind' | 'details'>>(
  history: E[],
  report: Pick<ReportRow, 'id' | 'created_at' | 'triaged_at' | 'status'>,
): E[] {
  const own = history.find((e) => e.kind === 'reported' && Number(e.details?.report_id) === Number(report.id));
  if (own) return history.filter((e) => Number(e.id) >= Number(own.id));
  const since = joinedTicketAt(report).getTime();
  return history.filter((e) => new Date(e.at).getTime() >= since);
}
