import type { Knex } from 'knex';

/**
 * Quality tickets (issue 5) and their history. The rule "never two active tickets for one
 * fingerprint" is the partial unique index below, so it holds whatever the code does and however
 * many check runs and users act at once.
 *
 * `fingerprint` is check kind, table, field ('' for table-level checks), the department the check
 * routed to, and the record key (user reports only), joined by the service (`fingerprintOf`). The
 * parts are kept as columns for filtering. `department_code` is who must act now: it starts as the
 * routed department and changes on reassignment, while the fingerprint keeps the routed department,
 * so the next failing run finds the reassigned ticket instead of filing another.
 */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('settings'))) {
    await knex.schema.createTable('settings', (t) => {
      t.string('key', 200).primary();
      t.jsonb('value').notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.string('updated_by', 64);
    });
  }
  if (!(await knex.schema.hasColumn('departments', 'webhook_url'))) {
    await knex.schema.alterTable('departments', (t) => {
      t.text('webhook_url');
    });
  }

  await knex.schema.createTable('tickets', (t) => {
    t.bigIncrements('id');
    t.text('fingerprint').notNullable();
    t.string('check_kind', 200).notNullable();
    t.string('table_name', 200).notNullable();
    t.string('field_name', 200);
    t.string('fingerprint_department', 64).notNullable();
    t.string('department_code', 64).notNullable().references('departments.code').onUpdate('CASCADE');
    t.string('status', 16).notNullable().defaultTo('open');
    t.string('severity', 8).notNullable();
    t.text('message').notNullable();
    t.integer('violations').notNullable().defaultTo(0);
    t.integer('checked_rows').notNullable().defaultTo(0);
    t.jsonb('sample_keys').notNullable().defaultTo('[]');
    t.jsonb('record_key');
    t.timestamp('first_seen', { useTz: true }).notNullable();
    t.timestamp('last_seen', { useTz: true }).notNullable();
    t.integer('occurrences').notNullable().defaultTo(1);
    t.date('due_at').notNullable();
    t.integer('reopened').notNullable().defaultTo(0);
    t.timestamp('resolved_at', { useTz: true });
    t.text('closed_reason');
    t.timestamp('escalated_at', { useTz: true });
    t.timestamp('reminded_at', { useTz: true });
    t.timestamp('recheck_requested_at', { useTz: true });
    /** Set when the department says "not our data"; cleared when the IT office reassigns. */
    t.timestamp('disputed_at', { useTz: true });
    t.string('last_run_id', 100);
    /** Optimistic locking: every change adds 1; callers may pass the version they saw. */
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['fingerprint', 'id'], 'tickets_fingerprint_idx');
    t.index(['department_code', 'status', 'due_at'], 'tickets_department_status_idx');
  });
  await knex.raw(
    `ALTER TABLE tickets ADD CONSTRAINT tickets_status_known CHECK (status IN ('open','acknowledged','fixed','resolved','closed'))`,
  );
  await knex.raw(`ALTER TABLE tickets ADD CONSTRAINT tickets_severity_known CHECK (severity IN ('high','medium','low'))`);
  await knex.raw(
    `CREATE UNIQUE INDEX tickets_one_active_per_fingerprint ON tickets (fingerprint) WHERE status IN ('open','acknowledged','fixed')`,
  );

  await knex.schema.createTable('ticket_events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('ticket_id').notNullable().references('tickets.id').onDelete('CASCADE');
    t.timestamp('at', { useTz: true }).notNullable();
    /** Null actor: the system (a check run, a scheduled job). */
    t.bigInteger('actor_user_id');
    t.string('actor_login', 64);
    t.string('actor_name', 200);
    t.string('kind', 16).notNullable();
    t.string('from_status', 16);
    t.string('to_status', 16);
    t.text('comment');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.index(['ticket_id', 'id'], 'ticket_events_ticket_idx');
  });
  // reported / answered / confirmed are kept free for user error reports (issue 6).
  await knex.raw(
    `ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_known CHECK (kind IN ('filed','updated','transition','comment','reassigned','disputed','reopened','escalated','reminded','reported','answered','confirmed'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ticket_events');
  await knex.schema.dropTable('tickets');
  if (await knex.schema.hasColumn('departments', 'webhook_url')) {
    await knex.schema.alterTable('departments', (t) => {
      t.dropColumn('webhook_url');
    });
  }
  // `settings` may hold other areas' keys by now: remove ours, drop the table only when it is empty.
  if (await knex.schema.hasTable('settings')) {
    await knex('settings').where('key', 'like', 'tickets.%').delete();
    const left = await knex('settings').count({ n: '*' }).first();
    if (Number(left?.n ?? 0) === 0) await knex.schema.dropTable('settings');
  }
}
