import type { Knex } from 'knex';
import type { CurrentUser } from '../../policies';
import { disputeTicket, RequestOrigin, TicketRow } from '../tickets';

/**
 * "Not our data": the ticket service's dispute (the ticket is flagged for the IT office to
 * reassign), then the answer is noted on the report ticket. Not counted as an answer for the
 * scorecards: the department that ends up owning the record still has to answer.
 */
export async function recordNotOurs(
  db: Knex,
  input: { ticketId: number; actor: CurrentUser; reason: string; origin?: RequestOrigin; now: Date },
): Promise<TicketRow> {
  const ticket = await disputeTicket(db, input);
  await db('report_tickets')
    .insert({ ticket_id: ticket.id, answer: 'not_ours', answer_comment: input.reason.trim(), answered_at: input.now, updated_at: input.now })
    .onConflict('ticket_id')
    .merge({ answer: 'not_ours', answer_comment: input.reason.trim(), answered_at: input.now, updated_at: input.now });
  return ticket;
}
