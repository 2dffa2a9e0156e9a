/**
 * The answer state of a report ticket (`report_tickets`): what the responsible department answered
 * and when. Shared by the report transitions (reports.ts) and the ticket transitions that touch a
 * report ticket's owner (transitions.ts: reassign). Callers hold the ticket's row lock.
 */
import type { Knex } from 'knex';

export const REPORT_CHECK = 'report';

/**
 * Whether "not our data" on a ticket of this check is the department's answer to a report, said on the report's answer
 * page with the report's state (reports/not-ours.ts recordNotOurs), not the ticket page's dispute: a dispute alone left
 * the report answered "fixed", its reporters asked to confirm a fix while the history said the data was not the
 * department's. One rule for the page and the service: the ticket page offers its dispute form only where this is false
 * (routes/tickets/presenter.ts actionsFor), and the ticket's dispute refuses such a ticket unless it is sent as that
 * answer (transitions.ts disputeInTransaction, `reportAnswer`).
 */
export function disputedByReportAnswer(check: string): boolean {
  return check === REPORT_CHECK;
}

/**
 * The answer state a reopen leaves: no current answer (it was answered to, and the history keeps
 * it), no fix waiting for confirmation. `first_answered_at` stays: the scorecards count the first answer.
 */
export const NO_CURRENT_ANSWER = {
  answer: null,
  answer_comment: null,
  answer_document_id: null,
  answered_at: null,
  fixed_at: null,
  confirmed_at: null,
} as const;

export async function patchReportState(trx: Knex.Transaction, ticketId: number, patch: Record<string, unknown>, now: Date) {
  await trx('report_tickets')
    .insert({ ticket_id: ticketId, ...patch, updated_at: now })
    .onConflict('ticket_id')
    .merge({ ...patch, updated_at: now });
}

/**
 * What a reassignment leaves: the previous department's answer and fix are not the new owner's (a
 * "not ours" would otherwise show as the current answer to the department that has only just got the
 * ticket, and a fix would wait for the reporter's confirmation — and be confirmed by 5 working days
 * of silence — on a change the new department never made). The ticket goes back to `open`
 * (transitions.ts). The history and the audit keep who answered what and why; `first_answered_at`
 * stays (scorecards).
 *
 * Returns what was cleared: the answer (`not_ours`, `fixed`, …) and when the fix was made, each null
 * when there was none.
 */
export async function clearAnswerForNewOwner(
  trx: Knex.Transaction,
  ticketId: number,
  now: Date,
): Promise<{ answer: string | null; fixedAt: Date | null }> {
  const state = (await trx('report_tickets').where({ ticket_id: ticketId }).first('answer', 'fixed_at', 'confirmed_at')) as
    { answer: string | null; fixed_at: Date | null; confirmed_at: Date | null } | undefined;
  if (!state || (!state.answer && !state.fixed_at && !state.confirmed_at)) return { answer: null, fixedAt: null };
  await trx('report_tickets')
    .where({ ticket_id: ticketId })
    .update({ ...NO_CURRENT_ANSWER, updated_at: now });
  return { answer: state.answer, fixedAt: state.fixed_at ? new Date(state.fixed_at) : null };
}
