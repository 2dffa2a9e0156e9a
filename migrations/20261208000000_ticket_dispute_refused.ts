import type { Knex } from 'knex';

/**
 * The IT office may now keep a disputed ticket with its department (`dispute_refused`, tickets/transitions.ts
 * dismissDispute): a kind of history row the check constraint did not know. One statement each (the embedded
 * database runs no multi-statement SQL).
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
];

const constraint = (kinds: string[]) =>
  `ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_known CHECK (kind IN (${kinds.map((k) => `'${k}'`).join(',')}))`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_known');
  await knex.raw(constraint([...KINDS, 'dispute_refused']));
}

export async function down(knex: Knex): Promise<void> {
  await knex('ticket_events').where({ kind: 'dispute_refused' }).update({ kind: 'comment' });
  await knex.raw('ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_known');
  await knex.raw(constraint(KINDS));
}
