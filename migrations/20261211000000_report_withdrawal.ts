import type { Knex } from 'knex';

/**
 * A reporter may withdraw their own report (撤回报告, services/reports/withdraw.ts) while it waits for triage or its
 * ticket waits for the department's answer: a report status (`withdrawn`, with when and the optional reason) and a
 * kind of ticket history row (`withdrawn`: "报告人撤回了一份报告") the check constraints did not know. One statement
 * each (the embedded database runs no multi-statement SQL).
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
];
const STATUSES = ['triage', 'routed', 'rejected'];

const kinds = (list: string[]) =>
  `ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_known CHECK (kind IN (${list.map((k) => `'${k}'`).join(',')}))`;
const statuses = (list: string[]) =>
  `ALTER TABLE reports ADD CONSTRAINT reports_status_known CHECK (status IN (${list.map((k) => `'${k}'`).join(',')}))`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reports', (t) => {
    t.timestamp('withdrawn_at', { useTz: true });
    t.text('withdraw_reason');
  });
  await knex.raw('ALTER TABLE reports DROP CONSTRAINT reports_status_known');
  await knex.raw(statuses([...STATUSES, 'withdrawn']));
  await knex.raw('ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_known');
  await knex.raw(kinds([...KINDS, 'withdrawn']));
}

export async function down(knex: Knex): Promise<void> {
  await knex('ticket_events').where({ kind: 'withdrawn' }).update({ kind: 'comment' });
  await knex.raw('ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_known');
  await knex.raw(kinds(KINDS));
  // A withdrawn report was either routed (it keeps its ticket) or waiting; the latter reads as not accepted.
  await knex('reports').where({ status: 'withdrawn' }).whereNotNull('ticket_id').update({ status: 'routed' });
  await knex('reports')
    .where({ status: 'withdrawn' })
    .update({ status: 'rejected', triage_reason: knex.raw(`coalesce(withdraw_reason, '报告人已撤回')`) });
  await knex.raw('ALTER TABLE reports DROP CONSTRAINT reports_status_known');
  await knex.raw(statuses(STATUSES));
  await knex.schema.alterTable('reports', (t) => {
    t.dropColumn('withdrawn_at');
    t.dropColumn('withdraw_reason');
  });
}
