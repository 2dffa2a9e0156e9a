import type { Knex } from 'knex';

/**
 * Error reports from data users (数据纠错, issue 6).
 *
 * - `reports`: one row per report a user files. It joins a quality ticket (`check_kind = 'report'`)
 *   through `ticket_id`. With the IT office's "triage first" setting on (`settings` key
 *   `reports.triage`), a report waits with `status = 'triage'` and no ticket until the IT office
 *   routes it (→ `routed`, ticket filed or joined) or turns it down (→ `rejected`, with a reason).
 *   The hub's value at filing time is kept masked (`hub_value`); `hub_found` is null when the hub
 *   could not be asked.
 * - `report_tickets`: the answer state of one report ticket (several reports may share it).
 *   `first_answered_at` is the department's first answer (fixed / not an error), the moment the
 *   scorecards count against `tickets.due_at`; the same moment is in `ticket_events` as kind
 *   `answered`. `fixed_at` starts the reporter's 5-working-day confirmation window.
 *   `notified_event_id` is how far reporters have been told about the ticket's history.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reports', (t) => {
    t.bigIncrements('id');
    t.bigInteger('reporter_id').notNullable().references('users.id');
    t.bigInteger('ticket_id').references('tickets.id').onDelete('SET NULL');
    t.string('status', 16).notNullable().defaultTo('routed');
    t.string('table_name', 200).notNullable();
    t.string('field_name', 200).notNullable();
    t.jsonb('record_key').notNullable();
    /** The department the catalog routes the report to (field's owner, else the table's). */
    t.string('department_code', 64).notNullable();
    t.text('description').notNullable();
    t.text('suggested_value');
    t.bigInteger('attachment_id').references('uploads.id').onDelete('SET NULL');
    t.boolean('hub_found');
    t.text('hub_value');
    t.text('triage_reason');
    t.timestamp('triaged_at', { useTz: true });
    t.string('triaged_by', 64);
    t.string('ip', 64);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['reporter_id', 'created_at'], 'reports_reporter_idx');
    t.index(['ticket_id'], 'reports_ticket_idx');
    t.index(['status', 'id'], 'reports_status_idx');
  });
  await knex.raw(`ALTER TABLE reports ADD CONSTRAINT reports_status_known CHECK (status IN ('triage','routed','rejected'))`);

  await knex.schema.createTable('report_tickets', (t) => {
    t.bigInteger('ticket_id').primary().references('tickets.id').onDelete('CASCADE');
    t.string('answer', 16);
    t.text('answer_comment');
    t.bigInteger('answer_document_id').references('uploads.id').onDelete('SET NULL');
    t.timestamp('first_answered_at', { useTz: true });
    t.timestamp('answered_at', { useTz: true });
    t.timestamp('fixed_at', { useTz: true });
    t.timestamp('confirmed_at', { useTz: true });
    t.integer('reporter_reopens').notNullable().defaultTo(0);
    t.bigInteger('notified_event_id').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    `ALTER TABLE report_tickets ADD CONSTRAINT report_tickets_answer_known CHECK (answer IS NULL OR answer IN ('fixed','not_error','not_ours'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('report_tickets');
  await knex.schema.dropTable('reports');
  if (await knex.schema.hasTable('settings')) await knex('settings').where('key', 'like', 'reports.%').delete();
}
