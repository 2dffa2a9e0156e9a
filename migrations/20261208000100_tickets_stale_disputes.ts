import type { Knex } from 'knex';

/**
 * A dispute flag left on tickets it no longer applies to: a passing run resolved a disputed ticket (and a later
 * failure reopened it) without clearing `disputed_at`. It only showed an old 有异议 badge before; since a dispute
 * stops the department's clock (reminders and escalation skip disputed tickets), a stale one would stop it for good.
 * Cleared on tickets that are no longer active, and on those reopened after their dispute. Data only: nothing to
 * restore on the way down.
 */
export async function up(knex: Knex): Promise<void> {
  await knex('tickets').whereNotNull('disputed_at').whereIn('status', ['resolved', 'closed']).update({ disputed_at: null });
  await knex('tickets as t')
    .whereNotNull('t.disputed_at')
    .whereExists((q) =>
      q
        .select(knex.raw('1'))
        .from('ticket_events as e')
        .whereRaw('e.ticket_id = t.id')
        .where('e.kind', 'reopened')
        .whereRaw('e.at > t.disputed_at'),
    )
    .update({ disputed_at: null });
}

export async function down(): Promise<void> {}
