import type { Knex } from 'knex';
import type { CurrentUser } from '../../policies';
import { disputeInTransaction, RequestOrigin, TicketRow } from '../tickets';

/**
 * "Not our data": the ticket service's dispute (the ticket is flagged for the IT office to
 * reassign) and the answer noted on the report ticket, in one transaction: both or neither (a
 * ticket disputed without the answer could not be answered "not ours" again — it is already
 * disputed). Not counted as an answer for the scorecards: the department that ends up owning the
 * record still has to answer.
 */
export async function recordNotOurs(
  db: Knex,
  input: { ticketId: number; actor: CurrentUser; reason: string; origin?: RequestOrigin; now: Date },
): Promise<TicketRow> {
  return db.transaction((trx) =>
    // Every query on `trx`: the embedded database has a single connection, a query on `db` here would wait forever.
    disputeInTransaction(trx, input, async (ticket, reason, now) => {
      const answer = { answer: 'not_ours', answer_comment: reason, answered_at: now, updated_at: now };
      await trx('report_tickets')
        .insert({ ticket_id: ticket.id, ...answer })
        .onConflict('ticket_id')
        .merge(answer);
    }),
  );
}
