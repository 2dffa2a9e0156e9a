import type { Knex } from 'knex';

/**
 * A catalog import that changes the calendar's holidays or make-up working days moves the due dates of the tickets
 * departments still work (services/tickets/calendar-change.ts): a kind of ticket history row (`due_moved`: "节假日调整，
 * 整改期限由 2027-02-08 改为 2027-02-15") the check constraint did not know. One statement each (the embedded database
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
  'extension_asked',
  'extension_given',
  'extension_denied',
  'withdrawn',
];

const kinds = (list: string[]) =>
  `ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_known CHECK (kind IN (${list.map((k) => `'${k}'`).join(',')}))`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_known');
  await knex.raw(kinds([...KINDS, 'due_moved']));
}

export async function down(knex: Knex): Promise<void> {
  // The date change stays told, as a comment-less history row of the kind every ticket has.
  await knex('ticket_events').where({ kind: 'due_moved' }).update({ kind: 'updated' });
  await knex.raw('ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_known');
  await knex.raw(kinds(KINDS));
}
