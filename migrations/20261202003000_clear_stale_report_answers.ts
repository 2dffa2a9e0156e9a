import type { Knex } from 'knex';

/**
 * Report tickets reopened before the reopen cleared the department's answer still carry it: an open
 * (or acknowledged) ticket showing "已整改" or "数据无误" on its page and in `GET /api/v1/reports/…`.
 * An answer of `fixed` moves the ticket to `fixed` and `not_error` to `closed`, so on an open or
 * acknowledged ticket such an answer is always a stale one. `not_ours` is left alone: the department
 * says so while the ticket is open, and the IT office still has to reassign it. `first_answered_at`
 * stays (the scorecards count the first answer); the history keeps every answer.
 *
 * Data only, and nothing to restore on the way down: the cleared answers were stale.
 */
export async function up(knex: Knex): Promise<void> {
  await knex('report_tickets')
    .whereIn('answer', ['fixed', 'not_error'])
    .whereIn('ticket_id', knex('tickets').whereIn('status', ['open', 'acknowledged']).select('id'))
    .update({
      answer: null,
      answer_comment: null,
      answer_document_id: null,
      answered_at: null,
      fixed_at: null,
      confirmed_at: null,
      updated_at: knex.fn.now(),
    });
}

export async function down(): Promise<void> {}
