import type { Knex } from 'knex';

/**
 * Report tickets reassigned before the reassignment cleared the previous department's answer still
 * show that department's "not ours" as their current answer: the new department's answer page and
 * `GET /api/v1/reports/…` said "非本单位数据" for a department that had not answered at all. Such an
 * answer is one given before a later `reassigned` event in the ticket's history (a "not ours" given
 * after the last reassignment is the current department's own, still waiting for the IT office, and
 * stays). `first_answered_at` and the fix state are left alone; the history keeps every answer (the
 * `disputed` event has who said "not ours" and why).
 *
 * Data only, and nothing to restore on the way down: the cleared answers were stale.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    UPDATE report_tickets AS rt
       SET answer = NULL, answer_comment = NULL, answer_document_id = NULL, answered_at = NULL, updated_at = now()
     WHERE rt.answer = 'not_ours'
       AND EXISTS (
             SELECT 1 FROM ticket_events AS e
              WHERE e.ticket_id = rt.ticket_id AND e.kind = 'reassigned' AND e.at > rt.answered_at)`);
}

export async function down(): Promise<void> {}
