import type { Knex } from 'knex';
import { ValidationError, type FieldError } from '../../errors';
import type { CurrentUser } from '../../policies';
import { disputeInTransaction, disputeTicket, RequestOrigin, TicketRow, type DisputeInput } from '../tickets';
import { REPORT_CHECK } from '../tickets/report-state';
import { sentRequiredText } from '../tickets/transitions';
import { answerDocument, saveAnswerDocument } from '../tickets/reports';
import type { Attachment } from './types';

/**
 * "Not our data": the ticket service's dispute (the ticket is flagged for the IT office to
 * reassign) and the answer noted on the report ticket, in one transaction: both or neither (a
 * ticket disputed without the answer could not be answered "not ours" again — it is already
 * disputed). Not counted as an answer for the scorecards: the department that ends up owning the
 * record still has to answer.
 *
 * A document the steward attaches (the answer page's 依据文件) is their evidence for the IT office, kept as the
 * answer's document: the report ticket's page offers it to the office deciding the dispute (and to the department),
 * not to reporters; the reassignment or the office keeping the ticket with the department clears it with the answer.
 * A file that is not a PDF, PNG or JPEG, or is too large (`uploadProblems`, from the form's parser), is refused
 * naming the document, with a missing reason at once — nothing written.
 */
export async function recordNotOurs(
  db: Knex,
  input: {
    ticketId: number;
    actor: CurrentUser;
    reason: unknown;
    document?: Attachment | null;
    uploadProblems?: FieldError[];
    origin?: RequestOrigin;
    now: Date;
  },
): Promise<TicketRow> {
  const problems: FieldError[] = [...(input.uploadProblems ?? [])];
  const document = answerDocument(input.document, problems);
  if (problems.length) {
    // Every problem of the form at once, as the other answers say them: the reason too when it is missing.
    sentRequiredText(input.reason, 'reason', 'tickets.errors.reasonRequired', problems);
    throw new ValidationError(problems);
  }
  return db.transaction((trx) =>
    // Every query on `trx`: the embedded database has a single connection, a query on `db` here would wait forever.
    disputeInTransaction(trx, { ...input, setsAsideFix: true, reportAnswer: true }, async (ticket, reason, now) => {
      const documentId = await saveAnswerDocument(trx, document, input.actor);
      // The department's current answer is "not ours": a fix it gave before no longer waits for confirmation.
      const answer = {
        answer: 'not_ours',
        answer_comment: reason,
        answer_document_id: documentId,
        answered_at: now,
        fixed_at: null,
        updated_at: now,
      };
      await trx('report_tickets')
        .insert({ ticket_id: ticket.id, ...answer })
        .onConflict('ticket_id')
        .merge(answer);
    }),
  );
}

/**
 * "Not our data" said on the ticket page or through the tickets API: for a report ticket it is the department's answer to
 * the report too (`recordNotOurs`), as on the report's answer page — a dispute alone left the report answered "fixed",
 * its reporters asked to confirm a fix while its history said the data was not the department's; for any other ticket
 * the tickets' dispute. A ticket's kind never changes, so it is read before the dispute's own transaction.
 */
export async function disputeAnyTicket(db: Knex, input: DisputeInput): Promise<TicketRow> {
  const row = Number.isSafeInteger(input.ticketId) ? await db('tickets').where({ id: input.ticketId }).first('check_kind') : null;
  return row?.check_kind === REPORT_CHECK
    ? recordNotOurs(db, { ...input, now: input.now ?? new Date() })
    : disputeTicket(db, input);
}
