/**
 * The answer state of a report ticket (`report_tickets`): what the responsible department answered
 * and when. Shared by the report transitions (reports.ts) and the ticket transitions that touch a
 * report ticket's owner (transitions.ts: reassign). Callers hold the ticket's row lock.
 */
import type { Knex } from 'knex';

export const REPORT_CHECK = 'report';

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

/**
 * What a reassignment clears: the previous department's answer is not the new owner's (a "not ours"
 * would otherwise show as the current answer to the department that has only just got the ticket).
 * The history and the audit keep who answered what and why. `fixed_at`/`confirmed_at` follow the
 * ticket's status, which a reassignment does not change; `first_answered_at` stays (scorecards).
 */
const NO_PREVIOUS_OWNER_ANSWER = {
  answer: null,
  answer_comment: null,
  answer_document_id: null,
  answered_at: null,
} as const;

export async function patchReportState(trx: Knex.Transaction, ticketId: number, patch: Record<string, unknown>, now: Date) {
  await trx('report_tickets')
    .insert({ ticket_id: ticketId, ...patch, updated_at: now })
    .onConflict('ticket_id')
    .merge({ ...patch, updated_at: now });
}

/** Clears the current answer for a new owner; returns the answer cleared (`not_ours`, …), or null when there was none. */
export async function clearAnswerForNewOwner(trx: Knex.Transaction, ticketId: number, now: Date): Promise<string | null> {
  const state = (await trx('report_tickets').where({ ticket_id: ticketId }).first('answer')) as
    | { answer: string | null }
    | undefined;
  if (!state?.answer) return null;
  await trx('report_tickets')
    .where({ ticket_id: ticketId })
    .update({ ...NO_PREVIOUS_OWNER_ANSWER, updated_at: now });
  return state.answer;
}
