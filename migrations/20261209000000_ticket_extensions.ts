import type { Knex } from 'knex';

/**
 * A department may ask the IT office for more time on a ticket (申请延期, tickets/extensions.ts): the request waits on
 * the ticket (`extension_requested_at`, `extension_days`: working days asked for) until the office grants or refuses
 * it, and three kinds of history row the check constraint did not know. One statement each (the embedded database
 * runs no multi-statement SQL).
 */
const KINDS = [
  'filed',
  'updated',
  'transition',
  'comment',
  'reassigned',
  'disputed',
  'reopened',
  'escalated',
  'reminded',
  'reported',
  'answered',
  'confirmed',
  'dispute_refused',
];
const EXTENSION_KINDS = ['extension_asked', 'extension_given', 'extension_denied'];

const constraint = (kinds: string[]) =>
  `ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_known CHECK (kind IN (${kinds.map((k) => `'${k}'`).join(',')}))`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tickets', (t) => {
    t.timestamp('extension_requested_at', { useTz: true });
    t.smallint('extension_days');
  });
  // A sane range, wider than the service's limit (extensions.ts MAX_EXTENSION_DAYS, 20): the limit is policy and may
  // change without a migration; a nonsense value may not be stored.
  await knex.raw(
    'ALTER TABLE tickets ADD CONSTRAINT tickets_extension_days_range CHECK (extension_days IS NULL OR extension_days BETWEEN 1 AND 60)',
  );
  await knex.raw('ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_known');
  await knex.raw(constraint([...KINDS, ...EXTENSION_KINDS]));
}

export async function down(knex: Knex): Promise<void> {
  await knex('ticket_events').whereIn('kind', EXTENSION_KINDS).update({ kind: 'comment' });
  await knex.raw('ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_known');
  await knex.raw(constraint(KINDS));
  await knex.raw('ALTER TABLE tickets DROP CONSTRAINT tickets_extension_days_range');
  await knex.schema.alterTable('tickets', (t) => {
    t.dropColumn('extension_requested_at');
    t.dropColumn('extension_days');
  });
}
